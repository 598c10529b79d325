// Runs a program from the compiled tree (dist/, as in the container image) when it is at
// least as new as the TypeScript sources, else straight from the sources through tsx, so
// `npx <bin>` works after `npm ci` and an edit after `npm run build` never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time (ms) of the .ts files under `dir`; 0 when there are none. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether the compiled twin exists and no source is newer (the image ships no sources). */
function compiledIsCurrent(compiled) {
  if (!existsSync(compiled)) return false;
  const src = join(root, 'src');
  if (!existsSync(src)) return true;
  const built = statSync(compiled).mtimeMs;
  if (newestSource(src) <= built) return true;
  process.stderr.write(`ipnet: dist/ is older than src/, running the sources (run \`npm run build\` to refresh it)\n`);
  return false;
}

/**
 * Imports `src/<name>.ts` (or its compiled twin) and calls its exported `main`. The build's
 * bundle (dist/app, scripts/bundle.js) loads faster than tsc's one file per module (dist/src),
 * which still runs when it is the only build there is; its CommonJS twin, built for the
 * programs a restart waits on, runs with a V8 code cache (code-cache.js) and goes first.
 */
export async function launch(name) {
  const twin = join(root, 'dist', 'app', `${name}.cjs`);
  const bundled = join(root, 'dist', 'app', `${name}.js`);
  const compiled = existsSync(twin) ? twin : existsSync(bundled) ? bundled : join(root, 'dist', 'src', `${name}.js`);
  let mod;
  if (compiledIsCurrent(compiled)) {
    mod = compiled === twin ? (await import('./code-cache.js')).requireWithCodeCache(twin) : await import(pathToFileURL(compiled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(pathToFileURL(join(root, 'src', `${name}.ts`)).href);
  }
  await mod.main(process.argv.slice(2));
}

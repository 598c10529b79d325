// Runs a program from the compiled tree (dist/, as in the container image) when present,
// else straight from the TypeScript sources through tsx, so `npx <bin>` works after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Imports `src/<name>.ts` (or its compiled twin) and calls its exported `main`. */
export async function launch(name) {
  const compiled = join(root, 'dist', 'src', `${name}.js`);
  let mod;
  if (existsSync(compiled)) {
    mod = await import(pathToFileURL(compiled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(pathToFileURL(join(root, 'src', `${name}.ts`)).href);
  }
  await mod.main(process.argv.slice(2));
}

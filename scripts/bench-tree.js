// Builds the sources as the container runs them into a bench-private tree: tsc (tsconfig given),
// then scripts/bundle.js, the launchers copied beside, and a package.json saying the files are
// ESM (under node_modules the repo's own no longer scopes them). The tree sits under
// node_modules so its imports resolve; not dist/, where a build outlives the bench and goes stale.
// Usage: node scripts/bench-tree.js <dir> <tsconfig>   (also imported by scripts/bench.js)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Builds `dir` from `tsconfig`; tsc's type errors are printed, not fatal, when it still emitted. */
export function buildTree(dir, tsconfig) {
  rmSync(dir, { recursive: true, force: true });
  const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', tsconfig, '--outDir', join(dir, 'dist'), '--sourceMap', 'false'], { stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (err) {
    // another change in progress: measure what was emitted
    if (!existsSync(join(dir, 'dist', 'src', 'main', 'agent.js'))) throw err;
    process.stdout.write(`# compiled with type errors:\n${err.stdout ?? err.message}\n`);
  }
  execFileSync(process.execPath, [join('scripts', 'bundle.js'), join(dir, 'dist')], { stdio: 'inherit' });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const f of ['launch.js', 'code-cache.js', 'ipnet-agent.js', 'ipnet-vpp-bridge.js']) copyFileSync(join('bin', f), join(dir, 'bin', f));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, tsconfig] = process.argv.slice(2);
  if (dir === undefined || tsconfig === undefined) throw new Error('usage: node scripts/bench-tree.js <dir> <tsconfig>');
  buildTree(dir, tsconfig);
}

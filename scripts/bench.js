// `npm run bench [word…]`: builds the sources and the benchmarks as the container runs the
// agent (tsc, then scripts/bundle.js for the programs) into a bench-private tree, then runs
// bench/run.js from that tree. Run from the sources under tsx, every function the agent
// creates went through tsx's name-keeping wrapper: an AddPod cost ~10% more CPU than in the
// image, so the figures measured code that never ships.
// The tree sits under node_modules so its imports resolve; not dist/, where a build outlives
// the bench and goes stale. Children the benches spawn run from the repo root, as before.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const tree = join('node_modules', '.cache', 'ipnet-bench');
rmSync(tree, { recursive: true, force: true });
const started = Date.now();
const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json', '--outDir', join(tree, 'dist')], { stdio: ['ignore', 'pipe', 'inherit'] });
} catch (err) {
  // tsc still emits when types fail (another change in progress): measure what was emitted
  process.stdout.write(`# compiled with type errors:\n${err.stdout ?? err.message}\n`);
}
execFileSync(process.execPath, [join('scripts', 'bundle.js'), join(tree, 'dist')], { stdio: 'inherit' });
mkdirSync(join(tree, 'bin'), { recursive: true });
for (const f of ['launch.js', 'ipnet-agent.js', 'ipnet-vpp-bridge.js']) copyFileSync(join('bin', f), join(tree, 'bin', f));
// under node_modules the repo's package.json no longer scopes these files: say they are ESM
writeFileSync(join(tree, 'package.json'), JSON.stringify({ type: 'module', private: true }));
process.stdout.write(`# benchmarks built (compiled, as the image runs the agent) in ${Date.now() - started} ms\n`);
const child = spawn(process.execPath, [join(tree, 'dist', 'bench', 'run.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, IPNET_BENCH_TREE: tree },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm run bench [word…]`: builds the sources and the benchmarks as the container runs the
// agent (scripts/bench-tree.js) and runs bench/run.js from that tree. Run from the sources under
// tsx, every function the agent creates went through tsx's name-keeping wrapper: an AddPod cost
// ~10% more CPU than in the image, so the figures measured code that never ships. Children the
// benches spawn run from the repo root, as before.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { agentNodeFlags } from './agent-node-flags.js';
import { buildTree } from './bench-tree.js';

const tree = join('node_modules', '.cache', 'ipnet-bench');
const started = Date.now();
buildTree(tree, 'tsconfig.bench.json');
process.stdout.write(`# benchmarks built (compiled, as the image runs the agent) in ${Date.now() - started} ms\n`);
// the in-process agent of the benches runs in this child, and the spawned one gets them too
const flags = agentNodeFlags();
process.stdout.write(`# node flags of the agent, as the image's ENTRYPOINT gives them: ${flags.join(' ') || '(none)'}\n`);
const child = spawn(process.execPath, [...flags, join(tree, 'dist', 'bench', 'run.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, IPNET_BENCH_TREE: tree, IPNET_AGENT_NODE_FLAGS: JSON.stringify(flags) },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

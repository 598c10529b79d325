/**
 * Set-up shared by the agent benches: a compiled config sized for a 1,000-node cluster, the
 * agent composed in-process exactly as `src/main/agent.ts` does (minus signal handling), a
 * simulator + bridge that outlive agents, and a store pre-filled with peer node records.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startAgent, type Agent } from '../src/actors/agent.js';
import { hostStep } from '../src/actors/host-step.js';
import { podsStep, type PodsHandle } from '../src/actors/pods-step.js';
import { coreSteps, type AgentState } from '../src/actors/steps.js';
import { vppStep, type VppHandle } from '../src/actors/vpp-step.js';
import { compileConfig, formatProblem, type Config } from '../src/config/index.js';
import { encodeNodeRecord, nodeIdKey } from '../src/nodesync/record.js';
import { openStore } from '../src/store/open.js';
import { createLogger } from '../src/util/log.js';

/** Node name of the agent under test (peers are `peer-<id>`). */
export const benchNode = 'bench-node';

/**
 * Raw config: subnets wide enough for 1,000+ nodes and 1,000 pods on this node (the contiv
 * defaults stop at 254 of either), everything else at its default.
 */
export function rawConfig(dir: string, endpoint: string): Record<string, unknown> {
  return {
    nodeName: benchNode,
    ipamConfig: {
      podSubnetCIDR: '10.0.0.0/10',
      podSubnetOneNodePrefixLen: 22,
      vppHostSubnetCIDR: '172.16.0.0/12',
      vppHostSubnetOneNodePrefixLen: 24,
      vxlanCIDR: '192.168.128.0/17',
      nodeInterconnectCIDR: '192.168.0.0/17',
    },
    store: { type: 'embedded', path: join(dir, 'store.json') },
    vppBridge: { endpoint },
    http: { port: 0 },
    cni: { socket: join(dir, 'cni.sock') },
  };
}

/** Compiles `rawConfig`, failing loudly on any error. */
export function benchConfig(dir: string, endpoint: string): Config {
  const { config, problems } = compileConfig(rawConfig(dir, endpoint), { hostname: benchNode });
  if (!config) throw new Error(`bench config rejected:\n${problems.map(formatProblem).join('\n')}`);
  return config;
}

/** A composed, started agent with the handles its steps filled. */
export interface InProcessAgent {
  readonly agent: Agent;
  readonly state: AgentState;
  readonly vpp: VppHandle;
  readonly pods: PodsHandle;
}

/**
 * Starts the agent in this process with the production steps. `netns: false`: pod network
 * namespaces are not touched (the VPP side, IPAM and pod records are all real).
 */
export async function startInProcess(config: Config): Promise<InProcessAgent> {
  const state: AgentState = {};
  const vpp: VppHandle = {};
  const pods: PodsHandle = {};
  const log = createLogger('bench-agent', 'silent');
  // the host step too, as src/main/agent.ts runs it: with an external bridge it reads this
  // namespace's host IPs, whose VPP routes are part of the node's desired state
  const agent = await startAgent(config, log, [...coreSteps(state), vppStep(vpp), hostStep(state, vpp), podsStep(state, vpp, pods, { netns: false })]);
  await agent.started;
  return { agent, state, vpp, pods };
}

/** A simulated VPP in its own process (the compiled bridge CLI), outliving the agents using it. */
export interface BridgeChild {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the bridge CLI with the simulator behind it, compiled as the container runs it (see
 * `buildCompiledTree`): from the sources, tsx's loader thread and wrappers made the simulated
 * VPP's side of every call slower than the agent's own. Resolves once it listens.
 */
export async function startBridgeChild(dir: string): Promise<BridgeChild> {
  const endpoint = `ipc://${join(dir, 'vpp-bridge.sock')}`;
  const bridge = (await buildCompiledTree()).bridge;
  // the repo root (`npm run bench` runs there), not this file's: it may run from a compiled tree
  const root = process.cwd();
  const child = spawn(process.execPath, [join(root, bridge), '--listen', endpoint, '--backend', 'sim'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bridge child exited ${code}`)));
  });
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/**
 * The Node flags the image starts the agent with: handed down by `npm run bench`, else read from
 * the Dockerfile by the script that reads them for it (a bench run from the sources).
 */
export function agentNodeFlags(): string[] {
  const given = process.env['IPNET_AGENT_NODE_FLAGS'];
  const text = given ?? execFileSync(process.execPath, [join(process.cwd(), 'scripts', 'agent-node-flags.js')], { encoding: 'utf8' });
  return JSON.parse(text) as string[];
}

/** Writes `n` peer node-ID records (IDs 2…n+1, so the agent under test takes ID 1). */
export async function seedPeers(config: Config, n: number): Promise<void> {
  const store = await openStore(config.store);
  try {
    // issued in one tick: the embedded store writes them as one snapshot
    const ids = Array.from({ length: n }, (_, i) => i + 2);
    await Promise.all(ids.map((id) => store.put(nodeIdKey(id), encodeNodeRecord({ id, name: `peer-${id}`, vppIPs: [`192.168.${id >> 8}.${id & 255}/17`] }))));
  } finally {
    await store.close();
  }
}

/** A container for pod `i`: a unique 64-hex ID and a netns path that is never opened. */
export function container(i: number, salt = 0): { containerId: string; netns: string; ifName: string } {
  const id = ((salt * 1_000_000 + i).toString(16).padStart(12, '0') + 'ab'.repeat(26)).slice(0, 64);
  return { containerId: id, netns: `/var/run/netns/bench-${i}`, ifName: 'eth0' };
}

/** A fresh temp dir and its removal. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Milliseconds since `t0` (from `process.hrtime.bigint()`). */
export function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * The programs as the container runs them, built from the sources as they are now (tsc, then
 * scripts/bundle.js: scripts/bench-tree.js), and returns their launchers (relative to the repo).
 */
export function buildCompiledTree(): Promise<{ agent: string; bridge: string }> {
  // `npm run bench` runs from such a tree already (scripts/bench.js): its launchers are these;
  // run from the sources, the bench builds one of the programs alone, once per process
  const given = process.env.IPNET_BENCH_TREE;
  compiledTree ??= given !== undefined ? Promise.resolve(given) : compileTree();
  return compiledTree.then((root) => ({ agent: join(root, 'bin', 'ipnet-agent.js'), bridge: join(root, 'bin', 'ipnet-vpp-bridge.js') }));
}

let compiledTree: Promise<string> | undefined;

async function compileTree(): Promise<string> {
  const root = join('node_modules', '.cache', 'ipnet-bench-agent');
  const { stdout } = await promisify(execFile)(process.execPath, [join('scripts', 'bench-tree.js'), root, 'tsconfig.build.json']);
  if (stdout) console.log(stdout.trimEnd());
  return root;
}

/** The compiled agent's launcher (see `buildCompiledTree`). */
export async function buildCompiledAgent(): Promise<string> {
  return (await buildCompiledTree()).agent;
}

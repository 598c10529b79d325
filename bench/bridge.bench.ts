/**
 * Bridge figures, across processes: the bridge runs as the real CLI child (`--backend sim`),
 * the client here. Baseline in the same run: a raw ZeroMQ ROUTER echo child, same transport.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dealer } from 'zeromq';
import { BridgeClient } from '../src/vpp/bridge/client.js';
import { buildCompiledTree } from './agent-harness.js';
import { figure, percentile, report } from './stats.js';

// the repo root (`npm run bench` runs there), not this file's: it may run from a compiled tree
const root = process.cwd();
const SUITE = 'bridge';
const SYNC_N = 3000;
/** Round trips of each kind before the measured ones: JIT warm-up of both processes on both paths. */
const SYNC_COLD_N = 1000;
const PIPE_N = Number(process.env.BENCH_BRIDGE_N ?? 100_000);
// The simulator's cost grows with the interfaces it holds, so the mix stays at a few thousand.
const MIX_ROUNDS = Math.round(PIPE_N / 50);

const ECHO = `import { Router } from 'zeromq';
const r = new Router({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
await r.bind(process.argv[1]);
console.log('ready');
for await (const m of r) await r.send(m);`;

async function child(args: string[]): Promise<ChildProcess> {
  const c = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    c.stdout?.once('data', () => resolve());
    c.once('exit', (code) => reject(new Error(`bench child exited ${code}`)));
  });
  return c;
}

async function stop(c: ChildProcess): Promise<void> {
  const done = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await done;
}

/** `n` sync round trips, raw echo and bridge ping alternating sample by sample. */
async function alternate(d: Dealer, c: BridgeClient, n: number): Promise<{ raw: number[]; bridge: number[] }> {
  const frame = Buffer.alloc(10);
  const raw: number[] = [];
  const bridge: number[] = [];
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await d.send(frame);
    await d.receive();
    raw.push(performance.now() - t0);
    t0 = performance.now();
    await c.ping();
    bridge.push(performance.now() - t0);
  }
  return { raw, bridge };
}

function ratio(bridge: readonly number[], raw: readonly number[]): string {
  return `${(percentile(bridge, 50) / percentile(raw, 50)).toFixed(2)}x`;
}

/**
 * Sync round trips, alternating so load from other processes on this shared machine hits both
 * alike. The first SYNC_COLD_N of each are reported apart: they include JIT compilation in both
 * processes, which a long-running agent and bridge pay once, and moved the p50 ratio by up to
 * 0.5x between runs.
 */
async function syncRoundTrips(d: Dealer, c: BridgeClient): Promise<void> {
  const cold = await alternate(d, c, SYNC_COLD_N);
  report(SUITE, `raw zmq echo: sync, first ${SYNC_COLD_N} (cold)`, cold.raw);
  report(SUITE, `bridge control_ping: sync, first ${SYNC_COLD_N} (cold)`, cold.bridge);
  figure(SUITE, 'sync p50 ratio bridge / raw echo, cold', ratio(cold.bridge, cold.raw));
  const { raw, bridge } = await alternate(d, c, SYNC_N);
  report(SUITE, 'raw zmq echo: sync round trip (10-byte frame)', raw);
  report(SUITE, 'bridge control_ping: sync round trip', bridge);
  figure(SUITE, 'sync p50 ratio bridge / raw echo', `${ratio(bridge, raw)} (target <= 1.5x)`);
}

const IDLE_N = 300;
const IDLE_MS = 5;

/**
 * Sync round trips after the processes sat idle for IDLE_MS, as the agent's calls mostly are (a
 * pod add every few ms). Waking sleeping threads costs each hop far more than when they are
 * busy: this, not the bridge's own work, is most of the transit time seen inside an AddPod.
 */
async function idleRoundTrips(d: Dealer, c: BridgeClient): Promise<void> {
  const frame = Buffer.alloc(10);
  const raw: number[] = [];
  const bridge: number[] = [];
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, IDLE_MS));
  for (let i = 0; i < IDLE_N; i++) {
    await pause();
    let t0 = performance.now();
    await d.send(frame);
    await d.receive();
    raw.push(performance.now() - t0);
    await pause();
    t0 = performance.now();
    await c.ping();
    bridge.push(performance.now() - t0);
  }
  report(SUITE, `raw zmq echo: sync, after ${IDLE_MS} ms idle`, raw);
  report(SUITE, `bridge control_ping: sync, after ${IDLE_MS} ms idle`, bridge);
  figure(SUITE, `sync p50 ratio bridge / raw echo, after ${IDLE_MS} ms idle`, ratio(bridge, raw));
}

/** Raw echo pipelined: `batch` frames per message, sends and receives overlapping. */
async function rawPipelined(d: Dealer): Promise<void> {
  for (const batch of [1, 64]) {
    const frames = Array.from({ length: batch }, () => Buffer.alloc(10));
    const msgs = Math.floor(PIPE_N / batch);
    const t0 = performance.now();
    const recv = (async () => {
      for (let i = 0; i < msgs; i++) await d.receive();
    })();
    for (let i = 0; i < msgs; i++) await d.send(frames);
    await recv;
    const s = (performance.now() - t0) / 1000;
    figure(SUITE, `raw zmq echo: pipelined, ${batch} frame(s)/message`, `${Math.round((msgs * batch) / s).toLocaleString('en')} frames/s each way`);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux clock ticks at 100 Hz). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Wall-clock rate, plus CPU per call in each process: on a loaded machine the wall figure
 * understates what two free cores would do, so the CPU figures say where the cost is.
 */
async function throughput(name: string, bridgePid: number, calls: number, framesPerCall: number, run: () => Promise<unknown>): Promise<void> {
  const b0 = await cpuSeconds(bridgePid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const clientUs = ((c.user + c.system) / calls);
  const bridgeUs = ((await cpuSeconds(bridgePid)) - b0) * 1e6 / calls;
  figure(SUITE, name, `${Math.round(calls / s).toLocaleString('en')} calls/s = ${Math.round((calls * framesPerCall) / s).toLocaleString('en')} VPP messages/s wall`);
  figure(SUITE, `  CPU per call: client / bridge+sim`, `${clientUs.toFixed(1)}µs / ${bridgeUs.toFixed(1)}µs -> ${Math.round(1e6 / Math.max(clientUs, bridgeUs)).toLocaleString('en')} calls/s if each had a free core`);
}

/**
 * The bridge child as the container runs it: compiled from the current sources (the same
 * build the agent bench measures), so tsx's loader is not part of the figure.
 */
async function bridgeCommand(listen: string): Promise<{ args: string[]; tree: string }> {
  const bin = await buildCompiledTree();
  return { args: [join(root, bin.bridge), '--listen', listen, '--backend', 'sim'], tree: 'compiled from the current sources' };
}

/** Runs every figure of the bridge suite. */
export default async function (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-bench-bridge-'));
  const echoEp = `ipc://${join(dir, 'echo.sock')}`;
  const bridgeEp = `ipc://${join(dir, 'bridge.sock')}`;
  const echo = await child(['--input-type=module', '-e', ECHO, echoEp]);
  const cmd = await bridgeCommand(bridgeEp);
  figure(SUITE, 'bridge child runs', cmd.tree);
  const bridge = await child(cmd.args);
  try {
    const d = new Dealer({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
    d.connect(echoEp);
    await d.send(Buffer.alloc(10));
    await d.receive();
    const c = await BridgeClient.connect(bridgeEp, { timeoutMs: 60_000, window: 1024 });
    await c.ping();
    await syncRoundTrips(d, c);
    await idleRoundTrips(d, c);
    await rawPipelined(d);
    d.close();
    const pid = bridge.pid as number;
    await throughput(`bridge control_ping pipelined (window 1024, n=${PIPE_N})`, pid, PIPE_N, 2,
      () => Promise.all(Array.from({ length: PIPE_N }, () => c.ping())));
    // Mix: create a loopback, give it an address, dump its addresses (one details message).
    // Frames per round: 2 + 2 + (dump, details, ping, ping reply) = 8.
    await throughput(`bridge create/dump mix pipelined (n=${MIX_ROUNDS * 3} calls)`, pid, MIX_ROUNDS * 3, 8 / 3, async () => {
      const los = await Promise.all(Array.from({ length: MIX_ROUNDS }, () => c.request('create_loopback', {}, { timeoutMs: 300_000 })));
      await Promise.all(los.map((lo, i) => Promise.all([
        c.request('sw_interface_add_del_address', {
          sw_if_index: lo.sw_if_index, is_add: true,
          prefix: { address: { af: 0, un: { ip4: [10, (i >> 16) & 255, (i >> 8) & 255, i & 255] } }, len: 32 },
        }, { timeoutMs: 300_000 }),
        c.dump('ip_address_dump', { sw_if_index: lo.sw_if_index, is_ipv6: false }, { timeoutMs: 300_000 }),
      ])));
    });
    await c.close();
  } finally {
    await stop(bridge);
    await stop(echo);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Issue 6 start-up figures: a store with 1,000 peer node records and 250 pods wired by a first
 * agent, one simulated VPP behind a bridge that outlives the agents; then a second agent's
 * start until ready, its VPP writes (0 expected), its CPU time and its RSS. Measured three
 * ways: composed in this process (warm JIT; repeated), as the compiled agent the container
 * runs (built here from the current sources: a first start that writes the V8 code cache the
 * image ships, then five cold starts with it, and five more without this machine's
 * NODE_EXTRA_CA_CERTS when it is set), and through the repo's launcher under tsx (what `npm
 * start` runs without a build; for reference).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { peerOwner } from '../src/desired/index.js';
import type { Config } from '../src/config/index.js';
import { agentNodeFlags, benchConfig, buildCompiledAgent, container, rawConfig, seedPeers, since, startBridgeChild, startInProcess, tempDir } from './agent-harness.js';
import { figure, fmt, report, sample, speedProbe } from './stats.js';

const suite = 'restart';
const execFileP = promisify(execFile);
const podCount = 250;
const peerCount = 1000;
/** A compiled executable to measure instead of building one (a copy whose launcher finds its tree). */
const givenBin = process.env['IPNET_BENCH_AGENT_BIN'];

/**
 * The network namespace the wired pods name. An agent run as root (the spawned ones here) forgets
 * at start-up every pod whose namespace is gone, so as root the pods name one that exists (all
 * the same one: a restarted agent only checks that it is there); otherwise a path never opened.
 */
async function sandbox(): Promise<{ netns: string | undefined; remove: () => Promise<void> }> {
  if (process.getuid?.() !== 0) return { netns: undefined, remove: async () => undefined };
  const name = `ipnet-bench-${process.pid}`;
  await execFileP('ip', ['netns', 'add', name]);
  return { netns: `/var/run/netns/${name}`, remove: () => execFileP('ip', ['netns', 'del', name]).then(() => undefined) };
}

/** Pod `i`'s container, in `netns` when given. */
const podContainer = (i: number, netns: string | undefined) => (netns ? { ...container(i), netns } : container(i));

/** Wires `podCount` pods with a first agent (50 one by one, then 25 at a time), then stops it. */
async function wireFirst(config: Config, netns: string | undefined): Promise<void> {
  const a = await startInProcess(config);
  try {
    const pods = a.pods.pods;
    if (!pods) throw new Error('agent has no pod registry');
    // the first 50 one at a time: AddPod latency with every peer wired
    const seq = await sample(50, (i) => pods.add(`default/pod-${i}`, podContainer(i, netns)));
    report(suite, `AddPod sequential with ${peersWired((o) => a.pods.dataplane?.desired.ownedBy(o).size ?? 0)} peers wired (0→50 pods)`, seq);
    for (let i = 50; i < podCount; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => pods.add(`default/pod-${i + j}`, podContainer(i + j, netns))));
    }
  } finally {
    await a.agent.stop();
  }
}

/** Peers whose items are in an agent's desired state (0 while the agent does not wire peers). */
function peersWired(desiredOwners: (owner: string) => number): number {
  let n = 0;
  for (let id = 2; id <= peerCount + 1; id++) if (desiredOwners(peerOwner(id)) > 0) n++;
  return n;
}

/** In-process restarts: start → ready, repeated; VPP writes of each start. */
async function inProcessRestarts(config: Config, runs: number): Promise<void> {
  const ms: number[] = [];
  const writes: number[] = [];
  const first: number[] = [];
  const cpu: number[] = [];
  let peers = 0;
  let podsSeen = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const a = await startInProcess(config);
    ms.push(since(t0));
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    const dp = a.pods.dataplane;
    writes.push(dp?.writes ?? -1);
    peers = dp ? peersWired((o) => dp.desired.ownedBy(o).size) : 0;
    podsSeen = a.pods.pods?.list().filter((p) => p.state === 'wired').length ?? 0;
    // what a kubelet ADD right after the restart waits for (the dataplane queue included)
    const t1 = process.hrtime.bigint();
    await a.pods.pods?.add(`restart/pod-${r}`, container(r, 7));
    first.push(since(t1));
    await a.pods.pods?.del(`restart/pod-${r}`, container(r, 7).containerId);
    await a.agent.stop();
  }
  report(suite, `in-process start → ready (${podsSeen} pods wired, ${peers} peers)`, ms, `VPP writes per start=[${writes.join(',')}] (target <1s, 0 writes)`);
  figure(suite, '  first in-process start (least warm)', fmt(ms[0] ?? NaN));
  // the simulated VPP and its bridge answer the resync's dumps in this process too
  figure(suite, '  CPU time per start (user+sys, simulator included)', cpu.map(fmt).join(' '));
  figure(suite, '  first AddPod right after ready, per start', first.map(fmt).join(' '));
}

/** JSON log lines of the spawned agent (pino), parsed as they arrive. */
interface LogLine {
  msg?: string;
  time?: number;
  step?: string;
  ms?: number;
  port?: number;
  phasesMs?: Record<string, number>;
}

/** What one cold start of the real executable showed. */
interface SpawnedStart {
  readonly readyMs: number;
  readonly listeningMs: number | undefined;
  readonly confirmedMs: number;
  readonly steps: string;
  readonly phases: string;
  readonly cpuMs: number;
  readonly rss: { rss: string; hwm: string };
  readonly rssAfterActors: { rss: string; hwm: string };
  readonly vppWrites: number;
  readonly wired: number;
}

/** One cold start of the real executable: spawn → /readiness 200, then /ipnet/v1/actors and VmRSS. */
async function spawnOnce(configPath: string, agentBin: string, env: NodeJS.ProcessEnv): Promise<SpawnedStart> {
  // read before the clock starts: from the sources it runs a script (50-160 ms here)
  const nodeFlags = agentNodeFlags();
  const lines: LogLine[] = [];
  const spawnedAt = Date.now();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeFlags, agentBin, '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, IPNET_LOG_LEVEL: 'info' } });
  let buf = '';
  child.stderr.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        // not a log line (a Node warning): ignored
      }
    }
  });
  try {
    const { base, readyAt } = await readyBase(child, lines);
    const confirmedMs = since(t0);
    // CPU and memory as of ready: the /ipnet/v1/actors answer below (1,250 rows of JSON) costs more of both
    const cpuAtReady = await cpuMs(child.pid);
    const rss = await memory(child.pid);
    const listening = lines.find((l) => l.msg === 'http server listening')?.time;
    const actors = (await (await fetch(`${base}/ipnet/v1/actors`)).json()) as { vppWrites: number; pods: { state: string }[] };
    return {
      readyMs: readyAt - spawnedAt,
      listeningMs: listening === undefined ? undefined : listening - spawnedAt,
      confirmedMs,
      steps: lines.filter((l) => l.msg === 'start-up step done').map((l) => `${l.step}=${l.ms}ms`).join(' '),
      phases: Object.entries(lines.find((l) => l.phasesMs)?.phasesMs ?? {}).map(([k, v]) => `${k}=${v}ms`).join(' '),
      cpuMs: cpuAtReady,
      rss,
      rssAfterActors: await memory(child.pid),
      vppWrites: actors.vppWrites,
      wired: actors.pods.filter((p) => p.state === 'wired').length,
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

/**
 * `runs` cold starts of the real executable, one after another against the same VPP and store.
 * One start alone said little on a shared 2-core machine (the same build measured 1.1-1.7 s
 * back to back): the median is reported with every run, and the median run's breakdown.
 */
async function spawnedRestarts(dir: string, endpoint: string, agentBin: string, label: string, runs: number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const configPath = join(dir, 'agent.yaml');
  // JSON is YAML: the same raw config the in-process runs compile
  await writeFile(configPath, JSON.stringify(rawConfig(dir, endpoint)));
  const starts: SpawnedStart[] = [];
  for (let i = 0; i < runs; i++) starts.push(await spawnOnce(configPath, agentBin, env));
  const byReady = [...starts].sort((a, b) => a.readyMs - b.readyMs);
  const med = byReady[Math.ceil(byReady.length / 2) - 1] as SpawnedStart;
  const each = (f: (s: SpawnedStart) => string) => starts.map(f).join(' ');
  report(suite, `spawned ${label} → ready`, starts.map((s) => s.readyMs), `each=[${each((s) => fmt(s.readyMs))}] (target <1s)`);
  figure(suite, '  process start → http listening, each', each((s) => (s.listeningMs === undefined ? '?' : fmt(s.listeningMs))));
  figure(suite, '  agent CPU time until ready, each (user+sys)', each((s) => fmt(s.cpuMs)));
  figure(suite, '  median run: steps', `${med.steps} (/readiness 200 confirmed at ${fmt(med.confirmedMs)})`);
  figure(suite, '  median run: pods step phases', med.phases);
  figure(suite, '  VPP writes of each start (/ipnet/v1/actors)', `${each((s) => String(s.vppWrites))} (pods wired=${each((s) => String(s.wired))}, target 0)`);
  figure(suite, '  agent RSS at ready, each (VmRSS/VmHWM MiB)', `${each((s) => `${s.rss.rss}/${s.rss.hwm}`)} (target <150 MiB; after /ipnet/v1/actors ${each((s) => s.rssAfterActors.rss)})`);
}

/** A process's resident memory now and at its peak, in MiB (VmRSS, VmHWM). */
async function memory(pid: number | undefined): Promise<{ rss: string; hwm: string }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mib = (field: string) => (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024).toFixed(1);
  return { rss: mib('VmRSS'), hwm: mib('VmHWM') };
}

/** CPU time a process has used (user + system), from /proc/<pid>/stat in clock ticks of 10 ms. */
async function cpuMs(pid: number | undefined): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits for the agent's `agent ready` log line (logged synchronously the moment /readiness
 * turns 200), then asks /readiness once, which must answer 200. Polling /readiness every few
 * ms instead cost the agent CPU while it started (a kubelet probes every few seconds), and
 * the line's time is exact where polling is only as fine as its period. 30 s deadline.
 */
async function readyBase(child: ReturnType<typeof spawn>, lines: readonly LogLine[]): Promise<{ base: string; readyAt: number }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('agent not ready within 30 s');
    const readyAt = lines.find((l) => l.msg === 'agent ready')?.time;
    const port = lines.find((l) => l.msg === 'http server listening')?.port;
    if (readyAt !== undefined && port !== undefined) {
      const base = `http://127.0.0.1:${port}`;
      const res = await fetch(`${base}/readiness`);
      if (res.status !== 200) throw new Error(`agent logged ready but /readiness answered ${res.status}`);
      return { base, readyAt };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * What a bare Node process costs from spawn to exit in the environment the agent is spawned
 * with, and without NODE_EXTRA_CA_CERTS when that is set: Node 20 reads those certificates
 * before running any JavaScript, on every start (this machine's environment sets it; the
 * container image does not). Part of every spawned start above; the agent cannot change it.
 */
async function bareNodeStarts(runs: number): Promise<void> {
  const once = async (env: NodeJS.ProcessEnv) => {
    const t0 = process.hrtime.bigint();
    await execFileP(process.execPath, ['-e', '0'], { env });
    return since(t0);
  };
  const withEnv: number[] = [];
  const withoutCerts: number[] = [];
  const certs = process.env['NODE_EXTRA_CA_CERTS'];
  const { NODE_EXTRA_CA_CERTS: _, ...noCerts } = process.env;
  for (let i = 0; i < runs; i++) {
    withEnv.push(await once(process.env));
    if (certs !== undefined) withoutCerts.push(await once(noCerts));
  }
  report(suite, `bare node spawn → exit (${certs === undefined ? 'no NODE_EXTRA_CA_CERTS' : `NODE_EXTRA_CA_CERTS=${certs}`})`, withEnv, `each=[${withEnv.map(fmt).join(' ')}]`);
  if (certs !== undefined) report(suite, 'bare node spawn → exit without NODE_EXTRA_CA_CERTS', withoutCerts, `each=[${withoutCerts.map(fmt).join(' ')}]`);
}

/**
 * Runs the start-up figures: alone with `npm run bench restart`, after the AddPod figures with
 * `npm run bench agent` (both files match) and with everything in `npm run bench`.
 */
export default async function restartFigures(): Promise<void> {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  figure(suite, 'load average at start (1/5/15 min, 2 cores)', load());
  figure(suite, 'VM speed probe', speedProbe());
  const tmp = await tempDir('ipnet-restart-bench-');
  // the simulated VPP in its own compiled process, as in the AddPod figures: it answers the
  // start-up resync's ~2,500 dumps beside the agent, not inside the bench's tsx process
  const vpp = await startBridgeChild(tmp.dir);
  const sandboxes = await sandbox();
  try {
    const config = benchConfig(tmp.dir, vpp.endpoint);
    let t0 = process.hrtime.bigint();
    await seedPeers(config, peerCount);
    figure(suite, `set-up: ${peerCount} peer records written`, fmt(since(t0)));
    t0 = process.hrtime.bigint();
    await wireFirst(config, sandboxes.netns);
    figure(suite, `set-up: first agent wired ${podCount} pods (25 at a time)`, fmt(since(t0)));
    await inProcessRestarts(config, 3);
    t0 = process.hrtime.bigint();
    const compiled = givenBin ?? (await buildCompiledAgent());
    if (!givenBin) figure(suite, 'set-up: sources compiled for the spawned agent', fmt(since(t0)));
    // the image ships the agent's V8 code cache (scripts/warm-code-cache.js); a build without
    // one, as here, runs its first start without and writes it at that start's clean exit
    const codeCache = join(compiled, '..', '..', 'dist', 'app', 'main', 'agent.cjs.v8cache');
    await rm(codeCache, { force: true });
    await spawnedRestarts(tmp.dir, vpp.endpoint, compiled, 'compiled agent, first start of the build (no V8 code cache yet)', 1);
    figure(suite, '  V8 code cache written by that start', existsSync(codeCache) ? 'yes' : 'no (the twin did not run)');
    await spawnedRestarts(tmp.dir, vpp.endpoint, compiled, 'compiled agent (as the image runs it)', 5);
    await bareNodeStarts(5);
    const certs = process.env['NODE_EXTRA_CA_CERTS'];
    if (certs !== undefined) {
      const { NODE_EXTRA_CA_CERTS: _, ...imageEnv } = process.env;
      await spawnedRestarts(tmp.dir, vpp.endpoint, compiled, 'compiled agent without NODE_EXTRA_CA_CERTS (as in the image)', 5, imageEnv);
    }
    // for reference: the launcher in the repo, which runs the sources under tsx unless a dist/ exists
    const viaTsx = existsSync(join('dist', 'src', 'main', 'agent.js')) ? 'bin/ipnet-agent.js (a dist/ exists: compiled)' : 'bin/ipnet-agent.js under tsx';
    await spawnedRestarts(tmp.dir, vpp.endpoint, 'bin/ipnet-agent.js', viaTsx, 1);
    figure(suite, 'bench process RSS (in-process runs)', `${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB (not the agent's)`);
    figure(suite, 'VM speed probe', speedProbe());
    figure(suite, 'load average at end', load());
  } finally {
    await vpp.stop();
    await sandboxes.remove();
    await tmp.remove();
  }
}

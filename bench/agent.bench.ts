/**
 * Issue 6 agent figures on the simulator: AddPod latency agent-side with its parts measured
 * alone (IPAM, the VPP transaction, the pod record) and a burst of 100 concurrent AddPods. The
 * start-up figures (250 pods + 1,000 peer records, the agent's RSS) are agent-restart.bench.ts.
 * Pods are added through the pod actors (`PodRegistry.add`, what the CNI handler calls) with
 * `netns: false`: no pod network namespace is created, everything else is the real agent.
 */
import { loadavg } from 'node:os';
import { PodRecords } from '../src/actors/pod-records.js';
import { benchConfig, benchNode, container, since, startBridgeChild, startInProcess, tempDir, type InProcessAgent } from './agent-harness.js';
import { flightSwitch, recordCalls, replayAddPods } from './agent-floor.js';
import { allocatedPerCall, watchGc } from './heap-figures.js';
import { figure, fmt, percentile, report, sample, speedProbe } from './stats.js';

const suite = 'agent';

/** AddPods (then DELs) before the sequential figure: until V8 has optimised the add path. */
const WARM_UP_ADDS = 300;

/**
 * Where the simulated VPP runs: `embedded` in the agent's process (the standalone default),
 * or `process`: the real `ipnet-vpp-bridge --backend sim` CLI as a child, as a real VPP runs
 * beside the agent, so the figure is the agent's side alone.
 */
type VppPlace = 'embedded' | 'process';

/** Runs `fn` against a fresh in-process agent with its own VPP simulator, then stops it. */
async function withAgent(place: VppPlace, fn: (a: InProcessAgent) => Promise<void>): Promise<void> {
  const tmp = await tempDir('ipnet-agent-bench-');
  const vpp = place === 'process' ? await startBridgeChild(tmp.dir) : undefined;
  try {
    const a = await startInProcess(benchConfig(tmp.dir, vpp?.endpoint ?? 'embedded'));
    try {
      await fn(a);
    } finally {
      await a.agent.stop();
    }
  } finally {
    await vpp?.stop();
    await tmp.remove();
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`agent handle missing: ${what}`);
  return v;
}

/** Figure 1: sequential AddPods of a warmed-up agent, each followed by its three parts done alone for a twin pod. */
async function addPodSequential(place: VppPlace): Promise<void> {
  figure(suite, `-- simulated VPP ${place === 'process' ? 'in its own process (compiled bridge CLI child): agent side alone' : 'embedded in the agent process'}`, '');
  await withAgent(place, async ({ state, vpp, pods: out }) => {
    const pods = need(out.pods, 'pods');
    const dataplane = need(out.dataplane, 'dataplane');
    const ipam = need(state.ipam, 'ipam');
    const store = need(state.store, 'store');
    // warm-up: the first adds pay JIT and first-use costs a running agent has long paid. V8
    // optimises the add path over hundreds of adds: from a fresh agent the p50 of successive
    // windows of 50 adds fell from ~3.3 ms to ~1.4-2.1 ms over the first ~500, and stayed
    // level with TurboFan off (`--no-opt`); 10 warm-up adds measured a half-optimised agent.
    // The warm-up pods are deleted again (the pod subnet holds 1,020 IPs), which warms DEL too.
    const warm = await sample(WARM_UP_ADDS, (i) => pods.add(`warm/pod-${i}`, container(i, 9)));
    for (let i = 0; i < WARM_UP_ADDS; i++) await pods.del(`warm/pod-${i}`, container(i, 9).containerId);
    // the baseline: this AddPod's VPP calls, replayed by the agent's idle client between adds
    const client = need(vpp.client, 'VPP client');
    const vppCalls = await recordCalls(client, () => pods.add('warm/recorded', container(99, 9)));
    const floor: number[] = [];
    report(suite, `warm-up: the first 50 AddPods of a fresh agent (not counted)`, warm.slice(0, 50), `; the warm-up's last 50 p50=${fmt(percentile(warm.slice(-50), 50))} (${WARM_UP_ADDS} adds, then deleted)`);

    // each AddPod is followed by the same three parts done by hand for a twin pod, each timed
    // alone, so whole and parts are measured at the same node size (it grows by 2 per round)
    const n = 250;
    const records = new PodRecords(store, benchNode);
    const ips = new Set<string>();
    const adds: number[] = [];
    const alloc: number[] = [];
    const txn: number[] = [];
    const rec: number[] = [];
    let vppOps = 0;
    const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
      const t0 = process.hrtime.bigint();
      const v = await fn();
      into.push(since(t0));
      return v;
    };
    const addCpu: number[] = [];
    const spans: [number, number][] = [];
    const gc = watchGc();
    for (let i = 0; i < n; i++) {
      const w0 = dataplane.writes;
      const cpu0 = process.cpuUsage();
      const s0 = performance.now();
      ips.add((await timed(adds, () => pods.add(`bench/pod-${i}`, container(i)))).ip);
      spans.push([s0, performance.now()]);
      const cpu = process.cpuUsage(cpu0);
      addCpu.push((cpu.user + cpu.system) / 1000);
      vppOps += dataplane.writes - w0;
      const twin = { namespace: 'parts', name: `pod-${i}` };
      const c = container(i, 1);
      const ip = await timed(alloc, () => ipam.allocate(twin, { container: c.containerId }));
      await timed(txn, () => dataplane.setPod({ ...twin, ...c, ip }));
      await timed(rec, () => records.put(`parts/pod-${i}`, c, { ip, gateway: '', mac: '', vppIfName: '', hostIfName: 'eth0' }));
      floor.push(...(await replayAddPods(client, vppCalls, 1, i + 1)));
    }
    const gcs = gc.stop(spans);
    if (ips.size !== n) throw new Error(`expected ${n} distinct pod IPs, got ${ips.size}`);
    // the node holds the recorded pod when the run starts, and gains 2 pods per round
    const size = (round: number) => 1 + 2 * round;
    report(suite, `AddPod sequential, ${size(0)}→${size(n)} pods (target ≤2ms/≤10ms)`, adds, `vppOps/pod=${(vppOps / n).toFixed(1)}; process CPU/AddPod p50=${fmt(percentile(addCpu, 50))} p99=${fmt(percentile(addCpu, 99))}`);
    report(suite, `  of which the first 50 (${size(0)}→${size(50)} pods)`, adds.slice(0, 50));
    report(suite, `  of which the last 50 (${size(n - 50)}→${size(n)} pods)`, adds.slice(-50));
    report(suite, '  part: IPAM allocate + persist alone', alloc);
    report(suite, '  part: dataplane.setPod alone (one VPP txn)', txn);
    report(suite, '  part: pod record put alone (store persist)', rec);
    const sum = [alloc, txn, rec].reduce((acc, xs) => acc + percentile(xs, 50), 0);
    figure(suite, '  sum of the parts\' p50', `${fmt(sum)} vs AddPod p50 ${fmt(percentile(adds, 50))}`);
    // GC pauses land in whichever add is waiting on VPP when they come: they make most of the p99
    const clear = adds.filter((_, i) => !gcs.hit.has(i));
    figure(suite, '  GC pauses during the run (adds, parts, baseline)', `${gcs.text}; AddPods overlapping a pause: ${gcs.hit.size} of ${n}, the others p50=${fmt(percentile(clear, 50))} p99=${fmt(percentile(clear, 99))}`);
    const bytes = await allocatedPerCall(50, (i) => pods.add(`heap/pod-${i}`, container(i, 7)));
    figure(suite, '  heap allocated per AddPod (50 more adds)', `${(bytes / 1024).toFixed(1)} KB${place === 'embedded' ? ' (the simulator\'s included)' : ''}`);
    report(suite, `  baseline: the same ${vppCalls.length} VPP calls, bare client`, floor, `(as the agent sends them: one message, the calls after the TAP create naming it by its stand-in); AddPod p50 / baseline p50 = ${(percentile(adds, 50) / percentile(floor, 50)).toFixed(2)}x`);
    // what the stand-ins buy: AddPods alternate between one flight and two (the create awaited
    // first, as through a bridge without stand-ins), so both see the same VM at the same time
    const flights = flightSwitch(client);
    const one: number[] = [];
    const two: number[] = [];
    for (let i = 0; i < 200; i++) {
      flights(i % 2 === 1);
      const t0 = process.hrtime.bigint();
      await pods.add(`flights/pod-${i}`, container(i, 8));
      (i % 2 === 1 ? two : one).push(since(t0));
    }
    flights(false);
    report(suite, '  A/B, alternating AddPods: one VPP flight', one);
    report(suite, '  A/B, alternating AddPods: two flights (no stand-ins)', two, `; one / two p50 = ${(percentile(one, 50) / percentile(two, 50)).toFixed(2)}x`);
  });
}

/** Figure 2: bursts of 100 concurrent AddPods; wall time from first send to last wired. */
async function addPodBurst(place: VppPlace): Promise<void> {
  await withAgent(place, async ({ pods: out }) => {
    const pods = need(out.pods, 'pods');
    for (let i = 0; i < 20; i++) await pods.add(`warm/pod-${i}`, container(i, 9));
    for (let round = 0; round < 3; round++) {
      const burst = 100;
      const latencies: number[] = [];
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: burst }, async (_, i) => {
          await pods.add(`burst${round}/pod-${i}`, container(i, 10 + round));
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }),
      );
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      // CPU time is what a loaded machine distorts least (with `embedded`, the simulator's is in it too)
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      report(suite, `burst ${round + 1}: 100 concurrent AddPods, time to wired`, latencies, `wall=${fmt(wall)} → ${Math.round((burst * 1000) / wall)} pods/s (target ≥500); process CPU ${fmt(cpuMs)} = ${fmt(cpuMs / burst)}/pod`);
    }
  });
}

/** Runs the agent suite. */
export default async function (): Promise<void> {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  figure(suite, 'load average at start (1/5/15 min, 2 cores)', load());
  // the in-process agent runs with this process's flags: `npm run bench` passes the image's
  figure(suite, 'node flags of this process (the in-process agent\'s)', process.execArgv.join(' ') || '(none)');
  for (const place of ['process', 'embedded'] as const) {
    figure(suite, 'VM speed probe', speedProbe());
    await addPodSequential(place);
    await addPodBurst(place);
  }
  figure(suite, 'VM speed probe', speedProbe());
  figure(suite, 'load average at end', load());
}

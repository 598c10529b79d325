/**
 * Apply and retrieve over the real bridge against the simulator: one pod's add transaction
 * (p50/p99 over 200 adds, each undone before the next), and a full retrieve of a node with
 * 250 pods and 2 peers (what an agent restart or a resync pays); then the agent's Dataplane
 * (apply-dataplane.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desiredState, ItemSet, type PodInput } from '../src/desired/index.js';
import type { VppChannel } from '../src/vpp/api/channel.js';
import { NameIndex } from '../src/vpp/api/names.js';
import { apply, planVpp, tapHostsFrom } from '../src/vpp/apply/index.js';
import { BridgeClient } from '../src/vpp/bridge/client.js';
import { BridgeServer } from '../src/vpp/bridge/server.js';
import { retrieve } from '../src/vpp/retrieve/index.js';
import { VppSimulator } from '../src/vpp/sim/simulator.js';
import { goldenInputs, local1, modeConfig } from '../test/desired/scenario.js';
import { dataplaneFigures } from './apply-dataplane.js';
import { figure, fmt, report, sample } from './stats.js';

const config = modeConfig('tap', true);

function podN(i: number): PodInput {
  const cid = (i.toString(16).padStart(8, '0') + 'cd'.repeat(28)).slice(0, 64);
  return { namespace: 'bench', name: `pod-${i}`, containerId: cid, netns: `/var/run/netns/p${i}`, ifName: 'eth0', ip: `10.1.1.${2 + i}` };
}

function desired(pods: readonly PodInput[]): ItemSet {
  return desiredState(config, { ...goldenInputs, local: { ...local1, nicName: '' }, pods });
}

async function withVpp<T>(fn: (client: BridgeClient, sim: VppSimulator) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-apply-bench-'));
  const sim = new VppSimulator({ seed: 11 });
  const server = await BridgeServer.start({ listen: `ipc://${join(dir, 'bridge.sock')}`, backend: sim });
  const client = await BridgeClient.connect(server.endpoint, { timeoutMs: 10_000 });
  try {
    return await fn(client, sim);
  } finally {
    await client.close();
    await server.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A pass-through channel counting flights: calls sent while none of the run's calls awaits its reply. */
function flightCounter(ch: VppChannel): VppChannel & { readonly flights: number } {
  let outstanding = 0;
  let flights = 0;
  const track = <T>(p: () => Promise<T>): Promise<T> => {
    if (outstanding++ === 0) flights++;
    return p().finally(() => void outstanding--);
  };
  return {
    request: (name, body) => track(() => ch.request(name, body)),
    dump: (name, body) => track(() => ch.dump(name, body)),
    get flights() { return flights; },
  };
}

async function onePodAddOnly(): Promise<void> {
  await withVpp(async (client, sim) => {
    const base = desired([podN(0)]);
    const index = new NameIndex();
    const first = await apply(client, planVpp(base, new ItemSet()).ops, index);
    if (!first.ok) throw new Error(`failed to apply the base state: ${first.error.message}`);
    const withPod = desired([podN(0), podN(1)]);
    const add = planVpp(withPod, first.actual).ops;
    const tapHost = tapHostsFrom(withPod);
    const counted = flightCounter(client);
    const calls0 = sim.calls;
    const probe = await apply(counted, add, index, { actual: first.actual, tapHost });
    const calls = sim.calls - calls0;
    if (!probe.ok) throw new Error(`failed to add a pod: ${probe.error.message}`);
    const del = planVpp(base, probe.actual).ops;
    const undo = await apply(client, del, index);
    if (!undo.ok) throw new Error(`failed to remove a pod: ${undo.error.message}`);
    const adds: number[] = [];
    let cpu = 0;
    for (let i = 0; i < 200; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const r = await apply(client, add, index, { actual: first.actual, tapHost });
      adds.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu += (c.user + c.system) / 1000;
      if (!r.ok) throw new Error(`failed to add a pod: ${r.error.message}`);
      const d = await apply(client, del, index);
      if (!d.ok) throw new Error(`failed to remove a pod: ${d.error.message}`);
    }
    report('apply', `one pod's add transaction (${add.length} ops, ${stepsOf(add)} steps)`, adds,
      `calls=${calls} round trips waited=${counted.flights} cpu/txn=${fmt(cpu / adds.length)} (agent side + bridge + simulator)`);
  });
}

function stepsOf(ops: readonly { step: number }[]): number {
  return new Set(ops.map((o) => o.step)).size;
}

async function retrieve250(): Promise<void> {
  await withVpp(async (client) => {
    const want = desired(Array.from({ length: 250 }, (_, i) => podN(i)));
    const t0 = process.hrtime.bigint();
    const r = await apply(client, planVpp(want, new ItemSet()).ops, new NameIndex(), { tapHost: tapHostsFrom(want) });
    if (!r.ok) throw new Error(`failed to apply 250 pods: ${r.error.message}`);
    figure('apply', 'full apply, 250 pods + 2 peers (once)', `${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)}ms ops=${r.outcomes.length}`);
    let found = 0;
    const ms = await sample(20, async () => {
      const got = await retrieve(client, { correlate: want });
      found = got.items.size;
    });
    report('retrieve', 'node with 250 pods + 2 peers', ms, `items=${found}`);
    const left = planVpp(want, (await retrieve(client, { correlate: want })).items).ops.length;
    figure('retrieve', 'ops left after retrieve + plan', String(left));
  });
}

/** Runs the apply suite. */
export default async function (): Promise<void> {
  await onePodAddOnly();
  await retrieve250();
  await dataplaneFigures();
}


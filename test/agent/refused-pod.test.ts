// A pod record whose items VPP refuses must not keep a restarted agent from becoming ready: the
// startup resync drops that pod (record, IP, VPP items, reported with VPP's error) and converges
// without it. A refused node item still fails the startup. In-process agents on one embedded
// store, connected to a simulated VPP behind a bridge the test holds (it outlives the agents).
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { startBridge } from '../bridge/harness.js';
import { sandbox, startInProcessAgent } from '../helpers/in-process-agent.js';

type Allocations = { Pods: { PodID: { Name: string }; MainIP: string }[] | null };
type HistoryBody = { actor: string; event: string; error?: string }[];
type SimIface = { swIfIndex: number; tag: string };

const json = async <T>(url: string) => (await fetch(url)).json() as Promise<T>;
type SimNeighbor = { swIfIndex: number; ip: string; mac: string };
const ifaces = (sim: VppSimulator) => (sim.dump() as unknown as { interfaces: SimIface[] }).interfaces;
const neighbors = (sim: VppSimulator) => (sim.dump() as unknown as { neighbors: SimNeighbor[] }).neighbors;
/** VNET_API_ERROR_UNSPECIFIED: a definite refusal. */
const REFUSED = -1;

async function node(t: ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-refused-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const sim = new VppSimulator();
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim, dir);
  const extra = {
    store: { type: 'embedded', path: join(dir, 'store.json') },
    vppBridge: { endpoint: bridge.endpoint },
    controller: { startupResyncDeadlineMs: 3000 },
  };
  return { sim, start: () => startInProcessAgent(t, extra) };
}

test.serial('a restarted agent drops the pod whose ARP entry VPP refuses, becomes ready with the other pod untouched, and wires the pod\'s next ADD', async (t) => {
  const n = await node(t);
  const first = await n.start();
  const refused = await first.pods.pods!.add('default/refused', sandbox(1));
  const kept = await first.pods.pods!.add('default/kept', sandbox(2));
  await first.agent.stop();

  // the refused pod's ARP entry is gone from VPP, and VPP refuses to add it again
  const neighbor = neighbors(n.sim).find((e) => e.ip === refused.ip);
  t.truthy(neighbor, 'the first agent wired the pod');
  const [a, b, c, d] = refused.ip.split('.').map(Number);
  const mac = new Uint8Array((neighbor?.mac ?? '').split(':').map((x) => parseInt(x, 16)));
  n.sim.call('ip_neighbor_add_del', { is_add: 0, neighbor: { sw_if_index: neighbor?.swIfIndex, mac_address: mac, ip_address: { af: 0, un: { ip4: new Uint8Array([a, b, c, d] as number[]) } } } });
  t.falsy(neighbors(n.sim).find((e) => e.ip === refused.ip));
  n.sim.failMessage('ip_neighbor_add_del', REFUSED);
  const keptTap = ifaces(n.sim).find((i) => i.tag === kept.vppIfName);

  const agent = await n.start();
  t.deepEqual(agent.pods.pods!.list().map((p) => `${p.podKey} ${p.state}`), ['default/kept wired'], 'only the other pod is known');
  const held = ((await json<Allocations>(`${agent.base}/contiv/v1/ipam/allocations`)).Pods ?? []).map((p) => `${p.PodID.Name} ${p.MainIP}`);
  t.deepEqual(held, [`kept ${kept.ip}`], 'the dropped pod\'s IP is free');
  const vpp = JSON.stringify(n.sim.dump());
  t.false(vpp.includes(`"${refused.ip}/32"`) || vpp.includes(`"${refused.ip}"`), 'nothing of the dropped pod stays in VPP');
  t.deepEqual(ifaces(n.sim).find((i) => i.tag === kept.vppIfName), keptTap, 'the other pod\'s TAP is the same one');
  const dropped = (await json<HistoryBody>(`${agent.base}/controller/event-history`)).filter((h) => h.event === 'startup.dropped');
  t.deepEqual(dropped.map((h) => h.actor), ['pod/default/refused']);
  t.regex(dropped[0]?.error ?? '', /ip_neighbor_add_del.*-1/);

  n.sim.clearFaults();
  const again = await agent.pods.pods!.add('default/refused', sandbox(3));
  t.truthy(ifaces(n.sim).find((i) => i.tag === again.vppIfName), 'the pod\'s next sandbox is wired');

  // the store forgot the pod: a third agent adopts only what the second one knew
  await agent.agent.stop();
  const third = await n.start();
  t.deepEqual(third.pods.pods!.list().map((p) => `${p.podKey} ${p.containerId}`), [`default/kept ${sandbox(2).containerId}`, `default/refused ${sandbox(3).containerId}`]);
});

test.serial('a node item VPP refuses still fails the startup resync and keeps every pod record', async (t) => {
  const n = await node(t);
  const first = await n.start();
  await first.pods.pods!.add('default/web', sandbox(1));
  await first.agent.stop();

  n.sim.restart();
  n.sim.failMessage('bridge_domain_add_del_v2', REFUSED);
  await t.throwsAsync(n.start(), { message: /startup resync did not complete within 3000 ms: .*bridge_domain_add_del_v2/ });

  n.sim.clearFaults();
  const agent = await n.start();
  t.deepEqual(agent.pods.pods!.list().map((p) => `${p.podKey} ${p.state}`), ['default/web wired'], 'the pod is still known');
});

test.serial('when VPP refuses every pod with the same error, one pod is dropped and the startup fails, keeping the other records over restarts', async (t) => {
  const n = await node(t);
  const first = await n.start();
  const pods = [];
  for (let i = 1; i <= 3; i++) pods.push(await first.pods.pods!.add(`default/web-${i}`, sandbox(i)));
  await first.agent.stop();

  // every pod's ARP entry is gone and VPP refuses them all: the pods are not what is wrong
  for (const pod of pods) {
    const neighbor = neighbors(n.sim).find((e) => e.ip === pod.ip);
    const mac = new Uint8Array((neighbor?.mac ?? '').split(':').map((x) => parseInt(x, 16)));
    const ip4 = new Uint8Array(pod.ip.split('.').map(Number));
    n.sim.call('ip_neighbor_add_del', { is_add: 0, neighbor: { sw_if_index: neighbor?.swIfIndex, mac_address: mac, ip_address: { af: 0, un: { ip4 } } } });
  }
  n.sim.failMessage('ip_neighbor_add_del', REFUSED);
  await t.throwsAsync(n.start(), { message: /startup resync did not complete within 3000 ms: .*ip_neighbor_add_del/ });
  // restarted as kubelet would restart it, the agent remembers the refusal: no second pod goes
  await t.throwsAsync(n.start(), { message: /startup resync did not complete within 3000 ms: .*ip_neighbor_add_del/ });

  n.sim.clearFaults();
  const agent = await n.start();
  const known = agent.pods.pods!.list().map((p) => `${p.podKey} ${p.state}`);
  t.is(known.length, 2, `one pod dropped, not every pod: ${known.join(', ')}`);
  t.true(known.every((k) => k.endsWith(' wired')), known.join(', '));
  const held = (await json<Allocations>(`${agent.base}/contiv/v1/ipam/allocations`)).Pods ?? [];
  t.is(held.length, 2, 'the kept pods keep their IPs');
  const dropped = (await json<HistoryBody>(`${agent.base}/controller/event-history`)).filter((h) => h.event === 'startup.dropped');
  t.deepEqual(dropped, [], 'the history of this start drops nothing');
});

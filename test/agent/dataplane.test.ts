// The agent's Dataplane against the simulator behind a real bridge: a change that changes
// nothing writes nothing, a refused transaction puts back only that owner's items, and
// concurrent changes are coalesced into one transaction whose refused member fails alone.
import test, { type ExecutionContext } from 'ava';
import { peerAddressing } from '../../src/actors/peers.js';
import { podOwner } from '../../src/desired/index.js';
import { Dataplane, TransactionError, type TxnReport } from '../../src/actors/dataplane.js';
import { compileConfig } from '../../src/config/index.js';
import { localNodeInput } from '../../src/desired/from-config.js';
import { NodeAddressing } from '../../src/ipam/index.js';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { startBridge } from '../bridge/harness.js';
import type { PodInput } from '../../src/desired/index.js';
import type { SimulatorOptions } from '../../src/vpp/sim/simulator.js';
import { EarlyDump } from '../../src/vpp/retrieve/index.js';

/** A dataplane on the simulator whose first resync is still to come, given the dump `early` makes of that VPP. */
async function freshDataplaneOnSim(t: ExecutionContext, early: (client: BridgeClient, sim: VppSimulator) => EarlyDump | undefined, timeoutMs = 5000) {
  const { config } = compileConfig({ nodeName: 'dp-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' } }, { hostname: 'dp-node' });
  if (!config) throw new Error('config rejected');
  const sim = new VppSimulator({ seed: 3 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const client = await BridgeClient.connect(bridge.endpoint, { timeoutMs });
  t.teardown(() => client.close());
  const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: config.ipamConfig.defaultGateway });
  await client.ping(); // the connection's own first ping is answered before `early` runs
  const dump = early(client, sim);
  const dataplane = new Dataplane(config, client, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [] }), undefined, dump);
  return { sim, dataplane, addressing, dump };
}

async function dataplaneOnSim(t: ExecutionContext, simOptions: SimulatorOptions = {}) {
  const { config } = compileConfig({ nodeName: 'dp-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' } }, { hostname: 'dp-node' });
  if (!config) throw new Error('config rejected');
  const sim = new VppSimulator({ seed: 3, ...simOptions });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const client = await BridgeClient.connect(bridge.endpoint, { timeoutMs: 5000 });
  t.teardown(() => client.close());
  const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: config.ipamConfig.defaultGateway });
  const reports: TxnReport[] = [];
  const dataplane = new Dataplane(config, client, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [] }), (r) => void reports.push(r));
  await dataplane.resync('startup resync');
  return { sim, dataplane, addressing, reports };
}

const pod = { namespace: 'default', name: 'web', containerId: 'c0ffee'.padEnd(64, '0'), netns: '/var/run/netns/web', ifName: 'eth0', ip: '10.1.1.2' };

test('setting a peer or pod again unchanged is a transaction of zero ops that writes nothing', async (t) => {
  const { sim, dataplane, addressing } = await dataplaneOnSim(t);
  const peer = peerAddressing(addressing, { id: 2, name: 'node-2', vppIPs: ['192.168.16.2/24'], mgmtIPs: [] }, true);
  if (!peer) return t.fail('peer 2 not addressable');
  t.true((await dataplane.setPeer(peer)).ops > 0);
  t.true((await dataplane.setPod(pod)).ops > 0);
  const writes = dataplane.writes;
  const vpp = JSON.stringify(sim.dump());
  // every VPP write would now fail: an unchanged re-set must not send any
  sim.failMessage('sw_interface_add_del_address', -1);
  sim.failMessage('ip_route_add_del', -1);
  t.like(await dataplane.setPeer(peer), { ops: 0, calls: [] });
  t.like(await dataplane.setPod(pod), { ops: 0, calls: [] });
  t.is(dataplane.writes, writes);
  t.is(JSON.stringify(sim.dump()), vpp);
});

test('a refused pod transaction restores that pod\'s items and leaves the others as they were', async (t) => {
  const { sim, dataplane, addressing } = await dataplaneOnSim(t);
  const peer = peerAddressing(addressing, { id: 2, name: 'node-2', vppIPs: ['192.168.16.2/24'], mgmtIPs: [] }, true);
  if (!peer) return t.fail('peer 2 not addressable');
  await dataplane.setPeer(peer);
  await dataplane.setPod(pod);
  const before = JSON.stringify(dataplane.desired);
  sim.failMessage('ip_route_add_del', -6, 1);
  // same pod re-wired with another IP: its route is re-created, and VPP refuses it
  await t.throwsAsync(dataplane.setPod({ ...pod, ip: '10.1.1.3' }), { instanceOf: TransactionError });
  t.is(JSON.stringify(dataplane.desired), before);
  t.like(await dataplane.setPod(pod), { ops: 0 });
});

function podN(i: number): PodInput {
  return { namespace: 'many', name: `pod-${i}`, containerId: `${i.toString(16).padStart(4, '0')}`.padEnd(64, 'a'), netns: `/var/run/netns/many-${i}`, ifName: 'eth0', ip: `10.1.1.${10 + i}` };
}

/** Netns of every pod VPP can reach: a TAP whose host end is in the netns, and a /32 route to the pod's IP through it. */
function wiredInVpp(sim: VppSimulator, pods: readonly PodInput[]): string[] {
  const dump = sim.dump() as {
    interfaces: { swIfIndex: number; tap: { hostNamespace: string } | null }[];
    tables: { fib: { prefix: string; paths: { swIfIndex: number }[] }[] }[];
  };
  const tapOf = new Map(dump.interfaces.flatMap((i) => (i.tap === null ? [] : [[i.tap.hostNamespace, i.swIfIndex] as const])));
  const routes = dump.tables.flatMap((tb) => tb.fib);
  return pods.filter((p) => routes.some((r) => r.prefix === `${p.ip}/32` && r.paths.some((x) => x.swIfIndex === tapOf.get(p.netns)))).map((p) => p.netns);
}

test('50 pods set in one tick are wired by one VPP transaction', async (t) => {
  const { sim, dataplane, reports } = await dataplaneOnSim(t);
  const pods = Array.from({ length: 50 }, (_, i) => podN(i));
  const applies = dataplane.applies;
  const done = await Promise.all(pods.map((p) => dataplane.setPod(p)));
  t.deepEqual(wiredInVpp(sim, pods), pods.map((p) => p.netns));
  t.is(dataplane.applies - applies, 1);
  t.deepEqual(done.map((r) => r.batch), pods.map(() => 50));
  // every pod's report carries its own ops: its VPP TAP, ARP entry and route at least
  for (const [i, r] of done.entries()) t.true(r.calls.filter((c) => c.includes(`10.1.1.${10 + i}`)).length >= 2, `pod ${i}: ${r.calls.join(', ')}`);
  t.is(reports.filter((r) => r.batch === 50).length, 50);
});

test('a pod VPP refuses in a coalesced transaction fails alone: the others are wired, its items leave the desired state', async (t) => {
  const bad = podN(7);
  // the host refuses the TAP of one pod's netns (as when the netns is already gone)
  const { sim, dataplane } = await dataplaneOnSim(t, { host: { vhostNet: true, createTap: (spec) => (spec.namespace === bad.netns ? -12 : 0) } });
  const pods = Array.from({ length: 20 }, (_, i) => podN(i));
  const applies = dataplane.applies;
  const settled = await Promise.allSettled(pods.map((p) => dataplane.setPod(p)));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [[i, s.reason] as const] : []));
  t.is(failed.length, 1);
  t.is(failed[0]?.[0], 7);
  t.true(failed[0]?.[1] instanceof TransactionError);
  t.regex(String((failed[0]?.[1] as Error).message), /^failed to wire pod many\/pod-7: /);
  t.deepEqual(wiredInVpp(sim, pods), pods.filter((p) => p.netns !== bad.netns).map((p) => p.netns));
  t.is(dataplane.desired.ownedBy(podOwner(bad.namespace, bad.name)).size, 0);
  t.true(dataplane.desired.ownedBy(podOwner('many', 'pod-8')).size > 0);
  // the 20 together (refused), then each of the 20 alone
  t.is(dataplane.applies - applies, 1 + 20);
});

test('setDesired puts many pods and peers into the desired state in one queued step without VPP calls; the resync then wires them', async (t) => {
  const { sim, dataplane, addressing } = await dataplaneOnSim(t);
  const pods = Array.from({ length: 30 }, (_, i) => podN(i));
  const peers = [2, 3, 4].map((id) => peerAddressing(addressing, { id, name: `node-${id}`, vppIPs: [`192.168.16.${id}/24`], mgmtIPs: [] }, true));
  if (peers.some((p) => p === undefined)) return t.fail('peer not addressable');
  const vpp = JSON.stringify(sim.dump());
  const applies = dataplane.applies;
  await dataplane.setDesired({ pods, peers: peers as NonNullable<(typeof peers)[number]>[] });
  // desired only: VPP untouched, no transaction applied
  t.is(JSON.stringify(sim.dump()), vpp);
  t.is(dataplane.applies, applies);
  t.is(pods.filter((p) => dataplane.desired.ownedBy(podOwner(p.namespace, p.name)).size > 0).length, 30);
  t.true((await dataplane.resync('startup resync')).ops > 0);
  t.deepEqual(wiredInVpp(sim, pods), pods.map((p) => p.netns));
  t.true(JSON.stringify(sim.dump()).includes('192.168.16.4'));
});

/** How many interface dumps VPP answered: one per dump the agent made. */
function interfaceDumps(sim: VppSimulator): number {
  return sim.callLog.filter((c) => c.name === 'sw_interface_dump').length;
}

test('the first resync goes by the early dump instead of dumping VPP again; the next one dumps', async (t) => {
  const { sim, dataplane, dump } = await freshDataplaneOnSim(t, (client) => new EarlyDump(client));
  t.true(await dump?.settled());
  t.is(interfaceDumps(sim), 1);
  t.true((await dataplane.resync('startup resync')).ops > 0);
  t.is(interfaceDumps(sim), 1);
  t.true(JSON.stringify(sim.dump()).includes('vxlanBVI'));
  // taken once: a later resync dumps for itself (and finds nothing left to do)
  t.like(await dataplane.resync('run-time resync'), { ops: 0 });
  t.is(interfaceDumps(sim), 2);
});

test('an early dump voided (VPP restarted, connection lost) or taken before an apply is not used', async (t) => {
  const voided = await freshDataplaneOnSim(t, (client) => new EarlyDump(client));
  t.true(await voided.dump?.settled());
  voided.dump?.invalidate();
  t.true((await voided.dataplane.resync('startup resync')).ops > 0);
  t.is(interfaceDumps(voided.sim), 2);

  const applied = await freshDataplaneOnSim(t, (client) => new EarlyDump(client));
  t.true(await applied.dump?.settled());
  const peer = peerAddressing(applied.addressing, { id: 2, name: 'node-2', vppIPs: ['192.168.16.2/24'], mgmtIPs: [] }, true);
  if (!peer) return t.fail('peer 2 not addressable');
  t.true((await applied.dataplane.setPeer(peer)).ops > 0);
  t.true((await applied.dataplane.resync('startup resync')).ops > 0);
  t.is(interfaceDumps(applied.sim), 2);
});

test('an early dump VPP did not answer is no dump: the resync dumps for itself', async (t) => {
  const { sim, dataplane, dump } = await freshDataplaneOnSim(t, (client, vpp) => {
    // one of its dumps never ends: the control_ping closing it goes unanswered
    vpp.silenceMessage('control_ping', 1);
    return new EarlyDump(client);
  }, 300);
  t.false(await dump?.settled());
  t.true((await dataplane.resync('startup resync')).ops > 0);
  t.is(interfaceDumps(sim), 2);
  t.true(JSON.stringify(sim.dump()).includes('vxlanBVI'));
});

// The agent's Dataplane against the simulator behind a real bridge: a change that changes
// nothing writes nothing, and a refused transaction puts back only that owner's items.
import test, { type ExecutionContext } from 'ava';
import { peerAddressing } from '../../src/actors/peers.js';
import { Dataplane, TransactionError } from '../../src/actors/dataplane.js';
import { compileConfig } from '../../src/config/index.js';
import { localNodeInput } from '../../src/desired/from-config.js';
import { NodeAddressing } from '../../src/ipam/index.js';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { startBridge } from '../bridge/harness.js';

async function dataplaneOnSim(t: ExecutionContext) {
  const { config } = compileConfig({ nodeName: 'dp-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' } }, { hostname: 'dp-node' });
  if (!config) throw new Error('config rejected');
  const sim = new VppSimulator({ seed: 3 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const client = await BridgeClient.connect(bridge.endpoint, { timeoutMs: 5000 });
  t.teardown(() => client.close());
  const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: config.ipamConfig.defaultGateway });
  const dataplane = new Dataplane(config, client, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [] }));
  await dataplane.resync('startup resync');
  return { sim, dataplane, addressing };
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

// An agent restarted over 2 peer records on a real etcd: the peers it knew come back connected
// without a VPP write, and still follow their records at once afterwards.
import test from 'ava';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { NodeSync } from '../../src/nodesync/nodesync.js';
import { openStore } from '../../src/store/open.js';
import { startBridge, tempDir } from '../bridge/harness.js';
import { startEtcd } from '../helpers/etcd.js';
import { bridgedAgentYaml, removeDir, startAgentProcess, type AgentProcess } from '../helpers/agent.js';
import { until } from '../helpers/until.js';

const yaml = (bridge: string, etcd: string) => bridgedAgentYaml('node-1', bridge, `{ type: etcd, endpoints: ["${etcd}"] }`);

/** The VXLAN tunnel destinations the simulator holds, sorted. */
function tunnelDsts(sim: VppSimulator): string[] {
  const text = JSON.stringify(sim.dump());
  return [...text.matchAll(/"src(?:_address)?":"[0-9.]+","dst(?:_address)?":"([0-9.]+)"/g)].map((m) => m[1] as string).sort();
}

interface Actors {
  vppWrites: number;
  nodes: { name: string; state: string; vppIPs: string[] }[];
}

async function actors(agent: AgentProcess): Promise<Actors> {
  return (await (await fetch(`${agent.base}/ipnet/v1/actors`)).json()) as Actors;
}


test.serial('a restarted agent finds its peers connected with zero VPP writes, and they follow a re-addressed and a removed record', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openStore({ type: 'etcd', endpoints: [etcd.endpoint], path: '' });
  t.teardown(() => store.close());
  const peers = ['node-2', 'node-3'].map((name) => new NodeSync(store, name));
  for (const [i, p] of peers.entries()) {
    t.is(await p.allocateId(), i + 1, 'peers take IDs 1 and 2');
    await p.publishNodeIPs([`192.168.16.${i + 11}/24`]);
  }
  const sim = new VppSimulator();
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim, await tempDir(t, 'ipnet-restart-peers-'));
  const config = yaml(bridge.endpoint, etcd.endpoint);

  const first = await startAgentProcess(config);
  t.teardown(() => removeDir(first.dir));
  await until('tunnels to both peers', () => tunnelDsts(sim).length === 2);
  t.deepEqual(tunnelDsts(sim), ['192.168.16.11', '192.168.16.12']);
  t.is((await first.stop()).code, 0, first.output());

  const again = await startAgentProcess(config, first.dir);
  t.teardown(async () => void (await again.stop()));
  const back = await actors(again);
  t.is(back.vppWrites, 0, 'nothing written: VPP already holds both peers');
  t.deepEqual(back.nodes.map((n) => `${n.name} ${n.state} ${n.vppIPs.join(',')}`), ['node-2 connected 192.168.16.11/24', 'node-3 connected 192.168.16.12/24']);
  t.deepEqual(tunnelDsts(sim), ['192.168.16.11', '192.168.16.12']);

  // an adopted peer's actor still reacts: its new IP moves the tunnel, its removal takes it away
  await (peers[0] as NodeSync).publishNodeIPs(['192.168.16.21/24']);
  await until('the tunnel to node-2 moved', () => tunnelDsts(sim).join(' ') === '192.168.16.12 192.168.16.21');
  await (peers[1] as NodeSync).releaseId('node-3');
  await until('the tunnel to node-3 removed', () => tunnelDsts(sim).join(' ') === '192.168.16.21');
  const after = await actors(again);
  t.deepEqual(after.nodes.map((n) => `${n.name} ${n.state} ${n.vppIPs.join(',')}`), ['node-2 connected 192.168.16.21/24']);
  t.true(after.vppWrites > 0, 'the moves were written');
});

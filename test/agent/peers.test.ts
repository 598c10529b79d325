// Peers on a real etcd: another node's ID record appears, changes its VPP IP and disappears,
// and this agent's VPP (a simulator behind a bridge) follows at once.
import test from 'ava';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { NodeSync } from '../../src/nodesync/nodesync.js';
import { openStore } from '../../src/store/open.js';
import { startBridge, tempDir } from '../bridge/harness.js';
import { startEtcd } from '../helpers/etcd.js';
import { bridgedAgentYaml, removeDir, startAgentProcess } from '../helpers/agent.js';
import { until } from '../helpers/until.js';

const yaml = (bridge: string, etcd: string) => bridgedAgentYaml('node-1', bridge, `{ type: etcd, endpoints: ["${etcd}"] }`);

/** The VXLAN tunnels the simulator holds, as `src → dst`. */
function tunnels(sim: VppSimulator): string[] {
  const text = JSON.stringify(sim.dump());
  return [...text.matchAll(/"src(?:_address)?":"([0-9.]+)","dst(?:_address)?":"([0-9.]+)"/g)].map((m) => `${m[1]} → ${m[2]}`);
}


test.serial('a peer node added, re-addressed and removed in etcd moves the VXLAN tunnel and routes at once', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const sim = new VppSimulator();
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim, await tempDir(t, 'ipnet-peers-'));
  const agent = await startAgentProcess(yaml(bridge.endpoint, etcd.endpoint));
  t.teardown(async () => {
    await agent.stop();
    await removeDir(agent.dir);
  });
  t.deepEqual(tunnels(sim), []);

  // another agent registers node-2 and publishes its VPP IP
  const store = await openStore({ type: 'etcd', endpoints: [etcd.endpoint], path: '' });
  t.teardown(() => store.close());
  const other = new NodeSync(store, 'node-2');
  t.is(await other.allocateId(), 2);
  await other.publishNodeIPs(['192.168.16.2/24']);
  await until('the tunnel to node-2', () => JSON.stringify(sim.dump()).includes('192.168.16.2'));
  await until('the routes to node-2', () => JSON.stringify(sim.dump()).includes('10.1.2.0/24'), 3000).catch(async () => {
    const d = (await (await fetch(`${agent.base}/ipnet/v1/desired`)).json()) as { items: Record<string, { state: string; missing?: string[]; error?: string }> };
    t.log(Object.entries(d.items).filter(([k]) => k.includes('10.1.2.0') || k.includes('vxlan')).map(([k, v]) => `${k} ${v.state} ${v.missing ?? ''} ${v.error ?? ''}`).join('\n'));
    t.log(agent.output().split('\n').filter((l) => /warn|error/.test(l)).join('\n'));
  });
  const dump = JSON.stringify(sim.dump());
  t.true(dump.includes('10.1.2.0/24'), 'route to node-2 pods');
  t.true(dump.includes('172.30.2.0/24'), 'route to node-2 host network');

  // its IP changes: the tunnel follows without waiting for a resync
  await other.publishNodeIPs(['192.168.16.22/24']);
  await until('the tunnel to the new IP', () => {
    const d = JSON.stringify(sim.dump());
    return d.includes('192.168.16.22') && !d.includes('"192.168.16.2"');
  }).catch(async (err: Error) => {
    const h = await (await fetch(`${agent.base}/controller/event-history?last=10`)).text();
    throw new Error(`${err.message}; last events: ${h}`);
  });

  // the record goes: tunnel and routes go
  await other.releaseId('node-2');
  await until('the tunnel removed', () => !JSON.stringify(sim.dump()).includes('192.168.16.22'));
  t.false(JSON.stringify(sim.dump()).includes('10.1.2.0/24'));
  const actors = (await (await fetch(`${agent.base}/ipnet/v1/actors`)).json()) as { nodes: unknown[] };
  t.deepEqual(actors.nodes, []);
});

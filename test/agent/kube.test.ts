// The agent with its Kubernetes source on: the real client-node informers against the fake
// API server (the one allowed fake), a simulated VPP behind a bridge, an embedded store.
import test from 'ava';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileConfig } from '../../src/config/index.js';
import { NodeAddressing } from '../../src/ipam/addressing.js';
import { PersistentIpam } from '../../src/ipamstore/persistent.js';
import { NodeSync } from '../../src/nodesync/nodesync.js';
import { openStore } from '../../src/store/open.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { startBridge, tempDir } from '../bridge/harness.js';
import { FakeKube } from '../helpers/fake-kube.js';
import { nodeJson, podJson } from '../helpers/fake-kube-objects.js';
import { removeDir, startAgentProcess } from '../helpers/agent.js';
import { until } from '../helpers/until.js';


test.serial('with Kubernetes on, startup releases IPs of pods gone from the cluster, and peers get management-IP routes that follow the Node object', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-kube-'));
  t.teardown(() => removeDir(dir));
  const storePath = join(dir, 'store.json');

  // the store as a previous agent left it: this node (ID 1) with two pod IPs, and peer node-2
  const store = await openStore({ type: 'embedded', endpoints: [], path: storePath });
  t.is(await new NodeSync(store, 'kube-node').allocateId(), 1);
  const peer = new NodeSync(store, 'node-2');
  t.is(await peer.allocateId(), 2);
  await peer.publishNodeIPs(['192.168.16.2/24']);
  const cfg = compileConfig({ nodeName: 'kube-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' } }, { hostname: 'x' }).config;
  if (!cfg) throw new Error('config');
  const ipam = await PersistentIpam.open(store, 'kube-node', new NodeAddressing(cfg.ipamConfig, 1), undefined);
  t.is(await ipam.allocate({ namespace: 'default', name: 'live' }), '10.1.1.2');
  t.is(await ipam.allocate({ namespace: 'default', name: 'gone' }), '10.1.1.3');
  await store.close();

  // the cluster now: only `live` runs here; node-2 has management IP 10.0.0.2
  const kube = await FakeKube.create();
  t.teardown(() => kube.close());
  kube.add('pods', podJson({ name: 'live', nodeName: 'kube-node', ip: '10.1.1.2' }));
  kube.add('nodes', nodeJson({ name: 'kube-node', internalIP: '10.0.0.1' }));
  kube.add('nodes', nodeJson({ name: 'node-2', internalIP: '10.0.0.2' }));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kube.kubeConfig().exportConfig());

  const sim = new VppSimulator();
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim, await tempDir(t, 'ipnet-kube-bridge-'));
  const agent = await startAgentProcess(`
nodeName: kube-node
ipamConfig:
  nodeInterconnectCIDR: 192.168.16.0/24
store: { type: embedded, path: "${storePath}" }
vppBridge: { endpoint: "${bridge.endpoint}" }
kubernetes: { enabled: true, kubeconfig: "${kubeconfig}" }
http: { port: {{port}} }
cni: { socket: "{{dir}}/cni.sock" }
`);
  t.teardown(async () => {
    await agent.stop();
    await removeDir(agent.dir);
  });

  const alloc = (await (await fetch(`${agent.base}/contiv/v1/ipam/allocations`)).json()) as { Pods: { PodID: { Name: string }; MainIP: string }[] };
  t.deepEqual(alloc.Pods.map((p) => `${p.PodID.Name} ${p.MainIP}`), ['live 10.1.1.2']);

  // peer routes: its pods, and its management IP via the tunnel (pod VRF) plus the inter-VRF route
  await until('the management-IP route of node-2', () => JSON.stringify(sim.dump()).includes('10.0.0.2/32'));
  t.true(JSON.stringify(sim.dump()).includes('10.1.2.0/24'));

  // the Node object changes its address: the route follows without a resync
  kube.update('nodes', '/node-2', (d) => {
    d.status['addresses'] = [{ type: 'InternalIP', address: '10.0.0.22' }];
  });
  await until('the new management-IP route', () => {
    const d = JSON.stringify(sim.dump());
    return d.includes('10.0.0.22/32') && !d.includes('10.0.0.2/32');
  });
  t.true(JSON.stringify(sim.dump()).includes('10.0.0.22/32'));
});

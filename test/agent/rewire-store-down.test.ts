// A repeated ADD of a pod the agent adopted at start-up (known from its record) re-runs the
// pod's wiring. The store already holds that pod's record and IP, so the re-wire has nothing to
// write: with the store down it must still answer, and must not tear the working pod down.
// In-process agents on a real etcd (killed for the repeated ADD) and the embedded simulator.
import test from 'ava';
import { PodRecords } from '../../src/actors/pod-records.js';
import { openStore } from '../../src/store/open.js';
import { startEtcd } from '../helpers/etcd.js';
import { sandbox, startInProcessAgent } from '../helpers/in-process-agent.js';

type Allocations = { Pods: { PodID: { Name: string }; MainIP: string }[] | null };

test.serial('a repeated ADD of an adopted pod with the store down answers with its wiring and leaves the pod in VPP, IPAM and the store', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = { type: 'etcd', endpoints: [etcd.endpoint] };
  const c = sandbox(1);

  const first = await startInProcessAgent(t, { store });
  const wiring = await first.pods.pods!.add('default/web', c);
  await first.agent.stop();

  const agent = await startInProcessAgent(t, { store });
  const pods = agent.pods.pods!;
  t.deepEqual(pods.list().map((p) => `${p.podKey} ${p.state}`), ['default/web wired'], 'the pod is adopted from its record');
  const sim = agent.vpp.simulator!;
  const wiredVpp = JSON.stringify(sim.dump());
  t.true(wiredVpp.includes(`${wiring.ip}/32`), 'the start-up resync put the pod back into VPP');

  await etcd.kill();
  t.deepEqual(await pods.add('default/web', c), wiring, 'the repeated ADD answers with the pod\'s wiring');
  t.is(JSON.stringify(sim.dump()), wiredVpp, 'VPP still holds the pod exactly as before');
  t.deepEqual(pods.list().map((p) => `${p.podKey} ${p.state}`), ['default/web wired']);
  const held = ((await (await fetch(`${agent.base}/contiv/v1/ipam/allocations`)).json()) as Allocations).Pods ?? [];
  t.deepEqual(held.map((p) => `${p.PodID.Name} ${p.MainIP}`), [`web ${wiring.ip}`], 'the pod keeps its IP');

  await etcd.restart();
  const check = await openStore({ type: 'etcd', endpoints: [etcd.endpoint], path: '' });
  t.teardown(() => check.close());
  const records = await new PodRecords(check, 'worker-1').list();
  t.deepEqual(records.map((r) => `${r.podKey} ${r.container.containerId} ${r.wiring.ip}`), [`default/web ${c.containerId} ${wiring.ip}`], 'the pod record is still in the store');
});

import test from 'ava';
import { nodeJson, podJson } from '../helpers/fake-kube-objects.js';
import { attach, fakeFor, podNames, until } from './harness.js';

const podEvents = (events: string[]) => events.filter((e) => e.startsWith('pod.'));
const nodeEvents = (events: string[]) => events.filter((e) => e.startsWith('k8snode.'));

test('the first lists resolve synced and livePods holds the pod-network pods of this node only', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.addPod(podJson({ namespace: 'kube-system', name: 'starting', nodeName: 'node-a', phase: 'Pending' }));
  fake.addPod(podJson({ name: 'elsewhere', nodeName: 'node-b', ip: '10.1.2.2' }));
  fake.addPod(podJson({ name: 'unscheduled', phase: 'Pending' }));
  fake.addPod(podJson({ namespace: 'kube-system', name: 'proxy', nodeName: 'node-a', ip: '192.168.16.1', hostNetwork: true }));
  fake.addPod(podJson({ name: 'job', nodeName: 'node-a', ip: '10.1.1.3', phase: 'Succeeded' }));
  fake.addNode(nodeJson({ name: 'node-a', internalIP: '192.168.16.1' }));
  const { source, events } = attach(t, fake);

  await source.synced();

  t.deepEqual(source.livePods().sort((a, b) => a.pod.name.localeCompare(b.pod.name)), [
    { pod: { namespace: 'kube-system', name: 'starting' }, ip: undefined },
    { pod: { namespace: 'default', name: 'web' }, ip: '10.1.1.2' },
  ]);
  t.deepEqual(podNames(source), ['default/job', 'default/web', 'kube-system/proxy', 'kube-system/starting']);
  t.deepEqual(podEvents(events).sort(), [
    'pod.added default/job', 'pod.added default/web', 'pod.added kube-system/proxy', 'pod.added kube-system/starting',
  ]);
  t.deepEqual(nodeEvents(events), ['k8snode.added node-a']);
  t.deepEqual(fake.requestsOf('pods', false).map((r) => r.query['fieldSelector']), ['spec.nodeName=node-a']);
});

test('pods added, updated and deleted after the sync reach the handlers in order', async (t) => {
  const fake = await fakeFor(t);
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', phase: 'Pending' }));
  fake.updatePod('default', 'web', (p) => { p.status = { phase: 'Running', podIP: '10.1.1.7' }; });
  fake.deletePod('default', 'web');
  await until(() => rig.events.length === 3, 'three pod events');

  t.deepEqual(rig.events, ['pod.added default/web', 'pod.updated default/web', 'pod.deleted default/web']);
  const updated = rig.raw[1];
  t.true(updated?.type === 'pod.updated' && updated.prev.ip === undefined && updated.pod.ip === '10.1.1.7' && updated.pod.phase === 'Running');
  t.deepEqual(rig.source.livePods(), []);
});

test('a change to fields ipnet does not read raises no event', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.updatePod('default', 'web', (p) => { p.metadata['labels'] = { tier: 'front' }; });
  fake.updatePod('default', 'web', (p) => { p.status['podIP'] = '10.1.1.9'; p.status['podIPs'] = [{ ip: '10.1.1.9' }]; });
  await until(() => rig.events.length === 2, 'the address change');

  t.deepEqual(rig.events, ['pod.added default/web', 'pod.updated default/web']);
});

test('a pod bound to this node later is added, and pods of other nodes never show up', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'waiting', phase: 'Pending' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.addPod(podJson({ name: 'other', nodeName: 'node-b', ip: '10.1.2.5' }));
  fake.updatePod('default', 'other', (p) => { p.status['phase'] = 'Failed'; });
  fake.updatePod('default', 'waiting', (p) => { p.spec['nodeName'] = 'node-a'; });
  await until(() => rig.events.length === 1, 'the binding');

  t.deepEqual(rig.events, ['pod.added default/waiting']);
  t.deepEqual(podNames(rig.source), ['default/waiting']);
});

test('a closed watch is resumed from its resourceVersion without a relist', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');
  const rvBefore = String(fake.resourceVersion);

  fake.closeWatches();
  fake.addPod(podJson({ name: 'db', nodeName: 'node-a', ip: '10.1.1.3' }));
  await until(() => rig.events.includes('pod.added default/db'), 'the pod added while re-watching');

  t.is(fake.requestsOf('pods', false).length, 1);
  const watches = fake.requestsOf('pods', true);
  t.is(watches.length, 2);
  t.is(watches[1]?.query['resourceVersion'], rvBefore);
  t.deepEqual(rig.errors, []);
  t.is(rig.source.restarts(), 0);
});

test('a 410 Expired makes the informer relist and converge on the current pods', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'gone', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.addPod(podJson({ name: 'kept', nodeName: 'node-a', ip: '10.1.1.3' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  // The deletion lands between the streams closing and the re-watch, then its history is compacted away.
  fake.closeWatches();
  fake.deletePod('default', 'gone');
  fake.addPod(podJson({ name: 'new', nodeName: 'node-a', ip: '10.1.1.4' }));
  fake.compact();
  await until(() => podNames(rig.source).join() === 'default/kept,default/new', 'convergence after the relist');

  t.is(fake.requestsOf('pods', false).length, 2);
  t.deepEqual(podEvents(rig.events).slice(2), ['pod.deleted default/gone', 'pod.added default/new']);
  t.deepEqual(rig.errors, []);
  t.is(rig.source.restarts(), 0);
});

test('a bookmark moves the resume point so a re-watch after compaction needs no relist', async (t) => {
  const fake = await fakeFor(t);
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.addPod(podJson({ name: 'other', nodeName: 'node-b' }));
  fake.bookmark();
  fake.compact();
  fake.closeWatches();
  await until(() => fake.requestsOf('pods', true).length === 2 && fake.openWatches === 2, 'the re-watch');
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  await until(() => rig.events.includes('pod.added default/web'), 'the pod after the re-watch');

  t.is(fake.requestsOf('pods', true)[1]?.query['resourceVersion'], String(fake.resourceVersion - 1));
  t.is(fake.requestsOf('pods', false).length, 1);
});

test('when the API server stops and comes back the informers restart and no stale pod is left', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'gone', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.addPod(podJson({ name: 'moved', nodeName: 'node-a', ip: '10.1.1.3' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  await fake.stop();
  await until(() => rig.errors.length >= 4, 'failed reconnects');
  fake.deletePod('default', 'gone');
  fake.updatePod('default', 'moved', (p) => { p.status['podIP'] = '10.1.1.9'; p.status['podIPs'] = [{ ip: '10.1.1.9' }]; });
  fake.addPod(podJson({ name: 'fresh', nodeName: 'node-a', ip: '10.1.1.4' }));
  fake.compact();
  await fake.start();
  await until(() => podNames(rig.source).join() === 'default/fresh,default/moved', 'convergence after the outage');

  t.deepEqual(podEvents(rig.events).slice(2).sort(), ['pod.added default/fresh', 'pod.deleted default/gone', 'pod.updated default/moved']);
  t.deepEqual(rig.source.livePods().find((p) => p.pod.name === 'moved'), { pod: { namespace: 'default', name: 'moved' }, ip: '10.1.1.9' });
  t.true(rig.source.restarts() >= 2);
  t.true(rig.errors.every((e) => /^failed to watch Kubernetes (pods|nodes): /.test(e.message)));
  t.true(rig.errors.every((e) => e.retryInMs !== undefined && e.retryInMs >= 20 && e.retryInMs <= 160));
});

test('a failing list is retried with doubling delays until it succeeds', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.failNext(3, 500, { kind: 'pods' });
  // a cap far above the delays seen: a slow failing request on a loaded machine must not count as recovery
  const rig = attach(t, fake, { backoff: { initialMs: 20, maxMs: 5000 } });

  await rig.source.synced();

  t.deepEqual(rig.errors.map((e) => e.retryInMs), [20, 40, 80]);
  t.is(rig.errors[0]?.message, 'failed to watch Kubernetes pods: HTTP 500: injected failure (InternalError)');
  t.deepEqual(podNames(rig.source), ['default/web']);
  t.is(rig.source.restarts(), 3);
});

test('a watch that fails after every good list still backs off instead of relisting in a tight loop', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.failNext(4, 500, { kind: 'pods', watch: true });
  const rig = attach(t, fake, { backoff: { initialMs: 20, maxMs: 5000 } });
  await rig.source.synced();
  await until(() => rig.errors.length === 4 && fake.openWatches === 2, 'four failed watches, then a good one');

  t.deepEqual(rig.errors.map((e) => e.retryInMs), [20, 40, 80, 160]);
  t.is(fake.requestsOf('pods', false).length, 5);
  t.deepEqual(rig.events, ['pod.added default/web']);
});

test('stopping before the first lists rejects synced and leaves no watch open', async (t) => {
  const fake = await fakeFor(t);
  fake.failNext(1_000, 503, { kind: 'pods' });
  const rig = attach(t, fake);
  await until(() => rig.errors.length >= 1, 'a failed list');

  await rig.source.stop();

  await t.throwsAsync(rig.source.synced(), { message: /^failed to sync Kubernetes source: stopped/ });
  await until(() => fake.openWatches === 0, 'all watches closed');
  t.pass();
});

test('a handler that throws is reported and the source keeps delivering', async (t) => {
  const fake = await fakeFor(t);
  const { startKubeSource } = await import('../../src/sources/k8s/index.js');
  const seen: string[] = [];
  const errors: string[] = [];
  const source = startKubeSource({ kubeconfig: fake.kubeConfig(), nodeName: 'node-a' }, {
    'pod.added': (e) => { seen.push(e.pod.id.name); if (e.pod.id.name === 'bad') throw new Error('boom'); },
    error: (err) => errors.push(err.message),
  });
  t.teardown(() => source.stop());
  await source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.addPod(podJson({ name: 'bad', nodeName: 'node-a' }));
  fake.addPod(podJson({ name: 'good', nodeName: 'node-a' }));
  await until(() => seen.length === 2, 'both pods');

  t.deepEqual(seen, ['bad', 'good']);
  t.deepEqual(errors, ['failed to handle pod.added: boom']);
});

test('a pod recreated under the same name during an outage is told as deleted then added', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2', uid: 'first' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  await fake.stop();
  fake.deletePod('default', 'web');
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.5', uid: 'second' }));
  fake.compact();
  await fake.start();
  await until(() => rig.source.pods()[0]?.uid === 'second', 'the new incarnation');

  t.deepEqual(podEvents(rig.events), ['pod.added default/web', 'pod.deleted default/web', 'pod.added default/web']);
  t.deepEqual(rig.source.livePods(), [{ pod: { namespace: 'default', name: 'web' }, ip: '10.1.1.5' }]);
});

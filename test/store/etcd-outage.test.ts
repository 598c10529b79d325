import test from 'ava';
import { openEtcdStore } from '../../src/store/etcd.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import type { StoreStatus, WatchEvent } from '../../src/store/types.js';
import { startEtcd } from '../helpers/etcd.js';
import { until } from '../helpers/until.js';


// Each test owns its etcd: they kill it, so they cannot share one.
test('a SIGKILLed etcd makes calls fail fast with a retryable error, and after restart data and calls are back', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 1000, probeIntervalMs: 200 });
  t.teardown(() => store.close());
  const statuses: StoreStatus[] = [];
  store.onStatus((s) => statuses.push(s));
  await store.put('/outage/kept', 'before');
  await until('connected', () => statuses.includes('connected'));

  await etcd.kill();
  const t0 = Date.now();
  const err = await t.throwsAsync(store.put('/outage/during', 'x'));
  t.true(Date.now() - t0 < 3000, `failed after ${Date.now() - t0} ms`);
  t.true(err instanceof StoreUnavailableError);
  t.true((err as StoreUnavailableError).retryable);
  t.regex(err?.message ?? '', /^failed to put \/outage\/during: /);
  await until('disconnected', () => statuses.includes('disconnected'));

  await etcd.restart();
  await until('connected again', () => statuses.lastIndexOf('connected') > statuses.indexOf('disconnected'));
  t.deepEqual(statuses, ['connected', 'disconnected', 'connected']);
  t.is((await store.get('/outage/kept'))?.value, 'before');
  await store.put('/outage/after', 'ok');
  t.is((await store.get('/outage/after'))?.value, 'ok');
});

test('a watch resumes after an etcd restart and keeps delivering events', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 1000 });
  t.teardown(() => store.close());
  const seen: WatchEvent[] = [];
  await store.watch('/resume/', (ev) => seen.push(ev));
  await store.put('/resume/a', '1');
  await until('first event', () => seen.length === 1);
  await etcd.kill();
  await etcd.restart();
  await until('a put after restart succeeds', () => store.put('/resume/b', '2').then(() => true, () => false));
  await until('second event', () => seen.length >= 2);
  t.like(seen[1], { type: 'put', kv: { key: '/resume/b', value: '2' } });
  t.is(seen.length, 2);
});

test('a watch whose history was compacted while etcd was down re-reads the prefix and reports the difference', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  // The watcher reconnects late on purpose so the writer can compact history first.
  const watcher = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 1000, retryMinMs: 3000, retryMaxMs: 3000 });
  t.teardown(() => watcher.close());
  const writer = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 1000 });
  t.teardown(() => writer.close());
  await writer.put('/compact/stays', 's');
  await writer.put('/compact/goes', 'g');
  const seen: WatchEvent[] = [];
  await watcher.watch('/compact/', (ev) => seen.push(ev));

  await etcd.kill();
  await etcd.restart();
  await until('the writer reconnects', () => writer.put('/compact/new', 'n1').then(() => true, () => false));
  await writer.put('/compact/new', 'n2');
  await writer.delete('/compact/goes');
  const { revision } = await writer.txn([], [{ type: 'put', key: '/unrelated', value: 'x' }]);
  const res = await fetch(`${etcd.endpoint}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: String(revision) }) });
  t.is(res.status, 200);

  await until('the resync', () => watcher.watchResyncs > 0);
  await until('two events', () => seen.length >= 2);
  const byKey = new Map(seen.map((ev) => [ev.type === 'put' ? ev.kv.key : ev.key, ev]));
  t.like(byKey.get('/compact/new'), { type: 'put', kv: { value: 'n2' }, prev: undefined });
  t.like(byKey.get('/compact/goes'), { type: 'delete', prev: { value: 'g' } });
  t.false(byKey.has('/compact/stays'));
  await writer.put('/compact/later', 'l');
  await until('an event after the rebuild', () => seen.some((ev) => ev.type === 'put' && ev.kv.key === '/compact/later'));
  t.pass();
});

test('a frozen etcd (accepting but never answering) makes calls fail within the deadline, then recovers', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const store = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 800, probeIntervalMs: 200 });
  t.teardown(() => store.close());
  const statuses: StoreStatus[] = [];
  store.onStatus((s) => statuses.push(s));
  await store.put('/frozen/k', 'v');
  etcd.freeze();
  const t0 = Date.now();
  const err = await t.throwsAsync(store.get('/frozen/k'));
  const took = Date.now() - t0;
  t.true(err instanceof StoreUnavailableError);
  t.true(took >= 700 && took < 3000, `failed after ${took} ms`);
  await until('disconnected', () => statuses.includes('disconnected'));
  etcd.thaw();
  await until('connected again', () => statuses.at(-1) === 'connected' && statuses.length >= 3);
  t.is((await store.get('/frozen/k'))?.value, 'v');
});

test('a store opened while etcd is down starts disconnected and connects once etcd is up', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  await etcd.kill();
  const store = await openEtcdStore({ endpoints: [etcd.endpoint], callTimeoutMs: 1000 });
  t.teardown(() => store.close());
  const statuses: StoreStatus[] = [];
  store.onStatus((s) => statuses.push(s));
  await until('the first status', () => statuses.length > 0);
  t.deepEqual(statuses, ['disconnected']);
  await t.throwsAsync(store.get('/late/k'), { instanceOf: StoreUnavailableError });
  await etcd.restart();
  await until('connected', () => statuses.at(-1) === 'connected');
  await store.put('/late/k', 'v');
  t.is((await store.get('/late/k'))?.value, 'v');
});

import test from 'ava';
import { NodeSync, type NodeEvent } from '../../src/nodesync/nodesync.js';
import { nodeIdKey } from '../../src/nodesync/record.js';
import { openEtcdStore, type EtcdStore } from '../../src/store/etcd.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import type { StoreStatus } from '../../src/store/types.js';
import { startEtcd } from '../helpers/etcd.js';
import { until } from '../helpers/until.js';


async function clients(endpoint: string, n: number, t: { teardown: (fn: () => Promise<void>) => void }, callTimeoutMs?: number): Promise<EtcdStore[]> {
  const stores = await Promise.all(Array.from({ length: n }, () => openEtcdStore({ endpoints: [endpoint], callTimeoutMs })));
  t.teardown(async () => void (await Promise.all(stores.map((s) => s.close()))));
  return stores;
}

test('20 agents on separate etcd clients get IDs 1..20, the same again after a restart, and freed IDs are reused smallest first', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const names = Array.from({ length: 20 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
  const [observerStore] = await clients(etcd.endpoint, 1, t);
  const events: NodeEvent[] = [];
  const watch = await new NodeSync(observerStore as EtcdStore, 'observer').watchPeers((ev) => events.push(ev));
  t.teardown(() => watch.close());
  const first = await clients(etcd.endpoint, 20, t);
  const ids = await Promise.all(names.map((n, i) => new NodeSync(first[i] as EtcdStore, n).allocateId()));
  t.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  await Promise.all(first.map((s) => s.close()));

  const again = await clients(etcd.endpoint, 20, t);
  const idsAgain = await Promise.all(names.map((n, i) => new NodeSync(again[i] as EtcdStore, n).allocateId()));
  t.deepEqual(idsAgain, ids);

  const admin = new NodeSync(again[0] as EtcdStore, 'admin');
  const byId = new Map(names.map((n, i) => [ids[i], n]));
  await admin.releaseId(byId.get(15) as string);
  await admin.releaseId(byId.get(4) as string);
  t.is(await new NodeSync(again[1] as EtcdStore, 'newcomer-1').allocateId(), 4);
  t.is(await new NodeSync(again[2] as EtcdStore, 'newcomer-2').allocateId(), 15);
  t.is(await new NodeSync(again[3] as EtcdStore, 'newcomer-3').allocateId(), 21);
  await until('every peer event', () => events.length >= 25);
  t.deepEqual(events.filter((e) => e.type === 'node.added').map((e) => e.node.id).sort((a, b) => a - b),
    [...Array.from({ length: 20 }, (_, i) => i + 1), 4, 15, 21].sort((a, b) => a - b));
  t.deepEqual(events.filter((e) => e.type === 'node.removed').map((e) => e.node.name).sort(), [byId.get(15), byId.get(4)].sort());
});

test('with etcd SIGKILLed, allocation fails fast and retryably; after restart allocations are intact and new ones succeed', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const [store] = await clients(etcd.endpoint, 1, t, 1000);
  if (!store) throw new Error('no client');
  const statuses: StoreStatus[] = [];
  store.onStatus((s) => statuses.push(s));
  for (const n of ['a', 'b', 'c']) await new NodeSync(store, n).allocateId();
  await store.put(nodeIdKey(9), '{"id":9,"name":"contiv-era","ip_address":"192.168.16.9/24"}');

  await etcd.kill();
  const t0 = Date.now();
  const err = await t.throwsAsync(new NodeSync(store, 'd').allocateId(), { instanceOf: StoreUnavailableError });
  t.true(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  t.true((err as StoreUnavailableError).retryable);
  t.regex(err?.message ?? '', /^unable to allocate node ID: database is not connected: /);
  await until('disconnected', () => statuses.includes('disconnected'));

  await etcd.restart();
  await until('reconnected', () => statuses.at(-1) === 'connected' && statuses.length >= 3);
  t.deepEqual(statuses, ['connected', 'disconnected', 'connected']);
  t.deepEqual((await new NodeSync(store, 'x').listNodes()).map((n) => [n.id, n.name, n.vppIPs]), [
    [1, 'a', []], [2, 'b', []], [3, 'c', []], [9, 'contiv-era', ['192.168.16.9/24']],
  ]);
  t.is(await new NodeSync(store, 'd').allocateId(), 4);
  t.is(await new NodeSync(store, 'b').allocateId(), 2);
});

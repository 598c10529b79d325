/**
 * The Store contract, registered once per backend so etcd and the embedded store are held
 * to the same observable semantics. Every test opens its own client and uses its own prefix.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { StoreError } from '../../src/store/errors.js';
import type { Store, WatchEvent } from '../../src/store/types.js';
import { until } from '../helpers/until.js';

/** Opens a fresh client (same backing data within one test is not required). */
export type StoreFactory = () => Promise<Store>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));


/** Registers the contract tests under `backend` using `open` for each test's client. */
export function registerStoreContract(backend: string, open: StoreFactory): void {
  const withStore = async (t: { teardown: (fn: () => Promise<void>) => void }) => {
    const store = await open();
    t.teardown(() => store.close());
    return { store, p: `/contract/${randomUUID()}/` };
  };

  test(`${backend}: a missing key reads as undefined and a put is read back with its revisions`, async (t) => {
    const { store, p } = await withStore(t);
    t.is(await store.get(`${p}k`), undefined);
    await store.put(`${p}k`, 'one');
    const first = await store.get(`${p}k`);
    t.is(first?.value, 'one');
    t.true((first?.modRevision ?? 0) > 0);
    t.is(first?.createRevision, first?.modRevision);
    await store.put(`${p}k`, 'two');
    const second = await store.get(`${p}k`);
    t.is(second?.value, 'two');
    t.is(second?.createRevision, first?.createRevision);
    t.true((second?.modRevision ?? 0) > (first?.modRevision ?? 0));
  });

  test(`${backend}: delete reports whether the key existed and removes it`, async (t) => {
    const { store, p } = await withStore(t);
    await store.put(`${p}gone`, 'x');
    t.true(await store.delete(`${p}gone`));
    t.false(await store.delete(`${p}gone`));
    t.is(await store.get(`${p}gone`), undefined);
  });

  test(`${backend}: range returns exactly the keys under the prefix, sorted by key`, async (t) => {
    const { store, p } = await withStore(t);
    for (const k of ['b', 'a/2', 'c', 'a/10', 'a']) await store.put(`${p}dir/${k}`, k);
    await store.put(`${p}dirx`, 'outside');
    const kvs = await store.range(`${p}dir/`);
    t.deepEqual(kvs.map((kv) => kv.key.slice(p.length)), ['dir/a', 'dir/a/10', 'dir/a/2', 'dir/b', 'dir/c']);
    t.deepEqual(kvs.map((kv) => kv.value), ['a', 'a/10', 'a/2', 'b', 'c']);
    t.deepEqual(await store.range(`${p}nothing/`), []);
  });

  test(`${backend}: txn with an absent compare creates once and runs the else branch afterwards`, async (t) => {
    const { store, p } = await withStore(t);
    const k = `${p}lock`;
    const first = await store.txn([{ key: k, op: 'absent' }], [{ type: 'put', key: k, value: 'owner-1' }], [{ type: 'put', key: `${p}lost`, value: '1' }]);
    const second = await store.txn([{ key: k, op: 'absent' }], [{ type: 'put', key: k, value: 'owner-2' }], [{ type: 'put', key: `${p}lost`, value: '2' }]);
    t.true(first.succeeded);
    t.false(second.succeeded);
    t.true(second.revision > first.revision);
    t.is((await store.get(k))?.value, 'owner-1');
    t.is((await store.get(`${p}lost`))?.value, '2');
  });

  test(`${backend}: txn valueEquals swaps only when the current value matches`, async (t) => {
    const { store, p } = await withStore(t);
    const k = `${p}cas`;
    await store.put(k, 'v1');
    t.false((await store.txn([{ key: k, op: 'valueEquals', value: 'nope' }], [{ type: 'put', key: k, value: 'bad' }])).succeeded);
    t.true((await store.txn([{ key: k, op: 'valueEquals', value: 'v1' }], [{ type: 'put', key: k, value: 'v2' }])).succeeded);
    t.is((await store.get(k))?.value, 'v2');
    t.false((await store.txn([{ key: `${p}missing`, op: 'valueEquals', value: '' }], [])).succeeded);
  });

  test(`${backend}: txn modRevisionEquals rejects a stale revision and applies puts and deletes atomically`, async (t) => {
    const { store, p } = await withStore(t);
    const k = `${p}rev`;
    await store.put(k, 'a');
    await store.put(`${p}other`, 'x');
    const rev = (await store.get(k))?.modRevision ?? -1;
    await store.put(k, 'b');
    t.false((await store.txn([{ key: k, op: 'modRevisionEquals', revision: rev }], [{ type: 'delete', key: `${p}other` }])).succeeded);
    t.is((await store.get(`${p}other`))?.value, 'x');
    const now = (await store.get(k))?.modRevision ?? -1;
    const res = await store.txn(
      [{ key: k, op: 'modRevisionEquals', revision: now }, { key: `${p}new`, op: 'modRevisionEquals', revision: 0 }],
      [{ type: 'put', key: `${p}new`, value: 'n' }, { type: 'delete', key: `${p}other` }],
    );
    t.true(res.succeeded);
    const created = await store.get(`${p}new`);
    t.is(created?.modRevision, res.revision);
    t.is(await store.get(`${p}other`), undefined);
  });

  test(`${backend}: only one of 20 concurrent create-if-absent txns on one key succeeds`, async (t) => {
    const { store, p } = await withStore(t);
    const k = `${p}race`;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      store.txn([{ key: k, op: 'absent' }], [{ type: 'put', key: k, value: `w${i}` }])));
    const winners = results.flatMap((r, i) => (r.succeeded ? [i] : []));
    t.is(winners.length, 1);
    t.is((await store.get(k))?.value, `w${winners[0]}`);
  });

  test(`${backend}: a prefix watch sees puts and deletes in order with previous values, and nothing after close`, async (t) => {
    const { store, p } = await withStore(t);
    const seen: WatchEvent[] = [];
    const w = await store.watch(`${p}w/`, (ev) => seen.push(ev));
    await store.put(`${p}w/a`, '1');
    await store.put(`${p}outside`, 'x');
    await store.put(`${p}w/a`, '2');
    await store.delete(`${p}w/a`);
    await until('three watch events', () => seen.length >= 3);
    const [e1, e2, e3] = seen;
    t.like(e1, { type: 'put', kv: { key: `${p}w/a`, value: '1' }, prev: undefined });
    t.like(e2, { type: 'put', kv: { key: `${p}w/a`, value: '2' }, prev: { value: '1' } });
    t.like(e3, { type: 'delete', key: `${p}w/a`, prev: { value: '2' } });
    t.true(e1?.type === 'put' && e2?.type === 'put' && e2.kv.modRevision > e1.kv.modRevision);
    await w.close();
    await store.put(`${p}w/b`, 'late');
    await sleep(150);
    t.is(seen.length, 3);
  });

  test(`${backend}: revoking a lease deletes its keys and the watch sees the delete`, async (t) => {
    const { store, p } = await withStore(t);
    const seen: WatchEvent[] = [];
    await store.watch(`${p}l/`, (ev) => seen.push(ev));
    const lease = await store.lease(30);
    await lease.put(`${p}l/alive`, 'yes');
    await store.put(`${p}l/plain`, 'stays');
    t.is((await store.get(`${p}l/alive`))?.value, 'yes');
    await lease.revoke();
    t.is(await store.get(`${p}l/alive`), undefined);
    t.is((await store.get(`${p}l/plain`))?.value, 'stays');
    await until('the delete event', () => seen.some((e) => e.type === 'delete'));
    t.like(seen.find((e) => e.type === 'delete'), { key: `${p}l/alive`, prev: { value: 'yes' } });
  });

  test(`${backend}: keys under a lease vanish once its TTL runs out`, async (t) => {
    const { store, p } = await withStore(t);
    const lease = await store.lease(2);
    await lease.put(`${p}ttl`, 'short');
    t.truthy(await store.get(`${p}ttl`));
    const t0 = Date.now();
    await until('lease expiry', async () => (await store.get(`${p}ttl`)) === undefined, 10_000);
    t.true(Date.now() - t0 >= 1000, 'not before the TTL');
  });

  test(`${backend}: status listeners hear connected, and calls after close fail with a non-retryable store error`, async (t) => {
    const store = await open();
    const statuses: string[] = [];
    store.onStatus((s) => statuses.push(s));
    await until('a connected status', () => statuses.includes('connected'));
    await store.close();
    const err = await t.throwsAsync(store.get('/contract/after-close'));
    t.true(err instanceof StoreError);
    t.false((err as StoreError).retryable);
  });
}

import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIdAllocationError, NodeSync, type NodeEvent } from '../../src/nodesync/nodesync.js';
import { nodeIdKey } from '../../src/nodesync/record.js';
import { openEmbeddedStore } from '../../src/store/embedded.js';
import type { Store } from '../../src/store/types.js';

async function freshStore(t: { teardown: (fn: () => Promise<void>) => void }): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-nodesync-'));
  const store = await openEmbeddedStore(join(dir, 'store.json'));
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('an allocated ID is recorded in contiv shape and reused for the same node name', async (t) => {
  const store = await freshStore(t);
  const a = new NodeSync(store, 'node-a');
  t.is(a.nodeId, 0);
  t.is(await a.allocateId(), 1);
  t.is(await new NodeSync(store, 'node-b').allocateId(), 2);
  t.is((await store.get(nodeIdKey(1)))?.value, '{"id":1,"name":"node-a"}');
  t.is(await new NodeSync(store, 'node-a').allocateId(), 1);
});

test('a contiv-era record with a single ip_address string is read, listed and reused', async (t) => {
  const store = await freshStore(t);
  await store.put(nodeIdKey(7), '{"id":7,"name":"old-node","ip_address":"192.168.16.7/24"}');
  const peerView = new NodeSync(store, 'someone-else');
  t.deepEqual(await peerView.listNodes(), [{ id: 7, name: 'old-node', vppIPs: ['192.168.16.7/24'] }]);
  const events: NodeEvent[] = [];
  await peerView.watchPeers((ev) => events.push(ev));
  t.deepEqual(events, [{ type: 'node.added', node: { id: 7, name: 'old-node', vppIPs: ['192.168.16.7/24'] } }]);
  t.is(await new NodeSync(store, 'old-node').allocateId(), 7);
});

test('invalid keys and unreadable values are skipped with a warning, and an unreadable record still holds its ID', async (t) => {
  const store = await freshStore(t);
  await store.put('/vnf-agent/contiv-ksr/allocatedIDs/abc', '{"id":9,"name":"bad-key"}');
  await store.put(nodeIdKey(1), 'not json');
  await store.put(nodeIdKey(2), '{"id":2,"name":"good"}');
  const warnings: string[] = [];
  const ns = new NodeSync(store, 'new-node', { warn: (m) => warnings.push(m) });
  t.deepEqual(await ns.listNodes(), [{ id: 2, name: 'good', vppIPs: [] }]);
  t.is(warnings.length, 2);
  t.true(warnings.some((w) => w.includes('allocatedIDs/abc')));
  t.is(await ns.allocateId(), 3);
});

test('released IDs are reused smallest first', async (t) => {
  const store = await freshStore(t);
  for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) await new NodeSync(store, n).allocateId();
  const admin = new NodeSync(store, 'admin');
  t.deepEqual(await admin.releaseId('n4'), [4]);
  t.deepEqual(await admin.releaseId('n2'), [2]);
  t.deepEqual(await admin.releaseId('nobody'), []);
  t.is(await new NodeSync(store, 'n6').allocateId(), 2);
  t.is(await new NodeSync(store, 'n7').allocateId(), 4);
  t.is(await new NodeSync(store, 'n8').allocateId(), 6);
});

test('publishing VPP IPs writes the whole record once, keeps the other IP version, and skips an unchanged set', async (t) => {
  const store = await freshStore(t);
  const ns = new NodeSync(store, 'pub');
  await t.throwsAsync(ns.publishNodeIPs(['192.168.16.1/24']), { instanceOf: NodeIdAllocationError });
  const id = await ns.allocateId();
  await ns.publishNodeIPs(['fd00::1/64'], 6);
  await ns.publishNodeIPs(['192.168.16.1/24', '10.10.0.1/16']);
  const written = await store.get(nodeIdKey(id));
  t.is(written?.value, '{"id":1,"name":"pub","ip_addresses":["fd00::1/64","192.168.16.1/24","10.10.0.1/16"]}');
  await ns.publishNodeIPs(['10.10.0.1/16', '192.168.16.1/24', '10.10.0.1/16']);
  t.is((await store.get(nodeIdKey(id)))?.modRevision, written?.modRevision);
  await ns.publishNodeIPs(['192.168.16.1/24']);
  t.is((await store.get(nodeIdKey(id)))?.value, '{"id":1,"name":"pub","ip_addresses":["fd00::1/64","192.168.16.1/24"]}');
});

test('peer watch reports added, updated and removed peers and never this node', async (t) => {
  const store = await freshStore(t);
  const me = new NodeSync(store, 'me');
  const early = new NodeSync(store, 'early');
  await early.allocateId();
  await me.allocateId();
  const events: NodeEvent[] = [];
  const w = await me.watchPeers((ev) => events.push(ev));
  t.teardown(() => w.close());
  const late = new NodeSync(store, 'late');
  await late.allocateId();
  await late.publishNodeIPs(['192.168.16.3/24']);
  await me.publishNodeIPs(['192.168.16.2/24']);
  await me.releaseId('early');
  await sleep(50);
  t.deepEqual(events, [
    { type: 'node.added', node: { id: 1, name: 'early', vppIPs: [] } },
    { type: 'node.added', node: { id: 3, name: 'late', vppIPs: [] } },
    { type: 'node.updated', node: { id: 3, name: 'late', vppIPs: ['192.168.16.3/24'] }, prev: { id: 3, name: 'late', vppIPs: [] } },
    { type: 'node.removed', node: { id: 1, name: 'early', vppIPs: [] } },
  ]);
});

test('allocation gives up after 11 lost races with the spec message, as a non-retryable error', async (t) => {
  const store = await freshStore(t);
  let txns = 0;
  // A competitor that always commits the chosen ID just before our transaction does.
  const racing: Store = Object.assign(Object.create(store) as Store, {
    txn: async (...args: Parameters<Store['txn']>) => {
      txns++;
      const key = args[0][0]?.key ?? '';
      await store.put(key, JSON.stringify({ id: Number(key.split('/').pop()), name: `rival-${txns}` }));
      return store.txn(...args);
    },
  });
  const ns = new NodeSync(racing, 'unlucky', { backoffMs: () => 0 });
  const err = await t.throwsAsync(ns.allocateId(), { instanceOf: NodeIdAllocationError });
  t.is(err?.message, 'unable to allocate node ID: max. attempt limit reached');
  t.false((err as NodeIdAllocationError).retryable);
  t.is(txns, 11);
  t.is((await store.range('/vnf-agent/contiv-ksr/allocatedIDs/')).length, 11);
});

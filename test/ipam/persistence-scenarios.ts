/**
 * Persistence scenarios shared by the embedded-store and etcd test files, so both backends
 * are held to the same observable results (allocations, store keys).
 */
import type { ExecutionContext } from 'ava';
import { NodeAddressing, PoolExhaustedError, type PodId } from '../../src/ipam/index.js';
import { IpRaceLostError, IpamStoreError, PersistentIpam } from '../../src/ipamstore/persistent.js';
import type { Store } from '../../src/store/types.js';
import { defaultIpam, ipamConfig, pod } from './fixtures.js';

/** How a scenario gets stores: `connect` opens another handle on the same data. */
export interface Backend {
  connect(): Promise<Store>;
}

const node1 = new NodeAddressing(defaultIpam, 1);
const names = (n: number, prefix: string): PodId[] => Array.from({ length: n }, (_, i) => pod(`${prefix}${i}`));

async function keysUnder(store: Store, prefix: string): Promise<Record<string, string>> {
  return Object.fromEntries((await store.range(prefix)).map((kv) => [kv.key, kv.value]));
}

/** A restart (new store handle, new instance) keeps every allocation and the cursor. */
export async function restartLosesNothing(t: ExecutionContext, b: Backend): Promise<void> {
  const s1 = await b.connect();
  const a = await PersistentIpam.open(s1, 'node-a', node1, []);
  for (const p of names(5, 'web')) await a.allocate(p, { container: `c-${p.name}` });
  await a.allocateCustomIf(pod('web1'), 'memif1', 'blue');
  await a.release(pod('web4'));
  const before = a.list();
  t.is(before.length, 4);
  await s1.close();

  const s2 = await b.connect();
  const live = before.map((x) => ({ pod: x.pod }));
  const b2 = await PersistentIpam.open(s2, 'node-a', node1, live);
  t.deepEqual(b2.list(), before);
  t.deepEqual(b2.opened, { released: [], adopted: [] });
  t.is(b2.get(pod('web1'))?.customIfIPs['memif1/blue'], '10.1.1.7');
  t.is(await b2.allocate(pod('late')), '10.1.1.8', 'the cursor survived: freed .6 is not reused at once');
  t.deepEqual(await keysUnder(s2, '/ipnet/ipam/node-a/ips/'), {
    '/ipnet/ipam/node-a/ips/10.1.1.2': 'default/web0',
    '/ipnet/ipam/node-a/ips/10.1.1.3': 'default/web1',
    '/ipnet/ipam/node-a/ips/10.1.1.4': 'default/web2',
    '/ipnet/ipam/node-a/ips/10.1.1.5': 'default/web3',
    '/ipnet/ipam/node-a/ips/10.1.1.7': 'default/web1',
    '/ipnet/ipam/node-a/ips/10.1.1.8': 'default/late',
  });
  t.is((await s2.get('/ipnet/ipam/node-a/pods/default/web0'))?.value, '{"ip":"10.1.1.2","customIfIPs":{},"container":"c-web0"}');
  await s2.close();
}

/** Two instances on one node's records, racing, never hand out the same IP. */
export async function racingWritersNeverShare(t: ExecutionContext, b: Backend, shareStore: boolean): Promise<void> {
  const sa = await b.connect();
  const sb = shareStore ? sa : await b.connect();
  t.teardown(async () => {
    await sa.close();
    if (sb !== sa) await sb.close();
  });
  let lost = 0;
  const counting = (s: Store): Store => new Proxy(s, {
    get(target, prop, receiver) {
      if (prop !== 'txn') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Store['txn']>) => {
        const r = await target.txn(...args);
        if (!r.succeeded) lost++;
        return r;
      };
    },
  });
  const x = await PersistentIpam.open(counting(sa), 'node-r', node1, []);
  const y = await PersistentIpam.open(counting(sb), 'node-r', node1, []);
  const px = names(20, 'x');
  const py = names(20, 'y');
  const both = [pod('shared')];
  const results = await Promise.all([
    ...px.map((p) => x.allocate(p)),
    ...py.map((p) => y.allocate(p)),
    ...both.flatMap((p) => [x.allocate(p), y.allocate(p)]),
  ]);
  const sharedX = results[40];
  t.is(sharedX, results[41], 'the same pod gets the same IP from either writer');
  t.is(new Set(results.slice(0, 41)).size, 41, 'no IP handed out twice');
  t.true(lost > 0, 'the writers really collided');
  const ips = await keysUnder(sa, '/ipnet/ipam/node-r/ips/');
  t.is(Object.keys(ips).length, 41);
  const pods = await keysUnder(sa, '/ipnet/ipam/node-r/pods/');
  for (const [key, value] of Object.entries(pods)) {
    const ip = (JSON.parse(value) as { ip: string }).ip;
    t.is(ips[`/ipnet/ipam/node-r/ips/${ip}`], key.slice('/ipnet/ipam/node-r/pods/'.length), `owner of ${ip}`);
  }
}

/** Opening reconciles the store with live pods: stale records deleted, unknown live pods written. */
export async function openReconciles(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const first = await PersistentIpam.open(s, 'node-o', node1, []);
  await first.allocate(pod('stays'));
  await first.allocate(pod('gone'));
  await s.put('/ipnet/ipam/other-node/pods/default/x', '{"ip":"10.1.2.2","customIfIPs":{}}');
  await s.put('/ipnet/ipam/node-o/pods/default/garbage', 'not json');

  const again = await PersistentIpam.open(s, 'node-o', node1, [
    { pod: pod('stays') }, { pod: pod('found'), ip: '10.1.1.100' }, { pod: pod('elsewhere'), ip: '10.1.2.9' },
  ]);
  t.deepEqual(again.opened.released.map((a) => a.pod.name), ['gone']);
  t.deepEqual(again.opened.adopted.map((a) => `${a.pod.name}=${a.ip}`), ['found=10.1.1.100']);
  t.deepEqual(await keysUnder(s, '/ipnet/ipam/node-o/'), {
    '/ipnet/ipam/node-o/cursor': '3', // the persisted cursor wins
    '/ipnet/ipam/node-o/ips/10.1.1.100': 'default/found',
    '/ipnet/ipam/node-o/ips/10.1.1.2': 'default/stays',
    '/ipnet/ipam/node-o/pods/default/found': '{"ip":"10.1.1.100","customIfIPs":{}}',
    '/ipnet/ipam/node-o/pods/default/stays': '{"ip":"10.1.1.2","customIfIPs":{}}',
  });
  t.truthy(await s.get('/ipnet/ipam/other-node/pods/default/x'), 'other nodes are not touched');
}

/** Release deletes the records; a /29 runs out after four pods with the extended message. */
export async function releaseAndExhaustion(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const small = new NodeAddressing(ipamConfig({ podSubnetCIDR: '10.1.0.0/16', podSubnetOneNodePrefixLen: 29 }), 1);
  const ipam = await PersistentIpam.open(s, 'node-s', small, []);
  const got = [];
  for (const p of names(4, 'p')) got.push(await ipam.allocate(p));
  t.deepEqual(got, ['10.1.0.10', '10.1.0.11', '10.1.0.12', '10.1.0.13']);
  await t.throwsAsync(ipam.allocate(pod('p4')), {
    instanceOf: PoolExhaustedError, message: 'no IP address is free for allocation in the subnet 10.1.0.8/29 (4 of 4 in use)',
  });
  t.is((await ipam.release(pod('p1')))?.ip, '10.1.0.11');
  t.is(await ipam.release(pod('never')), undefined);
  t.is(await s.get('/ipnet/ipam/node-s/pods/default/p1'), undefined);
  t.is(await s.get('/ipnet/ipam/node-s/ips/10.1.0.11'), undefined);
  t.is(await ipam.allocate(pod('p4')), '10.1.0.11');
}

/** A store that fails leaves the allocator unchanged and names what failed. */
export async function storeFailureLeavesPoolUnchanged(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  const ipam = await PersistentIpam.open(s, 'node-f', node1, []);
  await ipam.allocate(pod('a'));
  await s.close();
  const err = await t.throwsAsync(ipam.allocate(pod('b')), { instanceOf: IpamStoreError });
  t.regex(err?.message ?? '', /^failed to persist IP 10\.1\.1\.3 of pod default\/b: /);
  t.is(ipam.get(pod('b')), undefined);
  t.deepEqual(ipam.list().map((x) => x.ip), ['10.1.1.2']);
}

/** Concurrent requests for one pod on one instance yield one IP and one record. */
export async function samePodConcurrently(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const ipam = await PersistentIpam.open(s, 'node-c', node1, []);
  const ips = await Promise.all(Array.from({ length: 5 }, () => ipam.allocate(pod('one'))));
  t.deepEqual(new Set(ips), new Set(['10.1.1.2']));
  const [r1, r2] = await Promise.all([ipam.release(pod('one')), ipam.release(pod('one'))]);
  t.is(r1?.ip, '10.1.1.2');
  t.is(r2, undefined);
  t.deepEqual(await keysUnder(s, '/ipnet/ipam/node-c/pods/'), {});
  t.deepEqual(await keysUnder(s, '/ipnet/ipam/node-c/ips/'), {});
}

/** External IPAM: the CNI-provided IP is recorded per pod, with no ownership key. */
export async function externalIpamRecorded(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const ext = new NodeAddressing(ipamConfig({ useExternalIPAM: true }), 1, { podCIDR: '10.1.64.0/24' });
  const ipam = await PersistentIpam.open(s, 'node-x', ext, []);
  t.is(await ipam.allocate(pod('a'), { ipamData: '{"version":"4","address":"10.1.64.7/24","gateway":"10.1.64.1"}' }), '10.1.64.7');
  t.deepEqual(await keysUnder(s, '/ipnet/ipam/node-x/'), {
    '/ipnet/ipam/node-x/cursor': '1',
    '/ipnet/ipam/node-x/pods/default/a': '{"ip":"10.1.64.7","customIfIPs":{}}',
  });
  const again = await PersistentIpam.open(s, 'node-x', ext, [{ pod: pod('a') }]);
  t.is(again.get(pod('a'))?.ip, '10.1.64.7');
}

/** Re-requesting a custom interface slot replaces its IP and frees the old ownership key. */
export async function customSlotReplaced(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const ipam = await PersistentIpam.open(s, 'node-m', node1, []);
  await ipam.allocate(pod('a'));
  t.is(await ipam.allocateCustomIf(pod('a'), 'memif1'), '10.1.1.3');
  t.is(await ipam.allocateCustomIf(pod('a'), 'memif1'), '10.1.1.4');
  t.deepEqual(Object.keys(await keysUnder(s, '/ipnet/ipam/node-m/ips/')), [
    '/ipnet/ipam/node-m/ips/10.1.1.2', '/ipnet/ipam/node-m/ips/10.1.1.4',
  ]);
  await t.throwsAsync(ipam.allocateCustomIf(pod('nobody'), 'memif1'), { message: /pod has no main IP/ });
}

/**
 * A reservation is memory only until its commit, which writes the allocation and the caller's
 * record in one transaction; cancel frees it; a writer that recorded the IP first wins and
 * the loser's record is not written.
 */
export async function reservationCommitsOnce(t: ExecutionContext, b: Backend): Promise<void> {
  const s = await b.connect();
  t.teardown(() => s.close());
  const x = await PersistentIpam.open(s, 'node-v', node1, []);
  const y = await PersistentIpam.open(s, 'node-v', node1, []);
  const ra = await x.reserve(pod('a'), { container: 'c-a' });
  const rb = await x.reserve(pod('b'));
  t.deepEqual([ra.ip, rb.ip], ['10.1.1.2', '10.1.1.3'], 'two reservations of one instance never share an IP');
  t.deepEqual(await keysUnder(s, '/ipnet/ipam/node-v/pods/'), {}, 'nothing is stored before the commit');

  await ra.commit([{ type: 'put', key: '/test/record/a', value: 'wired' }]);
  const revs = await Promise.all(['/ipnet/ipam/node-v/pods/default/a', '/ipnet/ipam/node-v/ips/10.1.1.2', '/test/record/a'].map((k) => s.get(k)));
  t.deepEqual(revs.map((kv) => kv?.value), ['{"ip":"10.1.1.2","customIfIPs":{},"container":"c-a"}', 'default/a', 'wired']);
  t.is(new Set(revs.map((kv) => kv?.modRevision)).size, 1, 'allocation and record are one transaction');

  rb.cancel();
  t.is(x.get(pod('b')), undefined);
  t.deepEqual(x.list().map((p) => p.ip), ['10.1.1.2']);

  // the retry of an ADD whose failure left its reservation open takes it over: same IP, one record
  const left = await x.reserve(pod('d'));
  const retry = await x.reserve(pod('d'));
  t.is(retry.ip, left.ip);
  await retry.commit();
  t.is((await s.get(`/ipnet/ipam/node-v/ips/${left.ip}`))?.value, 'default/d');

  // y has not seen a's IP: it reserves the same one, and loses the commit
  const rc = await y.reserve(pod('c'));
  t.is(rc.ip, '10.1.1.2');
  const lost = await t.throwsAsync(rc.commit([{ type: 'put', key: '/test/record/c', value: 'wired' }]), { instanceOf: IpRaceLostError });
  t.regex(lost?.message ?? '', /another writer recorded the IP or the pod first/);
  t.is(await s.get('/test/record/c'), undefined, "the loser's record is not written");
  t.is(y.podFromIP('10.1.1.2')?.name, 'a', 'the loser learned the owner');
  t.not((await y.reserve(pod('c'))).ip, '10.1.1.2');
}

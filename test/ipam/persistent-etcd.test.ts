import test from 'ava';
import { NodeAddressing } from '../../src/ipam/index.js';
import { PersistentIpam } from '../../src/ipamstore/persistent.js';
import { openEtcdStore } from '../../src/store/etcd.js';
import type { Store } from '../../src/store/types.js';
import { type EtcdServer, startEtcd } from '../helpers/etcd.js';
import {
  type Backend, customSlotReplaced, openReconciles, samePodConcurrently, racingWritersNeverShare, releaseAndExhaustion, reservationCommitsOnce, restartLosesNothing,
  storeFailureLeavesPoolUnchanged,
} from './persistence-scenarios.js';
import { defaultIpam, pod } from './fixtures.js';

// One etcd member for the file; each test uses its own node name, so they do not interfere.
let etcd: EtcdServer | undefined;
test.before(async () => {
  etcd = await startEtcd();
});
test.after.always(async () => {
  await etcd?.stop();
});

function backend(): Backend {
  const endpoint = (etcd as EtcdServer).endpoint;
  return { connect: (): Promise<Store> => openEtcdStore({ endpoints: [endpoint] }) };
}

test('on etcd a restart loses no allocation, custom IP or cursor', async (t) => {
  await restartLosesNothing(t, backend());
});

test('on etcd two racing instances with their own clients never hand out the same IP', async (t) => {
  await racingWritersNeverShare(t, backend(), false);
});

test('on etcd opening releases stale records and adopts live pods', async (t) => {
  await openReconciles(t, backend());
});

test('on etcd release deletes the records and a /29 runs out after four pods', async (t) => {
  await releaseAndExhaustion(t, backend());
});

test('on etcd a closed client leaves the allocator unchanged', async (t) => {
  await storeFailureLeavesPoolUnchanged(t, backend());
});

test('on etcd concurrent requests for one pod yield one IP and one record', async (t) => {
  await samePodConcurrently(t, backend());
});

test('on etcd a re-requested custom interface slot frees its old IP', async (t) => {
  await customSlotReplaced(t, backend());
});

test('on etcd a reservation is committed with the caller\'s record in one transaction, and loses to an earlier writer', async (t) => {
  await reservationCommitsOnce(t, backend());
});

// Serial: ava runs serial tests before the concurrent ones, so the outage hits no other test.
test.serial('on etcd allocations survive a killed and restarted etcd member', async (t) => {
  const server = etcd as EtcdServer;
  const s1 = await openEtcdStore({ endpoints: [server.endpoint] });
  const a = await PersistentIpam.open(s1, 'node-k', new NodeAddressing(defaultIpam, 2), []);
  const ips = [await a.allocate(pod('a')), await a.allocate(pod('b'))];
  await s1.close();
  await server.kill();
  await server.restart();
  const s2 = await openEtcdStore({ endpoints: [server.endpoint] });
  t.teardown(() => s2.close());
  const b = await PersistentIpam.open(s2, 'node-k', new NodeAddressing(defaultIpam, 2), [{ pod: pod('a') }, { pod: pod('b') }]);
  t.deepEqual(b.list().map((x) => x.ip), ips);
  t.deepEqual(ips, ['10.1.2.2', '10.1.2.3']);
  t.is(await b.allocate(pod('c')), '10.1.2.4');
});

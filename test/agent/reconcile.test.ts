import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeAddressing } from '../../src/ipam/index.js';
import { PersistentIpam } from '../../src/ipamstore/persistent.js';
import { PodRecords } from '../../src/actors/pod-records.js';
import { reconcileAllocations } from '../../src/actors/reconcile.js';
import { openStore } from '../../src/store/open.js';
import { defaultIpam, pod } from '../ipam/fixtures.js';

const wiring = (ip: string) => ({ ip, gateway: '10.1.1.1', mac: '02:fe:00:00:00:01', vppIfName: 'tap-c', hostIfName: 'eth0' });

test('at start-up an IP whose pod has no record is released in memory and in the store, and recorded pods keep theirs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-reconcile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'store.json');
  const store = await openStore({ type: 'embedded', endpoints: [], path });
  const addressing = new NodeAddressing(defaultIpam, 1);
  const ipam = await PersistentIpam.open(store, 'node-a', addressing, undefined);
  const records = new PodRecords(store, 'node-a');
  const wiredIP = await ipam.allocate(pod('wired'));
  await records.put('default/wired', { containerId: 'c1', netns: '/var/run/netns/x', ifName: 'eth0' }, wiring(wiredIP));
  const halfIP = await ipam.allocate(pod('half-added'));

  const warnings: string[] = [];
  const released = await reconcileAllocations(ipam, await records.list(), { warn: (fields) => void warnings.push(JSON.stringify(fields)) });
  t.deepEqual(released.map((a) => `${a.pod.name} ${a.ip}`), [`half-added ${halfIP}`]);
  t.deepEqual(ipam.list().map((a) => `${a.pod.name} ${a.ip}`), [`wired ${wiredIP}`]);
  t.is(warnings.length, 1);
  t.true(warnings[0]?.includes(halfIP));
  t.deepEqual(await reconcileAllocations(ipam, await records.list(), { warn: () => undefined }), [], 'a second pass finds nothing');
  await store.close();

  // what a restarted agent reads back
  const again = await openStore({ type: 'embedded', endpoints: [], path });
  t.teardown(() => again.close());
  const reopened = await PersistentIpam.open(again, 'node-a', addressing, undefined);
  t.deepEqual(reopened.list().map((a) => `${a.pod.name} ${a.ip}`), [`wired ${wiredIP}`]);
});

test('a pod Kubernetes reports running with its IP keeps that IP even without a record; one running with another IP does not', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-reconcile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore({ type: 'embedded', endpoints: [], path: join(dir, 'store.json') });
  t.teardown(() => store.close());
  const ipam = await PersistentIpam.open(store, 'node-a', new NodeAddressing(defaultIpam, 1), undefined);
  const liveIP = await ipam.allocate(pod('live'));
  const movedIP = await ipam.allocate(pod('moved'));
  const live = [{ pod: pod('live'), ip: liveIP }, { pod: pod('moved'), ip: '10.1.1.200' }];
  const released = await reconcileAllocations(ipam, [], { warn: () => undefined }, live);
  t.deepEqual(released.map((a) => `${a.pod.name} ${a.ip}`), [`moved ${movedIP}`]);
  t.deepEqual(ipam.list().map((a) => `${a.pod.name} ${a.ip}`), [`live ${liveIP}`]);
});

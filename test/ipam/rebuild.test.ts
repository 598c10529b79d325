import test from 'ava';
import { NodeAddressing, type PodAllocation, rebuildAllocations } from '../../src/ipam/index.js';
import { defaultIpam, pod } from './fixtures.js';

const node1 = new NodeAddressing(defaultIpam, 1);
const rec = (name: string, ip: string, customIfIPs: Record<string, string> = {}): PodAllocation => ({
  pod: pod(name), ip, customIfIPs,
});
const names = (xs: readonly PodAllocation[]): string[] => xs.map((x) => `${x.pod.name}=${x.ip}`);

test('persisted allocations of pods that are gone are released, live ones kept', (t) => {
  const r = rebuildAllocations(
    { allocations: [rec('a', '10.1.1.2'), rec('b', '10.1.1.3'), rec('c', '10.1.1.4')] },
    [{ pod: pod('a') }, { pod: pod('c'), ip: '10.1.1.4' }],
    node1,
  );
  t.deepEqual(names(r.pool.list()), ['a=10.1.1.2', 'c=10.1.1.4']);
  t.deepEqual(names(r.released), ['b=10.1.1.3']);
  t.deepEqual(r.adopted, []);
});

test('live pods with an IP of this node that nothing persisted are adopted', (t) => {
  const r = rebuildAllocations({ allocations: [] }, [{ pod: pod('x'), ip: '10.1.1.77' }], node1);
  t.deepEqual(names(r.adopted), ['x=10.1.1.77']);
  t.is(r.pool.get(pod('x'))?.ip, '10.1.1.77');
});

test('live pods of other nodes, without IP or with junk IPs are ignored', (t) => {
  const r = rebuildAllocations(
    { allocations: [] },
    [{ pod: pod('other'), ip: '10.1.2.5' }, { pod: pod('none'), ip: '' }, { pod: pod('junk'), ip: 'x.y' }],
    node1,
  );
  t.deepEqual(r.pool.list(), []);
  t.deepEqual(r.adopted, []);
  t.is(r.pool.cursor, 1);
});

test('without a persisted cursor it is restored to the highest kept sequence', (t) => {
  const r = rebuildAllocations({ allocations: [rec('a', '10.1.1.9')] }, [{ pod: pod('a') }, { pod: pod('b'), ip: '10.1.1.4' }], node1);
  t.is(r.pool.cursor, 9);
  t.is(r.pool.allocate(pod('new')), '10.1.1.10');
});

test('a persisted cursor wins so just-freed addresses are not reused after a restart', (t) => {
  const r = rebuildAllocations({ allocations: [rec('a', '10.1.1.2')], cursor: 40 }, [{ pod: pod('a') }], node1);
  t.is(r.pool.cursor, 40);
  t.is(r.pool.allocate(pod('new')), '10.1.1.41');
  const bad = rebuildAllocations({ allocations: [rec('a', '10.1.1.7')], cursor: 999 }, [{ pod: pod('a') }], node1);
  t.is(bad.pool.cursor, 7, 'an out-of-range cursor falls back to the spec rule');
});

test('a persisted IP outside this node subnet or clashing with another record is released', (t) => {
  const r = rebuildAllocations(
    { allocations: [rec('a', '10.1.1.5'), rec('b', '10.1.1.5'), rec('c', '10.1.9.5')] },
    [{ pod: pod('a') }, { pod: pod('b') }, { pod: pod('c') }],
    node1,
  );
  t.deepEqual(names(r.pool.list()), ['a=10.1.1.5']);
  t.deepEqual(names(r.released), ['b=10.1.1.5', 'c=10.1.9.5']);
});

test('when the live pod reports another IP of this subnet, that IP supersedes the record', (t) => {
  const r = rebuildAllocations({ allocations: [rec('a', '10.1.1.5')] }, [{ pod: pod('a'), ip: '10.1.1.6' }], node1);
  t.deepEqual(names(r.released), ['a=10.1.1.5']);
  t.deepEqual(names(r.adopted), ['a=10.1.1.6']);
  t.is(r.pool.podFromIP('10.1.1.5'), undefined);
});

test('custom interface IPs of kept pods are restored and stay reserved', (t) => {
  const r = rebuildAllocations({ allocations: [rec('a', '10.1.1.2', { memif1: '10.1.1.3' })] }, [{ pod: pod('a') }], node1);
  t.deepEqual(r.pool.get(pod('a'))?.customIfIPs, { memif1: '10.1.1.3' });
  t.is(r.pool.cursor, 3);
  t.is(r.pool.allocate(pod('b')), '10.1.1.4');
});

test('without a source of live pods every persisted record of this subnet is kept', (t) => {
  const r = rebuildAllocations({ allocations: [rec('a', '10.1.1.2'), rec('b', '10.1.1.3'), rec('c', '10.1.9.3')] }, undefined, node1);
  t.deepEqual(names(r.pool.list()), ['a=10.1.1.2', 'b=10.1.1.3']);
  t.deepEqual(names(r.released), ['c=10.1.9.3']);
  t.deepEqual(r.adopted, []);
  t.is(r.pool.cursor, 3);
});

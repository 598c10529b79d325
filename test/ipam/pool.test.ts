import test from 'ava';
import {
  ExternalIpamError, IpamError, NodeAddressing, PodIpPool, PoolExhaustedError, parseCidr,
} from '../../src/ipam/index.js';
import { defaultIpam, ipamConfig, pod } from './fixtures.js';

function pool29(): PodIpPool {
  return new PodIpPool(parseCidr('10.1.1.0/29'));
}

test('a /29 hands out exactly four pods, .2 to .5, then fails naming the subnet and usage', (t) => {
  const p = pool29();
  const ips = ['a', 'b', 'c', 'd'].map((n) => p.allocate(pod(n)));
  t.deepEqual(ips, ['10.1.1.2', '10.1.1.3', '10.1.1.4', '10.1.1.5']);
  t.is(p.capacity, 4);
  t.is(p.inUse, 4);
  const err = t.throws(() => p.allocate(pod('e')), { instanceOf: PoolExhaustedError });
  t.is(err?.message, 'no IP address is free for allocation in the subnet 10.1.1.0/29 (4 of 4 in use)');
  t.true(err instanceof IpamError);
});

test('the reserved sequence numbers of a /24 are never allocated and 252 pods fit', (t) => {
  const a = new NodeAddressing(defaultIpam, 1);
  const p = PodIpPool.forNode(a);
  const got = new Set<string>();
  for (let i = 0; i < 252; i++) got.add(p.allocate(pod(`p${i}`)));
  t.is(got.size, 252);
  for (const reserved of ['10.1.1.0', '10.1.1.1', '10.1.1.254', '10.1.1.255']) t.false(got.has(reserved), reserved);
  t.true(got.has('10.1.1.2') && got.has('10.1.1.253'));
  t.throws(() => p.allocate(pod('one-too-many')), { message: /\(252 of 252 in use\)$/ });
});

test('allocating again for the same pod returns the same IP without moving the cursor', (t) => {
  const p = pool29();
  const ip = p.allocate(pod('a'));
  t.is(p.allocate(pod('a')), ip);
  t.is(p.cursor, 2);
  t.is(p.inUse, 1);
  t.is(p.allocate(pod('a', 'other-ns')), '10.1.1.3', 'the namespace is part of the identity');
});

test('a released IP is not reused until the cursor wraps around', (t) => {
  const p = pool29();
  for (const n of ['a', 'b', 'c']) p.allocate(pod(n)); // .2 .3 .4
  t.is(p.release(pod('a'))?.ip, '10.1.1.2');
  t.is(p.allocate(pod('d')), '10.1.1.5', 'continues after the cursor');
  t.is(p.allocate(pod('e')), '10.1.1.2', 'wraps to the freed address');
  p.release(pod('c'));
  t.is(p.allocate(pod('f')), '10.1.1.4');
  t.deepEqual(p.list().map((x) => `${x.pod.name}=${x.ip}`), ['b=10.1.1.3', 'd=10.1.1.5', 'e=10.1.1.2', 'f=10.1.1.4']);
});

test('releasing an unknown pod succeeds and changes nothing', (t) => {
  const p = pool29();
  p.allocate(pod('a'));
  t.is(p.release(pod('ghost')), undefined);
  t.is(p.inUse, 1);
  t.is(p.cursor, 2);
});

test('custom interface IPs are always new, keyed by interface and network, and freed with the pod', (t) => {
  const p = pool29();
  p.allocate(pod('a'));
  t.is(p.allocateCustomIf(pod('a'), 'memif1'), '10.1.1.3');
  t.is(p.allocateCustomIf(pod('a'), 'memif1', 'blue'), '10.1.1.4');
  t.deepEqual(p.get(pod('a'))?.customIfIPs, { memif1: '10.1.1.3', 'memif1/blue': '10.1.1.4' });
  t.deepEqual(p.podFromIP('10.1.1.4'), pod('a'));
  t.throws(() => p.allocateCustomIf(pod('nobody'), 'memif1'), { instanceOf: IpamError, message: /pod has no main IP/ });
  p.release(pod('a'));
  t.is(p.inUse, 0);
  t.is(p.podFromIP('10.1.1.3'), undefined);
});

test('the container ID is kept with the allocation', (t) => {
  const p = pool29();
  p.allocate(pod('a'), { container: 'c0ffee' });
  t.is(p.get(pod('a'))?.container, 'c0ffee');
});

test('external IPAM takes the IP from the CNI result and does not reserve it', (t) => {
  const a = new NodeAddressing(ipamConfig({ useExternalIPAM: true }), 1);
  const p = PodIpPool.forNode(a);
  const data = JSON.stringify({ version: '4', address: '10.1.1.5/24', gateway: '10.1.1.1' });
  t.is(p.allocate(pod('a'), { ipamData: data }), '10.1.1.5');
  t.is(p.allocate(pod('b'), { ipamData: data }), '10.1.1.5');
  t.is(p.inUse, 0);
  t.throws(() => p.allocate(pod('c'), { ipamData: '{not json' }), {
    instanceOf: ExternalIpamError, message: /^error by unmarshalling external IPAM result: /,
  });
  t.throws(() => p.allocate(pod('c'), { ipamData: '{"address":"nope"}' }), { instanceOf: ExternalIpamError });
});

test('adopting refuses an IP held by another pod or outside the subnet', (t) => {
  const p = pool29();
  t.true(p.adopt({ pod: pod('a'), ip: '10.1.1.4', customIfIPs: {} }));
  t.false(p.adopt({ pod: pod('b'), ip: '10.1.1.4', customIfIPs: {} }));
  t.false(p.adopt({ pod: pod('c'), ip: '10.1.2.4', customIfIPs: {} }));
  t.true(p.adopt({ pod: pod('a'), ip: '10.1.1.4', customIfIPs: {} }), 'same record again is fine');
  t.is(p.allocate(pod('d')), '10.1.1.2', 'adoption does not move the cursor');
  t.is(p.allocate(pod('e')), '10.1.1.3');
  t.is(p.allocate(pod('f')), '10.1.1.5', 'the adopted IP is skipped');
});

test('pod subnets too small for any pod report zero capacity', (t) => {
  for (const cidr of ['10.1.1.0/30', '10.1.1.0/31', '10.1.1.1/32']) {
    const p = new PodIpPool(parseCidr(cidr));
    t.is(p.capacity, 0, cidr);
    t.throws(() => p.allocate(pod('a')), { instanceOf: PoolExhaustedError, message: /\(0 of 0 in use\)$/ });
  }
});

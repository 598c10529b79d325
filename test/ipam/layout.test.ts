import test from 'ava';
import { IpamKeys, decodeRecord, encodeRecord, parseOwner } from '../../src/ipamstore/layout.js';
import { pod } from './fixtures.js';

test('keys follow the documented layout and escape odd node names', (t) => {
  const k = new IpamKeys('node a/b');
  t.is(k.prefix, '/ipnet/ipam/node%20a%2Fb/');
  t.is(k.pod(pod('web', 'shop')), '/ipnet/ipam/node%20a%2Fb/pods/shop/web');
  t.is(k.ip('10.1.1.2'), '/ipnet/ipam/node%20a%2Fb/ips/10.1.1.2');
  t.is(k.cursor, '/ipnet/ipam/node%20a%2Fb/cursor');
  t.deepEqual(k.podOfKey(k.pod(pod('web', 'shop'))), pod('web', 'shop'));
  t.is(k.podOfKey(k.cursor), undefined);
  t.is(k.podOfKey(`${k.podsPrefix}only-one-segment`), undefined);
});

test('records round-trip and foreign values are rejected rather than trusted', (t) => {
  const a = { pod: pod('a'), ip: '10.1.1.2', container: 'c1', customIfIPs: { memif1: '10.1.1.3' } };
  t.is(encodeRecord(a), '{"ip":"10.1.1.2","customIfIPs":{"memif1":"10.1.1.3"},"container":"c1"}');
  t.deepEqual(decodeRecord(pod('a'), encodeRecord(a)), a);
  t.deepEqual(decodeRecord(pod('a'), '{"ip":"10.1.1.9"}'), { pod: pod('a'), ip: '10.1.1.9', container: undefined, customIfIPs: {} });
  for (const bad of ['', 'null', '[]', '{"ip":5}', '{broken']) t.is(decodeRecord(pod('a'), bad), undefined, bad);
  t.deepEqual(parseOwner('ns/name'), pod('name', 'ns'));
  t.is(parseOwner('nonamespace'), undefined);
});

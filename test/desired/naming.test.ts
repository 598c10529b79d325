/** Pod interface names and MACs (spec ipnet-behaviour §4–§5), table-driven. */
import test from 'ava';
import {
  fnv1a32, hostInterconnectMac, isIpnetInterfaceName, podIfNames, podLinuxMac, podVppMac, vxlanBviMac,
} from '../../src/desired/index.js';
import { cidA } from './scenario.js';

// Published FNV-1a 32-bit test vectors, and non-ASCII text hashed over its UTF-8 bytes
// (values from an independent FNV-1a over the encoded bytes).
const fnvCases: [string, number][] = [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968], ['é', 0x1e9de8c1], ['café', 0xa82b5049]];
for (const [input, want] of fnvCases) {
  test(`FNV-1a-32 of "${input}" is 0x${want.toString(16)}`, (t) => {
    t.is(fnv1a32(input), want);
  });
}

// Linux side = hash bytes least-significant first; VPP side = the bit complement.
const macCases: { cid: string; linux: string; vpp: string }[] = [
  { cid: 'a', linux: '02:fe:2c:29:0c:e4', vpp: '02:fe:d3:d6:f3:1b' },
  { cid: 'foobar', linux: '02:fe:68:f9:9c:bf', vpp: '02:fe:97:06:63:40' },
];
for (const c of macCases) {
  test(`pod "${c.cid}" gets Linux MAC ${c.linux} and VPP MAC ${c.vpp}`, (t) => {
    t.is(podLinuxMac(c.cid), c.linux);
    t.is(podVppMac(c.cid), c.vpp);
  });
}

test('the two sides of a pod interface have bit-complementary last four bytes', (t) => {
  const l = podLinuxMac(cidA).split(':').slice(2).map((h) => parseInt(h, 16));
  const v = podVppMac(cidA).split(':').slice(2).map((h) => parseInt(h, 16));
  t.deepEqual(l.map((b, i) => (b ^ (v[i] as number))), [255, 255, 255, 255]);
});

const nodeMacCases: [number, string, string][] = [
  [1, '34:3c:00:00:00:01', '12:2b:00:00:00:01'],
  [258, '34:3c:00:00:01:02', '12:2b:00:00:01:02'],
  [0x01020304, '34:3c:01:02:03:04', '12:2b:01:02:03:04'],
];
for (const [id, host, bvi] of nodeMacCases) {
  test(`node ${id} has host-interconnect MAC ${host} and BVI MAC ${bvi}`, (t) => {
    t.is(hostInterconnectMac(id), host);
    t.is(vxlanBviMac(id), bvi);
  });
}

test('a short container ID yields every name untrimmed', (t) => {
  const n = podIfNames('abc123', 'tap');
  t.like(n, {
    vppTap: 'vpp-tap-abc123', linuxTap: 'linux-tap-abc123', vethPod: 'veth1-abc123', vethHost: 'veth2-abc123',
    vethHostHostName: 'abc123', afpacket: 'afpacketveth2-abc123', loop: 'linux-loop-abc123',
    vpp: 'vpp-tap-abc123', linux: 'linux-tap-abc123',
  });
  t.like(podIfNames('abc123', 'veth'), { vpp: 'afpacketveth2-abc123', linux: 'veth1-abc123' });
});

test('a 64-character container ID is trimmed to 63 for logical names and 15 for the host name', (t) => {
  const n = podIfNames(cidA, 'veth');
  for (const name of [n.vppTap, n.linuxTap, n.vethPod, n.vethHost, n.afpacket, n.loop]) t.is(name.length, 63);
  t.is(n.vppTap, `vpp-tap-${cidA}`.slice(0, 63));
  t.is(n.afpacket, `afpacketveth2-${cidA}`.slice(0, 63));
  t.is(n.vethHostHostName, cidA.slice(0, 15));
});

const ours: [string, boolean][] = [
  ['tap-vpp2', true], ['podGwLoop', true], ['vxlanBVI', true], ['vxlan12', true], ['vpp-tap-abc', true],
  ['afpacketveth2-abc', true], ['linux-loop-abc', true], ['GigabitEthernet0/8/0', false], ['local0', false],
  ['vxlan-default-2', false], ['UNTAGGED-tap0', false],
];
for (const [name, want] of ours) {
  test(`interface name ${name} is ${want ? '' : 'not '}recognised as ipnet's`, (t) => {
    t.is(isIpnetInterfaceName(name), want);
  });
}

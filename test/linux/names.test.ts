/**
 * Pure rules of the Linux side: spec §4/§5 names and MACs, netns path classification, and the
 * batch-line guard that keeps input from adding commands.
 */
import test from 'ava';
import { batchLine } from '../../src/linux/ip-batch.js';
import { podSideLines } from '../../src/linux/netns.js';
import { NetnsPathError, parseNetnsPath } from '../../src/linux/netns-path.js';
import { fnv1a32, hostVethName, podMacs } from '../../src/linux/pod-names.js';

const fnv: [string, number][] = [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]];
for (const [input, hash] of fnv) {
  test(`FNV-1a-32 of ${JSON.stringify(input)} is 0x${hash.toString(16)}`, (t) => {
    t.is(fnv1a32(input), hash);
  });
}

const macs: [string, string, string][] = [
  ['a', '02:fe:2c:29:0c:e4', '02:fe:d3:d6:f3:1b'],
  ['foobar', '02:fe:68:f9:9c:bf', '02:fe:97:06:63:40'],
];
for (const [cid, linux, vpp] of macs) {
  test(`container ${cid} gets Linux MAC ${linux} and VPP MAC ${vpp} (bit complements, LSB first)`, (t) => {
    t.deepEqual(podMacs(cid), { linux, vpp });
  });
}

const names: [string, string][] = [
  ['0123456789abcdef0123', '0123456789abcde'],
  ['short', 'short'],
];
for (const [cid, host] of names) {
  test(`container ${cid} gets host veth ${host}`, (t) => {
    t.is(hostVethName(cid), host);
  });
}

const paths: [string, 'named' | 'path' | 'error'][] = [
  ['/var/run/netns/cni-1234-abcd', 'named'],
  ['/run/netns/pod1', 'named'],
  ['/proc/4242/ns/net', 'path'],
  ['/proc/4242/task/4243/ns/net', 'path'],
  ['/var/run/docker/netns/1a2b3c4d', 'path'],
  ['/proc/self/ns/net', 'error'],
  ['/proc/4242/ns/mnt', 'error'],
  ['/var/run/netns/../x', 'error'],
  ['/var/run/netns//x', 'error'],
  ['/var/run/netns/.hidden', 'error'],
  ['relative/netns', 'error'],
  ['/var/run/netns/a;b', 'error'],
  ['', 'error'],
];
for (const [path, kind] of paths) {
  test(`netns path ${JSON.stringify(path)} is ${kind === 'error' ? 'refused' : kind}`, (t) => {
    if (kind === 'error') t.throws(() => parseNetnsPath(path), { instanceOf: NetnsPathError });
    else t.is(parseNetnsPath(path).kind, kind);
  });
}

test('batch lines refuse tokens that could split or comment a line', (t) => {
  t.is(batchLine('addr', 'replace', '10.1.1.2/32', 'dev', 'eth0'), 'addr replace 10.1.1.2/32 dev eth0');
  for (const bad of ['eth0\nlink del lo', 'a b', '"x"', 'x#y', "it's", 'a\\b', '']) {
    t.throws(() => batchLine('link', 'set', 'dev', bad, 'up'), { message: /refusing ip batch token/ });
  }
});

test('the VETH ADD is one batch: pair creation with the host end up in the host netns, then the pod side', (t) => {
  t.deepEqual(podSideLines({
    netns: parseNetnsPath('/var/run/netns/p1'), ifname: 'eth0', mode: 'veth', hostIfName: 'abcdef012345678', hostNetns: '/proc/1/ns/net',
    ip: '10.1.1.2', gateway: '10.1.1.1', podMac: '02:fe:2c:29:0c:e4', gatewayMac: '02:fe:d3:d6:f3:1b', mtu: 1450,
  }), [
    'link add abcdef012345678 mtu 1450 up netns /proc/1/ns/net type veth peer name eth0 mtu 1450 address 02:fe:2c:29:0c:e4',
    'link set dev lo up',
    'link set dev eth0 up',
    'addr replace 10.1.1.2/32 dev eth0',
    'route replace 10.1.1.1/32 dev eth0 scope link',
    'route replace default via 10.1.1.1 dev eth0',
    'neigh replace 10.1.1.1 lladdr 02:fe:d3:d6:f3:1b dev eth0 nud permanent',
  ]);
});

test('the TAP ADD renames the TAP VPP created, then sets MAC and MTU before the common lines', (t) => {
  const lines = podSideLines({
    netns: parseNetnsPath('/var/run/netns/p1'), ifname: 'eth0', mode: 'tap', tapName: 'tap3',
    ip: '10.1.1.2', gateway: '10.1.1.1', podMac: '02:fe:2c:29:0c:e4', gatewayMac: '02:fe:d3:d6:f3:1b', mtu: 1450,
  });
  t.deepEqual(lines.slice(0, 3), ['link set dev tap3 name eth0', 'link set dev eth0 address 02:fe:2c:29:0c:e4', 'link set dev eth0 mtu 1450']);
  t.is(lines.length, 9);
});

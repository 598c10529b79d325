/**
 * The pod's netns side on real namespaces: VETH wiring (named netns and /proc/<pid> paths),
 * TAP wiring, read-back, removal, and failed ADDs that leave nothing behind.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { NetnsGoneError, PodWiringError, unwirePod, wirePod, type PodWiring } from '../../src/linux/netns.js';
import { parseNetnsPath } from '../../src/linux/netns-path.js';
import { hostVethName, podMacs } from '../../src/linux/pod-names.js';
import { diffPodNetns, readPodNetns } from '../../src/linux/read.js';
import { cleanupLink, containerId, ip, ipJson, tempNetns } from '../cni/_harness.js';

function veth(path: string, cid: string, extra: Partial<PodWiring> = {}): PodWiring {
  const macs = podMacs(cid);
  return {
    netns: parseNetnsPath(path), ifname: 'eth0', mode: 'veth', hostIfName: hostVethName(cid),
    ip: '10.78.0.5', gateway: '10.78.0.1', podMac: macs.linux, gatewayMac: macs.vpp, mtu: 1400, ...extra,
  };
}

async function hostLinkExists(name: string): Promise<boolean> {
  return ipJson('link', 'show', 'dev', name).then((l) => l.length > 0, () => false);
}

test('VETH wiring in a named netns configures everything ADD promises and unwiring removes the pair', async (t) => {
  const ns = await tempNetns(t, 'veth');
  const cid = containerId();
  cleanupLink(t, hostVethName(cid));
  const w = veth(ns.path, cid);
  await wirePod(w);
  const state = await readPodNetns(w.netns, 'eth0');
  t.deepEqual(diffPodNetns(w, state), []);
  t.like(state.link, { name: 'eth0', mtu: 1400, mac: w.podMac, up: true, kind: 'veth' });
  t.deepEqual(state.addresses, ['10.78.0.5/32']);
  t.true(state.loopbackUp);
  const host = await ipJson('link', 'show', 'dev', hostVethName(cid));
  t.is(host[0]?.mtu, 1400);
  t.true((host[0]?.flags as string[]).includes('UP'));
  await unwirePod({ ...w });
  t.false(await hostLinkExists(hostVethName(cid)));
  t.deepEqual((await ipJson('-n', ns.name, 'link', 'show')).map((l) => l.ifname), ['lo']);
  await unwirePod({ ...w });
});

test('a /proc/<pid>/ns/net path is entered through nsenter', async (t) => {
  const ns = await tempNetns(t, 'proc');
  const sleeper = spawn('ip', ['netns', 'exec', ns.name, 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => { sleeper.kill('SIGKILL'); });
  await new Promise((r) => setTimeout(r, 100));
  const cid = containerId();
  cleanupLink(t, hostVethName(cid));
  const w = veth(`/proc/${sleeper.pid}/ns/net`, cid, { mtu: undefined });
  t.is(w.netns.kind, 'path');
  await wirePod(w);
  t.deepEqual(diffPodNetns(w, await readPodNetns(w.netns, 'eth0')), []);
  t.deepEqual(diffPodNetns(w, await readPodNetns(parseNetnsPath(ns.path), 'eth0')), [], 'same namespace seen by name');
  await unwirePod({ ...w });
  t.false(await hostLinkExists(hostVethName(cid)));
});

test('TAP wiring renames the TAP VPP created in the netns and configures it; unwiring keeps the TAP', async (t) => {
  const ns = await tempNetns(t, 'tap');
  await ip('-n', ns.name, 'tuntap', 'add', 'dev', 'vpptap0', 'mode', 'tap');
  const cid = containerId();
  const macs = podMacs(cid);
  const w: PodWiring = {
    netns: parseNetnsPath(ns.path), ifname: 'eth0', mode: 'tap', tapName: 'vpptap0',
    ip: '10.78.1.9', gateway: '10.78.1.1', podMac: macs.linux, gatewayMac: macs.vpp, mtu: 1450,
  };
  await wirePod(w);
  const state = await readPodNetns(w.netns, 'eth0');
  t.like(state.link, { kind: 'tun', mtu: 1450, mac: macs.linux });
  t.deepEqual(diffPodNetns(w, state), []);
  await unwirePod({ ...w });
  const after = await readPodNetns(w.netns, 'eth0');
  t.truthy(after.link);
  t.deepEqual(after.addresses, []);
  t.deepEqual(after.routes, []);
  t.deepEqual(after.neighbours.filter((n) => n.states.includes('PERMANENT')), []);
  await unwirePod({ ...w });
});

test('a host-end name already taken fails ADD without touching the existing link or the netns', async (t) => {
  const ns = await tempNetns(t, 'clash');
  const cid = containerId();
  const name = hostVethName(cid);
  await ip('tuntap', 'add', 'dev', name, 'mode', 'tap');
  cleanupLink(t, name);
  const err = await t.throwsAsync(wirePod(veth(ns.path, cid)), { instanceOf: PodWiringError });
  t.regex(err?.message ?? '', /failed to wire eth0 in netns .*: failed to run ip batch in netns .* at "link add/);
  t.true(await hostLinkExists(name));
  t.deepEqual((await ipJson('-n', ns.name, 'link', 'show')).map((l) => l.ifname), ['lo']);
});

test('a failure inside the netns removes the veth pair it had created', async (t) => {
  const ns = await tempNetns(t, 'half');
  const cid = containerId();
  cleanupLink(t, hostVethName(cid));
  const err = await t.throwsAsync(wirePod(veth(ns.path, cid, { gatewayMac: 'zz:zz:zz:zz:zz:zz' })), { instanceOf: PodWiringError });
  t.regex(err?.message ?? '', /at "neigh replace 10\.78\.0\.1 lladdr zz/);
  t.false(await hostLinkExists(hostVethName(cid)));
  t.deepEqual((await ipJson('-n', ns.name, 'link', 'show')).map((l) => l.ifname), ['lo']);
});

test('a netns that does not exist fails ADD and read-back with NetnsGoneError, DEL succeeds', async (t) => {
  const cid = containerId();
  const w = veth('/var/run/netns/ipnt-absent-' + cid.slice(0, 8), cid);
  const err = await t.throwsAsync(wirePod(w), { instanceOf: PodWiringError });
  t.true(err?.cause instanceof NetnsGoneError);
  await t.throwsAsync(readPodNetns(w.netns, 'eth0'), { instanceOf: NetnsGoneError });
  await t.notThrowsAsync(unwirePod({ ...w }));
  await t.notThrowsAsync(unwirePod({ ...w, mode: 'tap' }));
});

test('CHECK differences name each missing piece', async (t) => {
  const ns = await tempNetns(t, 'diff');
  const cid = containerId();
  cleanupLink(t, hostVethName(cid));
  const w = veth(ns.path, cid);
  await wirePod(w);
  await ip('-n', ns.name, 'neigh', 'del', '10.78.0.1', 'dev', 'eth0');
  await ip('-n', ns.name, 'route', 'del', 'default');
  await ip('-n', ns.name, 'link', 'set', 'dev', 'lo', 'down');
  t.deepEqual(diffPodNetns(w, await readPodNetns(w.netns, 'eth0')), [
    'loopback is down',
    'default route via 10.78.0.1 is missing on eth0',
    `permanent ARP entry 10.78.0.1 -> ${w.gatewayMac} is missing on eth0`,
  ]);
  await ip('-n', ns.name, 'link', 'del', 'eth0');
  t.deepEqual(diffPodNetns(w, await readPodNetns(w.netns, 'eth0')), ['interface eth0 is missing']);
});

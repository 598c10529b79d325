import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { RV } from '../../src/vpp/sim/retval.js';
import { linuxTapHost } from '../../src/vpp/sim/linux-host.js';
import { NONE, mac, newSim, req, tap } from './helpers.js';

function netns(t: { teardown(fn: () => void): void }): string {
  const name = `ipnet-simtap-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  t.teardown(() => execFileSync('ip', ['netns', 'del', name]));
  return name;
}

function links(ns: string): { ifname: string; address?: string; mtu: number }[] {
  return JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string; address?: string; mtu: number }[];
}

const hostSide = (ns: string, over: Record<string, unknown> = {}) => ({
  host_namespace_set: true, host_namespace: ns, host_if_name_set: true, host_if_name: 'eth0',
  host_mac_addr_set: true, host_mac_addr: mac('02:fe:12:34:56:78'), host_mtu_set: true, host_mtu_size: 1450,
  host_ip4_prefix_set: true, host_ip4_prefix: { address: [10, 1, 1, 2], len: 32 },
  host_ip4_gw_set: true, host_ip4_gw: [10, 1, 1, 1], ...over,
});

test('in TAP mode with a host namespace the simulator creates the real Linux TAP with name, MAC, MTU and address', (t) => {
  const ns = netns(t);
  const sim = newSim({ host: linuxTapHost() });
  const r = tap(sim, hostSide(ns));
  t.is(r.retval, 0);
  const eth0 = links(ns).find((l) => l.ifname === 'eth0');
  t.like(eth0, { address: '02:fe:12:34:56:78', mtu: 1450 });
  const addrs = execFileSync('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
  t.regex(addrs, /inet 10\.1\.1\.2\/32/);
  const routes = execFileSync('ip', ['-n', ns, 'route', 'show', 'default'], { encoding: 'utf8' });
  t.regex(routes, /default via 10\.1\.1\.1 dev eth0/);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: r.sw_if_index }).retval, 0);
  t.false(links(ns).some((l) => l.ifname === 'eth0'), 'tap delete removes the Linux side');
});

test('a missing host namespace answers -12 and a taken host name -145, leaving no VPP interface behind', (t) => {
  const ns = netns(t);
  const sim = newSim({ host: linuxTapHost() });
  t.is(tap(sim, hostSide('ipnet-no-such-netns')).retval, RV.SYSCALL_ERROR_2);
  t.is(tap(sim, hostSide(ns)).retval, 0);
  t.is(tap(sim, hostSide(ns)).retval, RV.NETLINK_ERROR);
  t.is((sim.dump().interfaces as unknown[]).length, 2, 'local0 and the one TAP that worked');
});

test('a simulator restart takes non-persistent TAPs away and leaves persistent ones', (t) => {
  const ns = netns(t);
  const sim = newSim({ host: linuxTapHost() });
  t.is(tap(sim, hostSide(ns, { host_if_name: 'pod-a', host_mac_addr_set: false, host_ip4_prefix_set: false, host_ip4_gw_set: false })).retval, 0);
  t.is(tap(sim, hostSide(ns, { id: NONE, host_if_name: 'pod-b', tap_flags: 4, host_mac_addr_set: false, host_ip4_prefix_set: false, host_ip4_gw_set: false })).retval, 0);
  sim.restart();
  t.deepEqual(links(ns).map((l) => l.ifname).filter((n) => n.startsWith('pod-')), ['pod-b']);
});

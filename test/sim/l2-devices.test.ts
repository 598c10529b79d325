import test from 'ava';
import { RV } from '../../src/vpp/sim/retval.js';
import { NONE, addr, dump, loop, mac, newSim, req, tap, up } from './helpers.js';
import type { VppSimulator } from '../../src/vpp/sim/simulator.js';

function neigh(sim: VppSimulator, sw: number, ip: string, m: string, flags: number, isAdd = true): number {
  return req(sim, 'ip_neighbor_add_del', { is_add: isAdd, neighbor: { sw_if_index: sw, flags, mac_address: mac(m), ip_address: addr(ip) } }).retval;
}
const neighbors = (sim: VppSimulator) => dump(sim, 'ip_neighbor_dump', { sw_if_index: NONE, af: 0 }).map((d) => (d.neighbor as { sw_if_index: number; flags: number }));

test('static neighbours survive deletion of their interface; dynamic ones are flushed by admin-down (spec §2.11 item 8)', (t) => {
  const sim = newSim();
  const a = tap(sim).sw_if_index as number;
  const b = tap(sim).sw_if_index as number;
  up(sim, b);
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:02', 1), 0);
  t.is(neigh(sim, b, '10.1.1.3', '02:00:00:00:00:03', 0), 0);
  req(sim, 'tap_delete_v2', { sw_if_index: a });
  req(sim, 'sw_interface_set_flags', { sw_if_index: b, flags: 0 });
  t.deepEqual(neighbors(sim).map((n) => [n.sw_if_index, n.flags]), [[a, 1]]);
});

test('neighbour quirks: re-add updates, static is not demoted, delete of a missing entry is -6', (t) => {
  const sim = newSim();
  const a = tap(sim).sw_if_index as number;
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:02', 0), 0);
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:09', 1), 0, 'dynamic promoted to static with a new MAC');
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:07', 0), -2, 'dynamic over static with another MAC');
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:09', 0), 0, 'dynamic over static with the same MAC');
  t.is(neighbors(sim)[0]?.flags, 1);
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:09', 0, false), 0);
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:09', 0, false), RV.NO_SUCH_ENTRY);
  t.is(neigh(sim, 44, '10.1.1.2', '02:00:00:00:00:09', 0), RV.INVALID_SW_IF_INDEX);
  req(sim, 'ip_neighbor_config', { af: 0, max_number: 1, max_age: 0, recycle: false });
  t.is(neigh(sim, a, '10.1.1.4', '02:00:00:00:00:04', 1), 0);
  t.is(neigh(sim, a, '10.1.1.5', '02:00:00:00:00:05', 1), RV.LIMIT_EXCEEDED);
});

test('the neighbour limit counts one family: IPv6 entries do not use up the IPv4 limit', (t) => {
  const sim = newSim();
  const a = tap(sim).sw_if_index as number;
  req(sim, 'ip_neighbor_config', { af: 0, max_number: 2, max_age: 0, recycle: false });
  t.is(neigh(sim, a, 'fd00::2', '02:00:00:00:00:02', 1), 0);
  t.is(neigh(sim, a, 'fd00::3', '02:00:00:00:00:03', 1), 0);
  t.is(neigh(sim, a, '10.1.1.2', '02:00:00:00:00:04', 1), 0);
  t.is(neigh(sim, a, '10.1.1.3', '02:00:00:00:00:05', 1), 0);
  t.is(neigh(sim, a, '10.1.1.4', '02:00:00:00:00:06', 1), RV.LIMIT_EXCEEDED);
  t.is(neigh(sim, a, '10.1.1.3', '02:00:00:00:00:05', 1), 0, 'an update is not an addition');
});

test('proxy ARP ranges need their table, ignore duplicates and refuse deleting a missing range', (t) => {
  const sim = newSim();
  const l = loop(sim);
  const pa = (isAdd: boolean, table: number) => req(sim, 'proxy_arp_add_del', { is_add: isAdd, proxy: { table_id: table, low: [10, 1, 1, 1], hi: [10, 1, 1, 254] } }).retval;
  t.is(pa(true, 3), RV.NO_SUCH_FIB);
  t.is(pa(true, 0), 0);
  t.is(pa(true, 0), 0);
  t.is(dump(sim, 'proxy_arp_dump').length, 1);
  t.is(req(sim, 'proxy_arp_intfc_enable_disable', { sw_if_index: l, enable: true }).retval, 0);
  t.is(req(sim, 'proxy_arp_intfc_enable_disable', { sw_if_index: l, enable: true }).retval, 0);
  t.deepEqual(dump(sim, 'proxy_arp_intfc_dump').map((d) => d.sw_if_index), [l]);
  t.is(pa(false, 0), 0);
  t.is(pa(false, 0), RV.NO_SUCH_ENTRY);
});

const bd = (sim: VppSimulator, id: number, isAdd = true) =>
  req(sim, 'bridge_domain_add_del_v2', { bd_id: id, flood: false, uu_flood: false, forward: true, learn: false, arp_term: false, bd_tag: 'vxlanBD', is_add: isAdd });
const l2 = (sim: VppSimulator, sw: number, id: number, bvi: boolean, shg = 1, enable = true) =>
  req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: sw, bd_id: id, port_type: bvi ? 1 : 0, shg, enable }).retval;

test('bridge-domain retvals follow VPP: exists -119, BD 0 -119/-121, too big -122, in use -120, missing -6', (t) => {
  const sim = newSim();
  t.like(bd(sim, 1), { retval: 0, bd_id: 1 });
  t.is(bd(sim, 1).retval, RV.BD_ALREADY_EXISTS);
  t.is(bd(sim, 0).retval, RV.BD_ALREADY_EXISTS);
  t.is(bd(sim, 16_777_216).retval, RV.BD_ID_EXCEED_MAX);
  t.like(bd(sim, NONE), { retval: 0, bd_id: 2 });
  t.is(bd(sim, 0, false).retval, RV.BD_NOT_MODIFIABLE);
  t.is(l2(sim, loop(sim), 1, true), 0);
  t.is(bd(sim, 1, false).retval, RV.BD_IN_USE);
  t.is(bd(sim, 9, false).retval, RV.NO_SUCH_ENTRY);
});

test('set_l2_bridge creates the BD implicitly, allows one BVI, and dumps members with their split-horizon group (spec §2.11 item 9)', (t) => {
  const sim = newSim();
  const bvi = loop(sim);
  const other = loop(sim);
  const tun = tap(sim, { tap_flags: 16 }).sw_if_index as number;
  t.is(l2(sim, bvi, 7, true), 0);
  t.is(l2(sim, other, 7, true), RV.BD_ALREADY_HAS_BVI);
  t.is(l2(sim, other, 7, false, 1), 0);
  t.is(l2(sim, tun, 7, false), RV.NON_ETHERNET);
  const d = dump(sim, 'bridge_domain_dump', { bd_id: NONE, sw_if_index: NONE });
  t.is(d.length, 1);
  t.like(d[0], { bd_id: 7, flood: true, uu_flood: true, forward: true, learn: true, bvi_sw_if_index: bvi, n_sw_ifs: 2 });
  t.deepEqual(d[0]?.sw_if_details, [{ context: 0, sw_if_index: bvi, shg: 1 }, { context: 0, sw_if_index: other, shg: 1 }]);
  t.deepEqual(dump(sim, 'bridge_domain_dump', { bd_id: 0, sw_if_index: NONE }), [], 'bd_id 0 dumps nothing');
  t.deepEqual(dump(sim, 'bridge_domain_dump', { bd_id: 7, sw_if_index: bvi }), [], 'the sw_if_index filter is unimplemented');
  t.is(dump(sim, 'bridge_domain_dump', { bd_id: 7, sw_if_index: NONE }).length, 1);
});

test('L2 FIB entries need a BD (-6) and a bridged interface (-2); the BVI MAC is installed by VPP', (t) => {
  const sim = newSim();
  const bvi = loop(sim, '12:2b:00:00:00:01');
  const loose = loop(sim);
  l2(sim, bvi, 3, true);
  const fib = (isAdd: boolean, sw: number, bdId = 3) => req(sim, 'l2fib_add_del', { mac: mac('12:2b:00:00:00:02'), bd_id: bdId, sw_if_index: sw, is_add: isAdd, static_mac: true }).retval;
  t.is(fib(true, bvi, 4), RV.NO_SUCH_ENTRY);
  t.is(fib(true, loose), RV.INVALID_SW_IF_INDEX);
  t.is(fib(false, bvi), RV.NO_SUCH_ENTRY);
  t.is(fib(true, bvi), 0);
  const entries = dump(sim, 'l2_fib_table_dump', { bd_id: 3 }).map((d) => [[...(d.mac as Uint8Array)].map((b) => b.toString(16)).join(':'), d.bvi_mac]);
  t.deepEqual(entries, [['12:2b:0:0:0:1', true], ['12:2b:0:0:0:2', false]]);
  t.is(fib(false, bvi), 0);
});

function vx(sim: VppSimulator, over: Record<string, unknown> = {}) {
  return req(sim, 'vxlan_add_del_tunnel_v3', {
    is_add: true, instance: NONE, src_address: addr('192.168.16.1'), dst_address: addr('192.168.16.2'),
    mcast_sw_if_index: NONE, encap_vrf_id: 0, decap_next_index: NONE, vni: 10, ...over,
  });
}

test('VXLAN tunnels are keyed without dst_port or instance, deleted by key, and default to l2-input and port 4789 (spec §2.11 item 10)', (t) => {
  const sim = newSim();
  const a = vx(sim);
  t.is(a.retval, 0);
  t.is(vx(sim, { dst_port: 5000, instance: 9 }).retval, RV.TUNNEL_EXIST);
  t.like(dump(sim, 'vxlan_tunnel_v2_dump', { sw_if_index: NONE })[0], { sw_if_index: a.sw_if_index, instance: 0, src_port: 4789, dst_port: 4789, decap_next_index: 1, vni: 10 });
  t.is(vx(sim, { is_add: false, vni: 11 }).retval, RV.NO_SUCH_ENTRY);
  t.is(vx(sim, { is_add: false }).retval, 0);
  t.deepEqual(dump(sim, 'vxlan_tunnel_v2_dump', { sw_if_index: NONE }), []);
});

const vxlanRefusals = [
  { title: 'a VXLAN tunnel with src equal to dst is -82', over: { dst_address: addr('192.168.16.1') }, want: RV.SAME_SRC_DST },
  { title: 'a VXLAN tunnel mixing families is -7', over: { dst_address: addr('fd00::2') }, want: RV.INVALID_VALUE },
  { title: 'a VXLAN tunnel into a missing encap VRF is -3', over: { encap_vrf_id: 5 }, want: RV.NO_SUCH_FIB },
  { title: 'a VXLAN decap_next_index that is no next node is -76', over: { decap_next_index: 7 }, want: RV.INVALID_DECAP_NEXT },
];
for (const c of vxlanRefusals) test(c.title, (t) => t.is(vx(newSim(), c.over).retval, c.want));

test('VXLAN instances: explicit ones are exclusive (-147), automatic ones reuse the freed pool slot; admin-up brings link up', (t) => {
  const sim = newSim();
  t.is(vx(sim, { instance: 5 }).retval, 0);
  t.is(vx(sim, { instance: 5, vni: 11 }).retval, RV.INSTANCE_IN_USE);
  const b = vx(sim, { vni: 12 });
  const c = vx(sim, { vni: 13 });
  vx(sim, { is_add: false, vni: 12 });
  const d = vx(sim, { vni: 14 });
  const names = Object.fromEntries(dump(sim, 'sw_interface_dump', { sw_if_index: NONE }).map((x) => [x.sw_if_index, x.interface_name]));
  t.is(names[c.sw_if_index as number], 'vxlan_tunnel2');
  t.is(names[d.sw_if_index as number], 'vxlan_tunnel1', 'pool index 1 was freed and reused');
  t.is(d.sw_if_index, b.sw_if_index);
  up(sim, d.sw_if_index as number);
  t.is(dump(sim, 'sw_interface_dump', { sw_if_index: d.sw_if_index as number })[0]?.flags, 3);
});

test('af_packet on an already bound host interface answers -79 with the existing index (spec §2.11 item 11)', (t) => {
  const sim = newSim({ host: { hostLinkExists: (n) => n === 'vpp2' || n === 'veth1' } });
  const create = (name: string, mode = 1) => req(sim, 'af_packet_create_v3', { mode, use_random_hw_addr: true, host_if_name: name });
  const a = create('vpp2');
  t.is(a.retval, 0);
  t.deepEqual(create('vpp2'), { context: 0, retval: RV.IF_ALREADY_EXISTS, sw_if_index: a.sw_if_index });
  t.is(create('nope').retval, RV.INVALID_INTERFACE);
  t.is(create('veth1', 3).retval, RV.INVALID_VALUE);
  t.deepEqual(dump(sim, 'af_packet_dump').map((d) => d.host_if_name), ['vpp2']);
  t.is(req(sim, 'af_packet_delete', { host_if_name: 'nope' }).retval, RV.SYSCALL_ERROR_1);
  t.is(req(sim, 'af_packet_delete', { host_if_name: 'vpp2' }).retval, 0);
});

const tapCases = [
  { title: 'TAP creation on a host without /dev/vhost-net answers -11 (spec §2.11 item 12)', vhost: false, over: {}, want: RV.SYSCALL_ERROR_1 },
  { title: 'a TAP ring size that is not a power of two answers -144', vhost: true, over: { rx_ring_sz: 300 }, want: RV.INIT_FAILED },
  { title: 'a TAP ring size of 0 is used as sent and fails with -144', vhost: true, over: { tx_ring_sz: 0 }, want: RV.INIT_FAILED },
  { title: 'ATTACH without a host interface name answers -54', vhost: true, over: { tap_flags: 8 }, want: RV.NO_MATCHING_INTERFACE },
];
for (const c of tapCases) test(c.title, (t) => t.is(tap(newSim({ host: { vhostNet: c.vhost } }), c.over).retval, c.want));

test('TAP ids: lowest free when automatic, -71 when the asked id is taken; the dump reports host settings', (t) => {
  const sim = newSim();
  tap(sim, { id: 3, host_if_name_set: true, host_if_name: 'vpp1', host_namespace_set: true, host_namespace: 'pod1', tag: 'tap-vpp2' });
  t.is(tap(sim, { id: 3 }).retval, RV.INVALID_INTERFACE);
  const b = tap(sim);
  const d = dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: NONE });
  t.deepEqual(d.map((x) => [x.id, x.dev_name, x.host_if_name, x.host_namespace]), [[3, 'tap3', 'vpp1', 'pod1'], [0, 'tap0', 'tap0', '']]);
  t.is(dump(sim, 'sw_interface_dump', { sw_if_index: 1 })[0]?.tag, 'tap-vpp2');
  t.deepEqual(dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: b.sw_if_index }).map((x) => [x.sw_if_index, x.id]), [[b.sw_if_index, 0]]);
  t.deepEqual(dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: 0 }), [], 'local0 is no TAP');
  t.deepEqual(dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: 99 }), []);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: loop(sim) }).retval, RV.INVALID_SW_IF_INDEX);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: b.sw_if_index }).retval, 0);
});

test('TAP ids: a deleted TAP frees its id for the next automatic and the next asked-for create', (t) => {
  const sim = newSim();
  const made = [tap(sim), tap(sim), tap(sim), tap(sim, { id: 7 })].map((r) => r.sw_if_index as number);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: made[1] }).retval, 0);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: made[3] }).retval, 0);
  t.is(tap(sim).retval, 0);
  t.is(tap(sim, { id: 7 }).retval, 0, 'id 7 is free again');
  t.is(tap(sim, { id: 2 }).retval, RV.INVALID_INTERFACE, 'id 2 is still held');
  const d = dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: NONE });
  t.deepEqual(d.map((x) => x.id as number).sort((a, b) => a - b), [0, 1, 2, 7]);
  t.is(tap(sim).retval, 0);
  t.deepEqual(dump(sim, 'sw_interface_tap_v2_dump', { sw_if_index: NONE }).map((x) => x.id as number).sort((a, b) => a - b), [0, 1, 2, 3, 7]);
});

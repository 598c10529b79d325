import test from 'ava';
import { RV } from '../../src/vpp/sim/retval.js';
import { NONE, address, dump, loop, mac, names, newSim, req, table, tap, up } from './helpers.js';

test('a fresh simulator holds only local0 at index 0, admin-down, in table 0 (spec §2.11 item 1)', (t) => {
  const sim = newSim();
  const ifs = dump(sim, 'sw_interface_dump', { sw_if_index: NONE });
  t.is(ifs.length, 1);
  t.like(ifs[0], { sw_if_index: 0, interface_name: 'local0', flags: 0 });
  t.deepEqual(dump(sim, 'bridge_domain_dump', { bd_id: NONE, sw_if_index: NONE }), []);
  const tables = dump(sim, 'ip_table_dump').map((d) => d.table);
  t.deepEqual(tables, [{ table_id: 0, is_ip6: false, name: 'ipv4-VRF:0' }, { table_id: 0, is_ip6: true, name: 'ipv6-VRF:0' }]);
});

test('freed sw_if_indexes are reused most recently freed first, then new ones grow (spec §2.11 item 4)', (t) => {
  const sim = newSim();
  const a = loop(sim);
  const b = loop(sim);
  const c = loop(sim);
  t.deepEqual([a, b, c], [1, 2, 3]);
  t.is(req(sim, 'delete_loopback', { sw_if_index: a }).retval, 0);
  t.is(req(sim, 'delete_loopback', { sw_if_index: b }).retval, 0);
  t.is(tap(sim).sw_if_index, b);
  t.is(tap(sim).sw_if_index, a);
  t.is(tap(sim).sw_if_index, 4);
});

test('interfaces are named as VPP names them (spec §2.11 item 4)', (t) => {
  const sim = newSim();
  loop(sim);
  tap(sim);
  tap(sim, { tap_flags: 16 });
  req(sim, 'af_packet_create_v3', { mode: 1, use_random_hw_addr: true, host_if_name: 'vpp2' });
  req(sim, 'vxlan_add_del_tunnel_v3', {
    is_add: true, instance: NONE, src_address: { af: 0, un: { ip4: [10, 0, 0, 1] } }, dst_address: { af: 0, un: { ip4: [10, 0, 0, 2] } },
    mcast_sw_if_index: NONE, encap_vrf_id: 0, decap_next_index: NONE, vni: 10,
  });
  t.deepEqual(names(sim), { 0: 'local0', 1: 'loop0', 2: 'tap0', 3: 'tun1', 4: 'host-vpp2', 5: 'vxlan_tunnel0' });
  const dev = dump(sim, 'sw_interface_dump', { sw_if_index: NONE }).map((d) => d.interface_dev_type);
  t.deepEqual(dev, ['local', 'Loopback', 'virtio', 'virtio', 'af-packet', 'VXLAN']);
});

test('loopback MACs default to de:ad:00:00:00:<instance> and instances are the lowest free number', (t) => {
  const sim = newSim();
  const a = loop(sim);
  loop(sim);
  req(sim, 'delete_loopback', { sw_if_index: a });
  const c = loop(sim);
  const d = dump(sim, 'sw_interface_dump', { sw_if_index: c })[0];
  t.is(d?.interface_name, 'loop0');
  t.deepEqual([...(d?.l2_address as Uint8Array)], [0xde, 0xad, 0, 0, 0, 0]);
  t.is(req(sim, 'create_loopback_instance', { mac_address: mac('00:00:00:00:00:00'), is_specified: true, user_instance: 1 }).retval, RV.INVALID_REGISTRATION);
  t.is(req(sim, 'delete_loopback', { sw_if_index: 0 }).retval, RV.INVALID_SW_IF_INDEX);
});

test('admin-up brings the link up on loopback and tap; admin-down takes it down (spec §2.11 item 5)', (t) => {
  const sim = newSim();
  const l = loop(sim);
  const tp = tap(sim).sw_if_index as number;
  for (const sw of [l, tp]) {
    t.is(dump(sim, 'sw_interface_dump', { sw_if_index: sw })[0]?.flags, 0);
    t.is(up(sim, sw), 0);
    t.is(dump(sim, 'sw_interface_dump', { sw_if_index: sw })[0]?.flags, 3);
  }
  req(sim, 'sw_interface_set_flags', { sw_if_index: l, flags: 0 });
  t.is(dump(sim, 'sw_interface_dump', { sw_if_index: l })[0]?.flags, 0);
  t.is(req(sim, 'sw_interface_set_flags', { sw_if_index: 99, flags: 1 }).retval, RV.INVALID_SW_IF_INDEX);
});

test('sw_interface_dump filters by index and by case-insensitive name substring', (t) => {
  const sim = newSim();
  for (let i = 0; i < 11; i++) loop(sim);
  t.deepEqual(dump(sim, 'sw_interface_dump', { sw_if_index: 3 }).map((d) => d.interface_name), ['loop2']);
  t.deepEqual(dump(sim, 'sw_interface_dump', { sw_if_index: 77 }), []);
  t.is(dump(sim, 'sw_interface_dump', { sw_if_index: 0 }).length, 12);
  const byName = dump(sim, 'sw_interface_dump', { sw_if_index: 3, name_filter_valid: true, name_filter: 'LOOP1' });
  t.deepEqual(byName.map((d) => d.interface_name), ['loop1', 'loop10']);
});

test('adding the same address twice fails with -105: address add is not idempotent (spec §2.11 item 6)', (t) => {
  const sim = newSim();
  const l = loop(sim);
  t.is(address(sim, l, '10.1.1.1/24'), 0);
  t.is(address(sim, l, '10.1.1.1/24'), RV.ADDRESS_IN_USE);
  t.is(address(sim, l, '10.1.1.2/24'), 0, 'a second address of the same subnet on the same interface is allowed');
  t.is(address(sim, l, '10.1.1.3/25'), RV.ADDRESS_IN_USE, 'but not with another length');
});

const overlapCases = [
  { title: 'an overlapping address on another interface of the same VRF is refused', vrf: 0, cidr: '10.1.0.5/16', want: RV.ADDRESS_IN_USE },
  { title: 'a contained address on another interface of the same VRF is refused', vrf: 0, cidr: '10.1.1.200/30', want: RV.ADDRESS_IN_USE },
  { title: 'the same address in another VRF is accepted', vrf: 5, cidr: '10.1.1.1/24', want: 0 },
  { title: 'a disjoint address in the same VRF is accepted', vrf: 0, cidr: '10.2.1.1/24', want: 0 },
];
for (const c of overlapCases) {
  test(c.title, (t) => {
    const sim = newSim();
    const a = loop(sim);
    const b = loop(sim);
    table(sim, 5);
    t.is(address(sim, a, '10.1.1.1/24'), 0);
    if (c.vrf !== 0) t.is(req(sim, 'sw_interface_set_table', { sw_if_index: b, is_ipv6: false, vrf_id: c.vrf }).retval, 0);
    t.is(address(sim, b, c.cidr), c.want);
  });
}

test('address delete of a missing address is -60, on local0 -126, del_all clears every address', (t) => {
  const sim = newSim();
  const l = loop(sim);
  t.is(address(sim, l, '10.1.1.1/24', false), RV.ADDRESS_NOT_FOUND_FOR_INTERFACE);
  t.is(address(sim, 0, '10.9.9.9/24'), RV.UNSUPPORTED);
  address(sim, l, '10.1.1.1/24');
  address(sim, l, '10.3.1.1/24');
  t.is(dump(sim, 'ip_address_dump', { sw_if_index: l, is_ipv6: false }).length, 2);
  t.is(dump(sim, 'ip_address_dump', { sw_if_index: NONE, is_ipv6: false }).length, 0, '~0 is not accepted by ip_address_dump');
  t.is(req(sim, 'sw_interface_add_del_address', { sw_if_index: l, is_add: false, del_all: true }).retval, 0);
  t.is(dump(sim, 'ip_address_dump', { sw_if_index: l, is_ipv6: false }).length, 0);
});

test('set_table needs an existing VRF and is refused once the interface has an address (spec §2.11 item 6)', (t) => {
  const sim = newSim();
  const l = loop(sim);
  const setTable = (vrf: number) => req(sim, 'sw_interface_set_table', { sw_if_index: l, is_ipv6: false, vrf_id: vrf }).retval;
  t.is(setTable(7), RV.NO_SUCH_FIB);
  t.is(table(sim, 7), 0);
  t.is(setTable(7), 0);
  t.is(req(sim, 'sw_interface_get_table', { sw_if_index: l, is_ipv6: false }).vrf_id, 7);
  address(sim, l, '10.1.1.1/24');
  t.is(setTable(0), RV.ADDRESS_FOUND_FOR_INTERFACE);
  t.is(setTable(7), 0, 'binding to the table it is already in is a no-op');
});

test('unnumbered is refused across different tables (-74) and counts as an address for set_table (spec §2.11 item 6)', (t) => {
  const sim = newSim();
  const gw = loop(sim);
  const pod = tap(sim).sw_if_index as number;
  table(sim, 1);
  req(sim, 'sw_interface_set_table', { sw_if_index: gw, is_ipv6: false, vrf_id: 1 });
  address(sim, gw, '10.1.1.1/24');
  const unnum = (isAdd: boolean) => req(sim, 'sw_interface_set_unnumbered', { sw_if_index: gw, unnumbered_sw_if_index: pod, is_add: isAdd }).retval;
  t.is(unnum(true), RV.UNEXPECTED_INTF_STATE);
  t.is(req(sim, 'sw_interface_set_table', { sw_if_index: pod, is_ipv6: false, vrf_id: 1 }).retval, 0);
  t.is(unnum(true), 0);
  t.deepEqual(dump(sim, 'ip_unnumbered_dump', { sw_if_index: NONE }), [{ context: 0, sw_if_index: pod, ip_sw_if_index: gw }]);
  t.is(req(sim, 'sw_interface_set_table', { sw_if_index: pod, is_ipv6: false, vrf_id: 0 }).retval, RV.ADDRESS_FOUND_FOR_INTERFACE);
  t.is(req(sim, 'sw_interface_set_unnumbered', { sw_if_index: 99, unnumbered_sw_if_index: pod, is_add: true }).retval, RV.INVALID_SW_IF_INDEX_2);
  t.is(req(sim, 'sw_interface_set_unnumbered', { sw_if_index: gw, unnumbered_sw_if_index: 99, is_add: true }).retval, RV.INVALID_SW_IF_INDEX);
  t.is(unnum(false), 0);
  t.is(unnum(false), 0, 'removing unnumbered from an interface that is not unnumbered is a no-op');
});

const refusalCases = [
  { title: 'rx mode on a loopback is refused by the driver (-9)', name: 'sw_interface_set_rx_mode', body: (l: number) => ({ sw_if_index: l, mode: 1 }), want: RV.UNIMPLEMENTED },
  { title: 'an empty tag is an invalid value (-7)', name: 'sw_interface_tag_add_del', body: (l: number) => ({ sw_if_index: l, is_add: true, tag: '' }), want: RV.INVALID_VALUE },
  { title: 'a tag on a missing interface is -2', name: 'sw_interface_tag_add_del', body: () => ({ sw_if_index: 50, is_add: true, tag: 'x' }), want: RV.INVALID_SW_IF_INDEX },
  { title: 'hw MTU on a TUN (no Ethernet) is -30', name: 'hw_interface_set_mtu', body: (_l: number, tun: number) => ({ sw_if_index: tun, mtu: 1500 }), want: RV.FEATURE_DISABLED },
  { title: 'a MAC change on a TUN is refused by the driver (-9)', name: 'sw_interface_set_mac_address', body: (_l: number, tun: number) => ({ sw_if_index: tun, mac_address: mac('02:00:00:00:00:01') }), want: RV.UNIMPLEMENTED },
];
for (const c of refusalCases) {
  test(c.title, (t) => {
    const sim = newSim();
    const l = loop(sim);
    const tun = tap(sim, { tap_flags: 16 }).sw_if_index as number;
    t.is(req(sim, c.name, c.body(l, tun)).retval, c.want);
  });
}

test('tag, MTU, rx mode and MAC changes show in sw_interface_dump', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  t.is(req(sim, 'sw_interface_tag_add_del', { sw_if_index: tp, is_add: true, tag: 'vpp-tap-abc' }).retval, 0);
  t.is(req(sim, 'hw_interface_set_mtu', { sw_if_index: tp, mtu: 1450 }).retval, 0);
  t.is(req(sim, 'sw_interface_set_rx_mode', { sw_if_index: tp, mode: 2 }).retval, 0);
  t.is(req(sim, 'sw_interface_set_mac_address', { sw_if_index: tp, mac_address: mac('02:fe:11:22:33:44') }).retval, 0);
  const d = dump(sim, 'sw_interface_dump', { sw_if_index: tp })[0];
  t.like(d, { tag: 'vpp-tap-abc', link_mtu: 1450, mtu: [1450, 0, 0, 0] });
  t.deepEqual([...(d?.l2_address as Uint8Array)], [0x02, 0xfe, 0x11, 0x22, 0x33, 0x44]);
  t.is(sim.dump().interfaces instanceof Array, true);
  t.like((sim.dump().interfaces as Record<string, unknown>[])[1], { rxMode: 2, tag: 'vpp-tap-abc' });
});

test('IPv6 addresses and VRF bindings are kept apart from IPv4 ones', (t) => {
  const sim = newSim();
  const l = loop(sim);
  t.is(address(sim, l, 'fd00:1::1/64'), 0);
  t.is(address(sim, l, 'fd00:1::1/64'), RV.ADDRESS_IN_USE);
  t.is(dump(sim, 'ip_address_dump', { sw_if_index: l, is_ipv6: false }).length, 0);
  const v6 = dump(sim, 'ip_address_dump', { sw_if_index: l, is_ipv6: true });
  t.is(v6.length, 1);
  t.is(((v6[0]?.prefix as { address: { af: number } }).address.af), 1);
  req(sim, 'ip_table_add_del', { is_add: true, table: { table_id: 3, is_ip6: false, name: '' } });
  t.is(req(sim, 'sw_interface_set_table', { sw_if_index: l, is_ipv6: false, vrf_id: 3 }).retval, 0, 'no IPv4 address, so the v4 binding may change');
  t.is(req(sim, 'sw_interface_set_table', { sw_if_index: l, is_ipv6: true, vrf_id: 3 }).retval, RV.NO_SUCH_FIB, 'the IPv6 table 3 is another object');
});

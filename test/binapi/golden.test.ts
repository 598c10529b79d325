/**
 * Golden byte tests. Every expected frame below was written by hand from the byte offsets of
 * spec/vpp-api.md §2 (one row per field, offset first), not produced by the codec under test.
 */
import test from 'ava';
import {
  FibPathType, MessageTable, TapFlags, address4, decode, encode, isMessage, macBytes, nameCrc, prefix4,
  type MessageName,
} from '../../src/vpp/binapi/index.js';
import { ascii, layout, padded, zeros } from './layout.js';

const ID = 0x0abc;
function tableWith(name: MessageName): MessageTable {
  return new MessageTable([[nameCrc(name), ID]]);
}

test('tap_create_v3 encodes to the spec layout, tag last as a length-prefixed string', (t) => {
  const table = tableWith('tap_create_v3');
  const got = encode(table, 'tap_create_v3', {
    client_index: 0x80000000, context: 0x01020304, id: 7, use_random_mac: false, mac_address: macBytes('02:fe:11:22:33:44'),
    num_rx_queues: 1, num_tx_queues: 2, tx_ring_sz: 256, rx_ring_sz: 512, host_mtu_set: true, host_mtu_size: 1450,
    host_mac_addr_set: true, host_mac_addr: macBytes('0a:0b:0c:0d:0e:0f'),
    host_ip4_prefix_set: true, host_ip4_prefix: { address: [10, 1, 1, 2], len: 24 },
    host_ip4_gw_set: true, host_ip4_gw: [10, 1, 1, 1], tap_flags: TapFlags.TUN | TapFlags.PERSIST,
    host_namespace_set: true, host_namespace: 'pod1', host_if_name_set: true, host_if_name: 'eth0', tag: 'web',
  });
  const want = layout(293, [
    [0, '0abc'], [2, '80000000'], [6, '01020304'],
    [10, '00000007'], // id
    [14, '00'], // use_random_mac
    [15, '02fe11223344'], // mac_address
    [21, '0001'], [23, '0002'], // num_rx_queues, num_tx_queues
    [25, '0100'], [27, '0200'], // tx_ring_sz, rx_ring_sz
    [29, '01'], [30, '000005aa'], // host_mtu_set, host_mtu_size
    [34, '01'], [35, '0a0b0c0d0e0f'], // host_mac_addr_set, host_mac_addr
    [41, '01'], [42, '0a010102 18'], // host_ip4_prefix_set, host_ip4_prefix
    [47, '00'], [48, zeros(17)], // host_ip6_prefix_set, host_ip6_prefix
    [65, '01'], [66, '0a010101'], // host_ip4_gw_set, host_ip4_gw
    [70, '00'], [71, zeros(16)], // host_ip6_gw_set, host_ip6_gw
    [87, '00000014'], // tap_flags = TUN(16) | PERSIST(4)
    [91, '01'], [92, padded('pod1', 64)],
    [156, '01'], [157, padded('eth0', 64)],
    [221, '00'], [222, zeros(64)],
    [286, '00000003' + ascii('web')],
  ]);
  t.is(got.toString('hex'), want.toString('hex'));
  const back = decode(table, want);
  if (!isMessage(back, 'tap_create_v3')) return t.fail(JSON.stringify(back));
  t.is(back.msg.host_namespace, 'pod1');
  t.is(back.msg.tag, 'web');
  t.deepEqual([...back.msg.host_ip4_prefix.address], [10, 1, 1, 2]);
});

/** One `fib_path` (167 bytes) as hex: the fields of spec §2.1 in order. */
function path(swIfIndex: string, tableId: string, weight: string, type: string, nh: string): string {
  return swIfIndex + tableId + '00000000' /* rpf_id */ + weight + '00' /* preference */ + type
    + '00000000' /* flags */ + '00000000' /* proto IP4 */ + nh + zeros(16 - nh.length / 2)
    + '00000000' + '00000000' + '00000000' /* via_label, obj_id, classify_table_index */
    + '00' /* n_labels */ + zeros(112) /* label_stack[16] */;
}

test('ip_route_add_del with two paths packs 39 + 2 × 167 bytes with n_paths from the array', (t) => {
  const table = tableWith('ip_route_add_del');
  const got = encode(table, 'ip_route_add_del', {
    client_index: 1, context: 2, is_add: true, is_multipath: false,
    route: {
      table_id: 5, prefix: prefix4('10.2.0.0/16'),
      paths: [
        { sw_if_index: 3, weight: 1, type: FibPathType.NORMAL, nh: { address: { ip4: [10, 0, 0, 1] } } },
        { sw_if_index: 0xffffffff, table_id: 7, type: FibPathType.NORMAL },
      ],
    },
  });
  const want = layout(373, [
    [0, '0abc'], [2, '00000001'], [6, '00000002'],
    [10, '01'], [11, '00'], // is_add, is_multipath
    [12, '00000005'], [16, '00000000'], // route.table_id, route.stats_index
    [20, '00'], [21, '0a020000' + zeros(12)], [37, '10'], // prefix: af, address union, len
    [38, '02'], // n_paths
    [39, path('00000003', '00000000', '01', '00000000', '0a000001')],
    [206, path('ffffffff', '00000007', '00', '00000000', '')],
  ]);
  t.is(got.toString('hex'), want.toString('hex'));
  const back = decode(table, want);
  if (!isMessage(back, 'ip_route_add_del')) return t.fail(JSON.stringify(back));
  t.is(back.msg.route.n_paths, 2);
  t.is(back.msg.route.paths[1]?.table_id, 7);
  t.deepEqual([...(back.msg.route.paths[0]?.nh.address.ip4 ?? [])], [10, 0, 0, 1]);
});

test('vxlan_add_del_tunnel_v3 encodes to the spec\'s 70 bytes', (t) => {
  const table = tableWith('vxlan_add_del_tunnel_v3');
  const got = encode(table, 'vxlan_add_del_tunnel_v3', {
    client_index: 0x80000002, context: 0xfffffffe, is_add: true, instance: 0xffffffff,
    src_address: address4('192.168.16.1'), dst_address: address4('192.168.16.2'), dst_port: 4789,
    mcast_sw_if_index: 0xffffffff, encap_vrf_id: 0, decap_next_index: 0xffffffff, vni: 10, is_l3: false,
  });
  const want = layout(70, [
    [0, '0abc'], [2, '80000002'], [6, 'fffffffe'],
    [10, '01'], [11, 'ffffffff'], // is_add, instance
    [15, '00' + 'c0a81001' + zeros(12)], // src_address
    [32, '00' + 'c0a81002' + zeros(12)], // dst_address
    [49, '0000'], [51, '12b5'], // src_port, dst_port 4789
    [53, 'ffffffff'], [57, '00000000'], [61, 'ffffffff'], [65, '0000000a'], // mcast, encap_vrf_id, decap_next, vni
    [69, '00'], // is_l3
  ]);
  t.is(got.toString('hex'), want.toString('hex'));
});

test('sw_interface_dump carries the name filter as a length-prefixed string, 19 bytes when empty', (t) => {
  const table = tableWith('sw_interface_dump');
  const withFilter = encode(table, 'sw_interface_dump', { context: 9, sw_if_index: 0xffffffff, name_filter_valid: true, name_filter: 'loop' });
  t.is(withFilter.toString('hex'), layout(23, [
    [0, '0abc'], [2, '00000000'], [6, '00000009'], [10, 'ffffffff'], [14, '01'], [15, '00000004' + ascii('loop')],
  ]).toString('hex'));
  const empty = encode(table, 'sw_interface_dump', { context: 9, sw_if_index: 0xffffffff });
  t.is(empty.toString('hex'), layout(19, [
    [0, '0abc'], [2, '00000000'], [6, '00000009'], [10, 'ffffffff'], [14, '00'], [15, '00000000'],
  ]).toString('hex'));
});

test('sw_interface_details is 295 bytes and decodes field by field from the spec offsets', (t) => {
  const table = tableWith('sw_interface_details');
  const frame = layout(295, [
    [0, '0abc'], [2, '11223344'], // details header: id, context
    [6, '00000001'], [10, '00000001'], // sw_if_index, sup_sw_if_index
    [14, 'dead00000000'], // l2_address
    [20, '00000003'], [24, '00000000'], [28, '00000002'], // flags ADMIN_UP|LINK_UP, type, link_duplex FULL
    [32, '00002710'], [36, '2328'], // link_speed 10000, link_mtu 9000
    [38, '00002328' + '00000000' + '00000000' + '00000000'], // mtu[4]
    [54, '00000000'], [58, '00'], [59, '0000'], [61, '0000'], [63, '00000000'], // sub_*
    [67, '00000000'], [71, '00000000'], [75, '00000000'], [79, '00000000'], // vtr_*
    [83, '0000'], [85, zeros(6)], [91, zeros(6)], [97, '0000'], [99, '00000000'], // outer_tag, b_dmac, b_smac, b_vlanid, i_sid
    [103, padded('loop0', 64)], [167, padded('Loopback', 64)], [231, padded('ipnet-bvi', 64)],
  ]);
  const r = decode(table, frame);
  if (!isMessage(r, 'sw_interface_details')) return t.fail(JSON.stringify(r));
  const m = r.msg;
  t.is(r.id, ID);
  t.is(m.context, 0x11223344);
  t.is(m.sw_if_index, 1);
  t.deepEqual([...m.l2_address], [0xde, 0xad, 0, 0, 0, 0]);
  t.is(m.flags, 3);
  t.is(m.link_duplex, 2);
  t.is(m.link_speed, 10000);
  t.is(m.link_mtu, 9000);
  t.deepEqual(m.mtu, [9000, 0, 0, 0]);
  t.is(m.interface_name, 'loop0');
  t.is(m.interface_dev_type, 'Loopback');
  t.is(m.tag, 'ipnet-bvi');
  t.is(encode(table, 'sw_interface_details', m).toString('hex'), frame.toString('hex'));
});

test('ip_neighbor_details carries age as a little-endian f64, unlike every integer', (t) => {
  const table = tableWith('ip_neighbor_details');
  const frame = layout(42, [
    [0, '0abc'], [2, '00000005'],
    [6, '000000000000f83f'], // age 1.5, host (little-endian) order
    [14, '00000002'], [18, '01'], [19, '02fe00000001'], // neighbor.sw_if_index, flags STATIC, mac
    [25, '00' + '0a000005' + zeros(12)], // neighbor.ip_address
  ]);
  const r = decode(table, frame);
  if (!isMessage(r, 'ip_neighbor_details')) return t.fail(JSON.stringify(r));
  t.is(r.msg.age, 1.5);
  t.is(r.msg.neighbor.flags, 1);
  t.deepEqual([...r.msg.neighbor.ip_address.un.ip4], [10, 0, 0, 5]);
  t.is(encode(table, 'ip_neighbor_details', r.msg).toString('hex'), frame.toString('hex'));
});

test('sockclnt_create is 70 bytes with the fixed id 15 and no client_index', (t) => {
  const got = encode(MessageTable.bootstrap(), 'sockclnt_create', { context: 1, name: 'ipnet-agent' });
  t.is(got.toString('hex'), layout(70, [[0, '000f'], [2, '00000001'], [6, padded('ipnet-agent', 64)]]).toString('hex'));
});

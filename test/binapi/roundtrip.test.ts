import test from 'ava';
import {
  MessageTable, decode, encodeDynamic, encodeWithId, messageNames, messages, type MessageDef,
} from '../../src/vpp/binapi/index.js';
import { canon, generate, rng } from './gen.js';

const table = MessageTable.assign(messageNames(), 0x0400);
const defs = Object.values(messages) as unknown as MessageDef[];

test('every message definition round-trips 25 generated bodies through encode and decode', (t) => {
  const r = rng(0x5eed);
  let cases = 0;
  for (const def of defs) {
    for (let i = 0; i < 25; i++) {
      const { input, expected } = generate(r, def.codec);
      const frame = encodeDynamic(table, def.name, input as Record<string, unknown>);
      const res = decode(table, frame);
      if (!res.ok) return t.fail(`${def.name}: ${res.error.message}`);
      const got = { len: frame.length, name: res.name, id: res.id, msg: res.msg };
      const want = { len: 2 + def.codec.size(input as Record<string, unknown>), name: def.name, id: table.idOf(def.name), msg: expected };
      // Exact text comparison is cheap; the detailed diff runs only for a mismatch.
      if (canon(got) !== canon(want)) return t.deepEqual(got, want, `${def.name} case ${i}`);
      cases++;
    }
  }
  t.is(cases, defs.length * 25);
});

test('an empty body encodes to the minimum size and decodes to all zero fields', (t) => {
  for (const def of defs) {
    const frame = encodeWithId(table.idOf(def.name), def.name, {});
    t.is(frame.length, 2 + def.codec.min, def.name);
    t.true(frame.subarray(2).every((b) => b === 0), def.name);
    const got = decode(table, frame);
    t.true(got.ok, def.name);
  }
});

test('the registry covers every message the agent needs, each under its 24.02 name_crc', (t) => {
  const wanted: [string, string][] = [
    ['control_ping', '51077d14'], ['control_ping_reply', 'f6b0b8ca'], ['show_version_reply', 'c919bde1'],
    ['sockclnt_create', '455fb9c4'], ['sockclnt_create_reply', '35166268'], ['sockclnt_delete', '8ac76db6'],
    ['create_loopback', '42bb5d22'], ['delete_loopback', 'f9e6675e'], ['sw_interface_set_flags', 'f5aec1b8'],
    ['sw_interface_dump', 'aa610c27'], ['sw_interface_details', '6c221fc7'], ['sw_interface_set_mtu', '5cbe85e5'],
    ['sw_interface_set_rx_mode', 'b04d1cfe'], ['sw_interface_set_table', 'df42a577'],
    ['sw_interface_set_unnumbered', '154a6439'], ['sw_interface_set_mac_address', 'c536e7eb'],
    ['sw_interface_add_del_address', '5463d73b'], ['ip_address_dump', '2d033de4'], ['ip_address_details', 'ee29b797'],
    ['want_interface_events', '476f5a08'], ['sw_interface_event', '2d3d95a7'], ['sw_interface_tag_add_del', '426f8bc1'],
    ['tap_create_v3', '3f3fd1df'], ['tap_delete_v2', 'f9e6675e'], ['sw_interface_tap_v2_details', '1e2b2a47'],
    ['af_packet_create_v3', 'b3a809d4'], ['af_packet_delete', '863fa648'], ['af_packet_details', '58c7c042'],
    ['ip_table_add_del', '0ffdaec0'], ['ip_table_details', 'c79fca0f'], ['ip_route_add_del', 'b8ecfe0d'],
    ['ip_route_dump', 'b9d2e09e'], ['ip_route_details', 'bda8f315'], ['ip_neighbor_add_del', '0607c257'],
    ['ip_neighbor_dump', 'd817a484'], ['ip_neighbor_details', 'e29d79f0'], ['ip_neighbor_config', 'f4a5cf44'],
    ['proxy_arp_add_del', '1823c3e7'], ['proxy_arp_intfc_enable_disable', 'ae6cfcfb'], ['proxy_arp_details', '5b948673'],
    ['proxy_arp_intfc_details', 'f6458e5f'], ['bridge_domain_add_del_v2', '600b7170'],
    ['bridge_domain_add_del_v2_reply', 'fcb1e980'], ['bridge_domain_dump', '74396a43'],
    ['bridge_domain_details', '0fa506fd'], ['sw_interface_set_l2_bridge', 'd0678b13'], ['l2fib_add_del', 'eddda487'],
    ['l2_fib_table_details', 'a44ef6b8'], ['vxlan_add_del_tunnel_v3', '0072b037'], ['vxlan_tunnel_v2_dump', 'f9e6675e'],
    ['vxlan_tunnel_v2_details', 'd3bdd4d9'],
  ];
  for (const [name, crc] of wanted) t.is(table.nameCrcOf(table.idOf(name)), `${name}_${crc}`);
});

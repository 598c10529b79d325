/**
 * The spec's message sizes, transcribed from spec/vpp-api.md §1.4 and §2 ("— N bytes" after each
 * message, and the minimum of the variable ones: fixed part plus an empty string or array).
 */
import test from 'ava';
import { defOf } from '../../src/vpp/binapi/index.js';

const fixedSizes: [name: string, crc: string, bytes: number][] = [
  ['control_ping', '51077d14', 10], ['control_ping_reply', 'f6b0b8ca', 18], ['show_version', '51077d14', 10],
  ['show_version_reply', 'c919bde1', 362], ['get_first_msg_id', 'ebf79a66', 74],
  ['get_first_msg_id_reply', '7d337472', 12], ['sockclnt_delete', '8ac76db6', 14],
  ['sockclnt_delete_reply', '8f38b1ee', 10], ['sw_interface_details', '6c221fc7', 295],
  ['sw_interface_set_flags', 'f5aec1b8', 18], ['sw_interface_add_del_address', '5463d73b', 34],
  ['sw_interface_set_table', 'df42a577', 19], ['sw_interface_get_table', '2d033de4', 15],
  ['sw_interface_get_table_reply', 'a6eb0109', 14], ['sw_interface_set_mtu', '5cbe85e5', 30],
  ['hw_interface_set_mtu', 'e6746899', 16], ['sw_interface_set_rx_mode', 'b04d1cfe', 23],
  ['sw_interface_set_mac_address', 'c536e7eb', 20], ['sw_interface_tag_add_del', '426f8bc1', 79],
  ['sw_interface_set_unnumbered', '154a6439', 19], ['want_interface_events', '476f5a08', 18],
  ['sw_interface_event', '2d3d95a7', 19], ['create_loopback', '42bb5d22', 16],
  ['create_loopback_reply', '5383d31f', 14], ['create_loopback_instance', 'd36a3ee2', 21],
  ['delete_loopback', 'f9e6675e', 14], ['ip_address_dump', '2d033de4', 15], ['ip_address_details', 'ee29b797', 28],
  ['ip_unnumbered_dump', 'f9e6675e', 14], ['ip_unnumbered_details', 'cc59bd42', 14],
  ['tap_create_v3_reply', '5383d31f', 14], ['tap_delete_v2', 'f9e6675e', 14],
  ['sw_interface_tap_v2_dump', 'f9e6675e', 14], ['sw_interface_tap_v2_details', '1e2b2a47', 310],
  ['af_packet_create_v3', 'b3a809d4', 109], ['af_packet_create_v3_reply', '5383d31f', 14],
  ['af_packet_create', 'a190415f', 81], ['af_packet_delete', '863fa648', 74], ['af_packet_dump', '51077d14', 10],
  ['af_packet_details', '58c7c042', 74], ['ip_table_add_del', '0ffdaec0', 80], ['ip_table_dump', '51077d14', 10],
  ['ip_table_details', 'c79fca0f', 75], ['ip_route_add_del_reply', '1992deab', 14],
  ['ip_route_dump', 'b9d2e09e', 79], ['ip_neighbor_add_del', '0607c257', 39],
  ['ip_neighbor_add_del_reply', '1992deab', 14], ['ip_neighbor_dump', 'd817a484', 15],
  ['ip_neighbor_details', 'e29d79f0', 42], ['ip_neighbor_config', 'f4a5cf44', 20],
  ['proxy_arp_add_del', '1823c3e7', 23], ['proxy_arp_intfc_enable_disable', 'ae6cfcfb', 15],
  ['proxy_arp_dump', '51077d14', 10], ['proxy_arp_details', '5b948673', 18],
  ['proxy_arp_intfc_dump', '51077d14', 10], ['proxy_arp_intfc_details', 'f6458e5f', 10],
  ['bridge_domain_add_del_v2', '600b7170', 86], ['bridge_domain_add_del_v2_reply', 'fcb1e980', 14],
  ['sw_interface_set_l2_bridge', 'd0678b13', 24], ['bridge_domain_dump', '74396a43', 18],
  ['l2fib_add_del', 'eddda487', 28], ['l2_fib_table_dump', 'c25fdce6', 14], ['l2_fib_table_details', 'a44ef6b8', 23],
  ['vxlan_add_del_tunnel_v3', '0072b037', 70], ['vxlan_add_del_tunnel_v3_reply', '5383d31f', 14],
  ['vxlan_tunnel_v2_dump', 'f9e6675e', 14], ['vxlan_tunnel_v2_details', 'd3bdd4d9', 68],
  ['stn_add_del_rule', '224c6edd', 32], ['ip_punt_redirect', '6580f635', 36],  ['sockclnt_create', '455fb9c4', 70],
];

const variableMinimum: [name: string, crc: string, bytes: number, grows: string][] = [
  ['sockclnt_create_reply', '35166268', 20, '66 per message_table entry'],
  ['sw_interface_dump', 'aa610c27', 19, 'name_filter bytes'],
  ['cli_inband', 'f8377302', 14, 'cmd bytes'],
  ['cli_inband_reply', '05879051', 14, 'reply bytes'],
  ['tap_create_v3', '3f3fd1df', 290, 'tag bytes'],
  ['tap_create_v2', '2d0d6570', 287, 'tag bytes'],
  ['ip_route_add_del', 'b8ecfe0d', 39, '167 per path'],
  ['ip_route_details', 'bda8f315', 33, '167 per path'],
  ['bridge_domain_details', '0fa506fd', 93, '9 per member'],
  ['add_del_ip_punt_redirect_v2', '9e804227', 20, '167 per path'],
];

for (const [name, crc, bytes] of fixedSizes) {
  test(`${name}_${crc} is always ${bytes} bytes on the wire`, (t) => {
    const d = defOf(name);
    if (d === undefined) return t.fail(`${name} is not defined`);
    t.is(d.crc, crc);
    t.is(d.codec.fixed === undefined ? undefined : 2 + d.codec.fixed, bytes);
  });
}

for (const [name, crc, bytes, grows] of variableMinimum) {
  test(`${name}_${crc} is at least ${bytes} bytes and grows by ${grows}`, (t) => {
    const d = defOf(name);
    if (d === undefined) return t.fail(`${name} is not defined`);
    t.is(d.crc, crc);
    t.is(d.codec.fixed, undefined);
    t.is(2 + d.codec.min, bytes);
  });
}

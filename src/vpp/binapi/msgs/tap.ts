/**
 * Host-facing interfaces (tapv2 module and af_packet plugin; spec §2.4–§2.5): the pod's TAP
 * and the node's uplink bound to a Linux interface.
 */
import { bool, fstring, u16, u32, u8, vstring } from '../codec.js';
import { details, reply, request } from '../define.js';
import {
  afPacketFlags, afPacketMode, interfaceIndex, ip4Address, ip4Prefix, ip6Address, ip6Prefix, macAddress, tapFlags,
} from '../types.js';

const swIfIndexReply = { sw_if_index: interfaceIndex };

/** Host-side settings shared by tap_create_v2 and _v3, from `tx_ring_sz` on. */
const tapHostFields = {
  tx_ring_sz: u16, rx_ring_sz: u16, host_mtu_set: bool, host_mtu_size: u32,
  host_mac_addr_set: bool, host_mac_addr: macAddress,
  host_ip4_prefix_set: bool, host_ip4_prefix: ip4Prefix, host_ip6_prefix_set: bool, host_ip6_prefix: ip6Prefix,
  host_ip4_gw_set: bool, host_ip4_gw: ip4Address, host_ip6_gw_set: bool, host_ip6_gw: ip6Address,
  tap_flags: tapFlags,
  host_namespace_set: bool, host_namespace: fstring(64),
  host_if_name_set: bool, host_if_name: fstring(64),
  host_bridge_set: bool, host_bridge: fstring(64),
  tag: vstring,
};

/** `af_packet_create_v2` fields after v1's. */
const afPacketRing = {
  rx_frame_size: u32, tx_frame_size: u32, rx_frames_per_block: u32, tx_frames_per_block: u32, flags: afPacketFlags,
};

/** TAP and AF_PACKET message layouts. */
export const tapMessages = {
  tap_create_v3: request('3f3fd1df', {
    id: u32, use_random_mac: bool, mac_address: macAddress, num_rx_queues: u16, num_tx_queues: u16, ...tapHostFields,
  }),
  tap_create_v3_reply: reply('5383d31f', swIfIndexReply),
  tap_create_v2: request('2d0d6570', {
    id: u32, use_random_mac: bool, mac_address: macAddress, num_rx_queues: u8, ...tapHostFields,
  }, { deprecated: true }),
  tap_create_v2_reply: reply('5383d31f', swIfIndexReply, { deprecated: true }),
  tap_delete_v2: request('f9e6675e', { sw_if_index: interfaceIndex }),
  tap_delete_v2_reply: reply('e8d4e804', {}),
  sw_interface_tap_v2_dump: request('f9e6675e', { sw_if_index: interfaceIndex }),
  sw_interface_tap_v2_details: details('1e2b2a47', {
    sw_if_index: u32, id: u32, tx_ring_sz: u16, rx_ring_sz: u16, host_mtu_size: u32, host_mac_addr: macAddress,
    host_ip4_prefix: ip4Prefix, host_ip6_prefix: ip6Prefix, tap_flags: tapFlags,
    dev_name: fstring(64), host_if_name: fstring(64), host_namespace: fstring(64), host_bridge: fstring(64),
  }),
  af_packet_create_v3: request('b3a809d4', {
    mode: afPacketMode, hw_addr: macAddress, use_random_hw_addr: bool, host_if_name: fstring(64),
    ...afPacketRing, num_rx_queues: u16, num_tx_queues: u16,
  }),
  af_packet_create_v3_reply: reply('5383d31f', swIfIndexReply),
  af_packet_create: request('a190415f', {
    hw_addr: macAddress, use_random_hw_addr: bool, host_if_name: fstring(64),
  }, { deprecated: true }),
  af_packet_create_reply: reply('5383d31f', swIfIndexReply, { deprecated: true }),
  af_packet_create_v2: request('4aff0436', {
    hw_addr: macAddress, use_random_hw_addr: bool, host_if_name: fstring(64), ...afPacketRing, num_rx_queues: u16,
  }, { deprecated: true }),
  af_packet_create_v2_reply: reply('5383d31f', swIfIndexReply, { deprecated: true }),
  af_packet_delete: request('863fa648', { host_if_name: fstring(64) }),
  af_packet_delete_reply: reply('e8d4e804', {}),
  af_packet_dump: request('51077d14', {}),
  af_packet_details: details('58c7c042', { sw_if_index: interfaceIndex, host_if_name: fstring(64) }),
};

/**
 * Interface messages (interface and ip modules; spec §2.3): create, configure, dump and watch
 * VPP interfaces and their addresses.
 */
import { bool, fstring, u16, u32, u8, vstring } from '../codec.js';
import { details, event, reply, request } from '../define.js';
import { array } from '../struct.js';
import {
  ifStatusFlags, ifType, interfaceIndex, linkDuplex, macAddress, prefix, rxMode, subIfFlags,
} from '../types.js';

const swIfIndexReply = { sw_if_index: interfaceIndex };

/** Interface message layouts. */
export const interfaceMessages = {
  sw_interface_dump: request('aa610c27', { sw_if_index: interfaceIndex, name_filter_valid: bool, name_filter: vstring }),
  sw_interface_details: details('6c221fc7', {
    sw_if_index: interfaceIndex, sup_sw_if_index: u32, l2_address: macAddress, flags: ifStatusFlags,
    type: ifType, link_duplex: linkDuplex, link_speed: u32, link_mtu: u16, mtu: array(4, u32),
    sub_id: u32, sub_number_of_tags: u8, sub_outer_vlan_id: u16, sub_inner_vlan_id: u16,
    sub_if_flags: subIfFlags, vtr_op: u32, vtr_push_dot1q: u32, vtr_tag1: u32, vtr_tag2: u32,
    outer_tag: u16, b_dmac: macAddress, b_smac: macAddress, b_vlanid: u16, i_sid: u32,
    interface_name: fstring(64), interface_dev_type: fstring(64), tag: fstring(64),
  }),
  sw_interface_set_flags: request('f5aec1b8', { sw_if_index: interfaceIndex, flags: ifStatusFlags }),
  sw_interface_set_flags_reply: reply('e8d4e804', {}),
  sw_interface_add_del_address: request('5463d73b', { sw_if_index: interfaceIndex, is_add: bool, del_all: bool, prefix }),
  sw_interface_add_del_address_reply: reply('e8d4e804', {}),
  sw_interface_set_table: request('df42a577', { sw_if_index: interfaceIndex, is_ipv6: bool, vrf_id: u32 }),
  sw_interface_set_table_reply: reply('e8d4e804', {}),
  sw_interface_get_table: request('2d033de4', { sw_if_index: interfaceIndex, is_ipv6: bool }),
  sw_interface_get_table_reply: reply('a6eb0109', { vrf_id: u32 }),
  sw_interface_set_mtu: request('5cbe85e5', { sw_if_index: interfaceIndex, mtu: array(4, u32) }),
  sw_interface_set_mtu_reply: reply('e8d4e804', {}),
  hw_interface_set_mtu: request('e6746899', { sw_if_index: interfaceIndex, mtu: u16 }),
  hw_interface_set_mtu_reply: reply('e8d4e804', {}),
  sw_interface_set_rx_mode: request('b04d1cfe', { sw_if_index: interfaceIndex, queue_id_valid: bool, queue_id: u32, mode: rxMode }),
  sw_interface_set_rx_mode_reply: reply('e8d4e804', {}),
  sw_interface_set_mac_address: request('c536e7eb', { sw_if_index: interfaceIndex, mac_address: macAddress }),
  sw_interface_set_mac_address_reply: reply('e8d4e804', {}),
  sw_interface_tag_add_del: request('426f8bc1', { is_add: bool, sw_if_index: interfaceIndex, tag: fstring(64) }),
  sw_interface_tag_add_del_reply: reply('e8d4e804', {}),
  sw_interface_set_unnumbered: request('154a6439', { sw_if_index: interfaceIndex, unnumbered_sw_if_index: interfaceIndex, is_add: bool }),
  sw_interface_set_unnumbered_reply: reply('e8d4e804', {}),
  want_interface_events: request('476f5a08', { enable_disable: u32, pid: u32 }),
  want_interface_events_reply: reply('e8d4e804', {}),
  sw_interface_event: event('2d3d95a7', { sw_if_index: interfaceIndex, flags: ifStatusFlags, deleted: bool }),
  create_loopback: request('42bb5d22', { mac_address: macAddress }),
  create_loopback_reply: reply('5383d31f', swIfIndexReply),
  create_loopback_instance: request('d36a3ee2', { mac_address: macAddress, is_specified: bool, user_instance: u32 }),
  create_loopback_instance_reply: reply('5383d31f', swIfIndexReply),
  delete_loopback: request('f9e6675e', { sw_if_index: interfaceIndex }),
  delete_loopback_reply: reply('e8d4e804', {}),
  ip_address_dump: request('2d033de4', { sw_if_index: interfaceIndex, is_ipv6: bool }),
  ip_address_details: details('ee29b797', { sw_if_index: interfaceIndex, prefix }),
  ip_unnumbered_dump: request('f9e6675e', { sw_if_index: interfaceIndex }),
  ip_unnumbered_details: details('cc59bd42', { sw_if_index: interfaceIndex, ip_sw_if_index: interfaceIndex }),
};

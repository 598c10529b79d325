/**
 * Layer-2 and overlay messages (l2 module, vxlan plugin; spec §2.8–§2.9): bridge domains, their
 * members and static MACs, and the VXLAN tunnels that join nodes' bridge domains.
 */
import { bool, fstring, u16, u32, u8 } from '../codec.js';
import { details, reply, request } from '../define.js';
import { vla } from '../struct.js';
import { address, bridgeDomainSwIf, interfaceIndex, l2PortType, macAddress } from '../types.js';

const swIfIndexReply = { sw_if_index: interfaceIndex };

/** Request body shared by bridge_domain_add_del and _v2 (same layout, same CRC). */
const bdAddDel = {
  bd_id: u32, flood: bool, uu_flood: bool, forward: bool, learn: bool, arp_term: bool, arp_ufwd: bool,
  mac_age: u8, bd_tag: fstring(64), is_add: bool,
};

/** VXLAN v1 fields up to the tunnel endpoints. */
const vxlanEnds = { is_add: bool, instance: u32, src_address: address, dst_address: address };
/** VXLAN fields after the endpoints (and, from v2, the ports). */
const vxlanRest = { mcast_sw_if_index: interfaceIndex, encap_vrf_id: u32, decap_next_index: u32, vni: u32 };

/** Bridge-domain, L2 FIB and VXLAN message layouts. */
export const l2Messages = {
  bridge_domain_add_del_v2: request('600b7170', bdAddDel),
  bridge_domain_add_del_v2_reply: reply('fcb1e980', { bd_id: u32 }),
  bridge_domain_add_del: request('600b7170', bdAddDel, { deprecated: true }),
  bridge_domain_add_del_reply: reply('e8d4e804', {}, { deprecated: true }),
  sw_interface_set_l2_bridge: request('d0678b13', {
    rx_sw_if_index: interfaceIndex, bd_id: u32, port_type: l2PortType, shg: u8, enable: bool,
  }),
  sw_interface_set_l2_bridge_reply: reply('e8d4e804', {}),
  bridge_domain_dump: request('74396a43', { bd_id: u32, sw_if_index: interfaceIndex }),
  bridge_domain_details: details('0fa506fd', {
    bd_id: u32, flood: bool, uu_flood: bool, forward: bool, learn: bool, arp_term: bool, arp_ufwd: bool,
    mac_age: u8, bd_tag: fstring(64), bvi_sw_if_index: interfaceIndex, uu_fwd_sw_if_index: interfaceIndex,
    n_sw_ifs: u32, sw_if_details: vla('n_sw_ifs', bridgeDomainSwIf),
  }),
  l2fib_add_del: request('eddda487', {
    mac: macAddress, bd_id: u32, sw_if_index: interfaceIndex, is_add: bool, static_mac: bool, filter_mac: bool, bvi_mac: bool,
  }),
  l2fib_add_del_reply: reply('e8d4e804', {}),
  l2_fib_table_dump: request('c25fdce6', { bd_id: u32 }),
  l2_fib_table_details: details('a44ef6b8', {
    bd_id: u32, mac: macAddress, sw_if_index: interfaceIndex, static_mac: bool, filter_mac: bool, bvi_mac: bool,
  }),
  vxlan_add_del_tunnel_v3: request('0072b037', { ...vxlanEnds, src_port: u16, dst_port: u16, ...vxlanRest, is_l3: bool }),
  vxlan_add_del_tunnel_v3_reply: reply('5383d31f', swIfIndexReply),
  vxlan_add_del_tunnel_v2: request('4f223f40', { ...vxlanEnds, src_port: u16, dst_port: u16, ...vxlanRest }, { deprecated: true }),
  vxlan_add_del_tunnel_v2_reply: reply('5383d31f', swIfIndexReply, { deprecated: true }),
  vxlan_add_del_tunnel: request('0c09dc80', { ...vxlanEnds, ...vxlanRest }, { deprecated: true }),
  vxlan_add_del_tunnel_reply: reply('5383d31f', swIfIndexReply, { deprecated: true }),
  vxlan_tunnel_v2_dump: request('f9e6675e', { sw_if_index: interfaceIndex }),
  vxlan_tunnel_v2_details: details('d3bdd4d9', {
    sw_if_index: interfaceIndex, instance: u32, src_address: address, dst_address: address,
    src_port: u16, dst_port: u16, ...vxlanRest,
  }),
  vxlan_tunnel_dump: request('f9e6675e', { sw_if_index: interfaceIndex }, { deprecated: true }),
  vxlan_tunnel_details: details('c3916cb1', { sw_if_index: interfaceIndex, instance: u32, src_address: address, dst_address: address, ...vxlanRest }, { deprecated: true }),
};

/**
 * Layer-3 messages (ip, ip_neighbor, arp modules; spec §2.6, §2.7, §2.10): VRF tables, routes
 * with FIB paths, static neighbours, proxy ARP and punt redirects.
 */
import { bool, f64, u32 } from '../codec.js';
import { details, reply, request } from '../define.js';
import {
  address, addressFamily, interfaceIndex, ipNeighbor, ipRoute, ipRouteV2, ipTable, proxyArp, puntRedirect, puntRedirectV2,
} from '../types.js';

const statsReply = { stats_index: u32 };

/** IP table, route, neighbour, proxy-ARP and punt message layouts. */
export const ipMessages = {
  ip_table_add_del: request('0ffdaec0', { is_add: bool, table: ipTable }),
  ip_table_add_del_reply: reply('e8d4e804', {}),
  ip_table_allocate: request('b9d2e09e', { table: ipTable }),
  ip_table_allocate_reply: reply('1728303a', { table: ipTable }),
  ip_table_dump: request('51077d14', {}),
  ip_table_details: details('c79fca0f', { table: ipTable }),
  ip_route_add_del: request('b8ecfe0d', { is_add: bool, is_multipath: bool, route: ipRoute }),
  ip_route_add_del_reply: reply('1992deab', statsReply),
  ip_route_add_del_v2: request('521ef330', { is_add: bool, is_multipath: bool, route: ipRouteV2 }),
  ip_route_add_del_v2_reply: reply('1992deab', statsReply),
  ip_route_dump: request('b9d2e09e', { table: ipTable }),
  ip_route_details: details('bda8f315', { route: ipRoute }),
  ip_route_v2_details: details('b09aa6c0', { route: ipRouteV2 }),
  ip_neighbor_add_del: request('0607c257', { is_add: bool, neighbor: ipNeighbor }),
  ip_neighbor_add_del_reply: reply('1992deab', statsReply),
  ip_neighbor_dump: request('d817a484', { sw_if_index: interfaceIndex, af: addressFamily }),
  ip_neighbor_details: details('e29d79f0', { age: f64, neighbor: ipNeighbor }),
  ip_neighbor_config: request('f4a5cf44', { af: addressFamily, max_number: u32, max_age: u32, recycle: bool }),
  ip_neighbor_config_reply: reply('e8d4e804', {}),
  proxy_arp_add_del: request('1823c3e7', { is_add: bool, proxy: proxyArp }),
  proxy_arp_add_del_reply: reply('e8d4e804', {}),
  proxy_arp_intfc_enable_disable: request('ae6cfcfb', { sw_if_index: interfaceIndex, enable: bool }),
  proxy_arp_intfc_enable_disable_reply: reply('e8d4e804', {}),
  proxy_arp_dump: request('51077d14', {}),
  proxy_arp_details: details('5b948673', { proxy: proxyArp }),
  proxy_arp_intfc_dump: request('51077d14', {}),
  proxy_arp_intfc_details: details('f6458e5f', { sw_if_index: u32 }),
  add_del_ip_punt_redirect_v2: request('9e804227', { is_add: bool, punt: puntRedirectV2 }),
  add_del_ip_punt_redirect_v2_reply: reply('e8d4e804', {}),
  ip_punt_redirect: request('6580f635', { punt: puntRedirect, is_add: bool }, { deprecated: true }),
  // An autoreply: the bare reply header, like every other e8d4e804 reply.
  ip_punt_redirect_reply: reply('e8d4e804', {}, { deprecated: true }),
  stn_add_del_rule: request('224c6edd', { ip_address: address, sw_if_index: interfaceIndex, is_add: bool }),
  stn_add_del_rule_reply: reply('e8d4e804', {}),
};

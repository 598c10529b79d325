/**
 * Shared VPP 24.02 types and enums (spec vpp-api §2.1), defined once so every message that
 * embeds an address, prefix or FIB path packs it identically.
 */
import { bool, bytes, enumOf, fstring, u16, u32, u8, type InOf, type OutOf } from './codec.js';
import { array, struct, union, vla } from './struct.js';

/** Interface index (u32); ~0 means "none/all" where the spec says so. Stand-ins are marked (stand-in.ts). */
export { interfaceIndex } from './stand-in.js';
import { interfaceIndex } from './stand-in.js';
/** `mac_address` = u8[6]. */
export const macAddress = bytes(6, 'mac_address');
/** `ip4_address` = u8[4]. */
export const ip4Address = bytes(4, 'ip4_address');
/** `ip6_address` = u8[16]. */
export const ip6Address = bytes(16, 'ip6_address');

/** Wire values of `address_family` (u8). */
export const AddressFamily = { IP4: 0, IP6: 1 } as const;
/** Wire values of `if_status_flags` (u32 flags). */
export const IfStatusFlags = { ADMIN_UP: 1, LINK_UP: 2 } as const;
/** Wire values of `if_type` (u32). */
export const IfType = { HARDWARE: 0, SUB: 1, P2P: 2, PIPE: 3 } as const;
/** Wire values of `link_duplex` (u32). */
export const LinkDuplex = { UNKNOWN: 0, HALF: 1, FULL: 2 } as const;
/** Index into the `mtu[4]` arrays (`mtu_proto`). */
export const MtuProto = { L3: 0, IP4: 1, IP6: 2, MPLS: 3 } as const;
/** Wire values of `rx_mode` (u32). */
export const RxMode = { UNKNOWN: 0, POLLING: 1, INTERRUPT: 2, ADAPTIVE: 3, DEFAULT: 4 } as const;
/** Wire values of `sub_if_flags` (u32 flags). */
export const SubIfFlags = {
  NO_TAGS: 1, ONE_TAG: 2, TWO_TAGS: 4, DOT1AD: 8, EXACT_MATCH: 16, DEFAULT: 32,
  OUTER_VLAN_ID_ANY: 64, INNER_VLAN_ID_ANY: 128, DOT1AH: 256,
} as const;
/** Wire values of `ip_neighbor_flags` (u8 flags). */
export const IpNeighborFlags = { NONE: 0, STATIC: 1, NO_FIB_ENTRY: 2 } as const;
/** Wire values of `fib_path_type` (u32). */
export const FibPathType = {
  NORMAL: 0, LOCAL: 1, DROP: 2, UDP_ENCAP: 3, BIER_IMP: 4, ICMP_UNREACH: 5, ICMP_PROHIBIT: 6,
  SOURCE_LOOKUP: 7, DVR: 8, INTERFACE_RX: 9, CLASSIFY: 10,
} as const;
/** Wire values of `fib_path_flags` (u32 flags). */
export const FibPathFlags = { NONE: 0, RESOLVE_VIA_ATTACHED: 1, RESOLVE_VIA_HOST: 2, POP_PW_CW: 4 } as const;
/** Wire values of `fib_path_nh_proto` (u32). */
export const FibPathNhProto = { IP4: 0, IP6: 1, MPLS: 2, ETHERNET: 3, BIER: 4 } as const;
/** Wire values of `tap_flags` (u32 flags). */
export const TapFlags = {
  GSO: 1, CSUM_OFFLOAD: 2, PERSIST: 4, ATTACH: 8, TUN: 16, GRO_COALESCE: 32, PACKED: 64, IN_ORDER: 128,
} as const;
/** Wire values of `af_packet_mode` (u32). */
export const AfPacketMode = { ETHERNET: 1, IP: 2 } as const;
/** Wire values of `af_packet_flags` (u32 flags). */
export const AfPacketFlags = { QDISC_BYPASS: 1, CKSUM_GSO: 2, VERSION_2: 8 } as const;
/** Wire values of `l2_port_type` (u32). */
export const L2PortType = { NORMAL: 0, BVI: 1, UU_FWD: 2 } as const;
/** u32 "~0": none / all / automatic, depending on the field. */
export const NONE_U32 = 0xffffffff;

// Enum codecs with their declared base type (§1.1: address_family and ip_neighbor_flags are u8 here, the rest u32).
/** `address_family` on the wire (u8). */
export const addressFamily = enumOf('address_family', 'u8');
/** `ip_neighbor_flags` on the wire (u8). */
export const ipNeighborFlags = enumOf('ip_neighbor_flags', 'u8');
/** `if_status_flags` on the wire (u32). */
export const ifStatusFlags = enumOf('if_status_flags', 'u32');
/** `if_type` on the wire (u32). */
export const ifType = enumOf('if_type', 'u32');
/** `link_duplex` on the wire (u32). */
export const linkDuplex = enumOf('link_duplex', 'u32');
/** `rx_mode` on the wire (u32). */
export const rxMode = enumOf('rx_mode', 'u32');
/** `sub_if_flags` on the wire (u32). */
export const subIfFlags = enumOf('sub_if_flags', 'u32');
/** `fib_path_type` on the wire (u32). */
export const fibPathType = enumOf('fib_path_type', 'u32');
/** `fib_path_flags` on the wire (u32). */
export const fibPathFlags = enumOf('fib_path_flags', 'u32');
/** `fib_path_nh_proto` on the wire (u32). */
export const fibPathNhProto = enumOf('fib_path_nh_proto', 'u32');
/** `tap_flags` on the wire (u32). */
export const tapFlags = enumOf('tap_flags', 'u32');
/** `af_packet_mode` on the wire (u32). */
export const afPacketMode = enumOf('af_packet_mode', 'u32');
/** `af_packet_flags` on the wire (u32). */
export const afPacketFlags = enumOf('af_packet_flags', 'u32');
/** `l2_port_type` on the wire (u32). */
export const l2PortType = enumOf('l2_port_type', 'u32');

/** `address_union`: 16 bytes; an IPv4 address fills the first 4. */
export const addressUnion = union('address_union', { ip4: ip4Address, ip6: ip6Address });
/** `address` (17 bytes). */
export const address = struct('address', { af: addressFamily, un: addressUnion });
/** `prefix` = `address_with_prefix` (18 bytes). */
export const prefix = struct('prefix', { address, len: u8 });
/** `ip4_prefix` = `ip4_address_with_prefix` (5 bytes). */
export const ip4Prefix = struct('ip4_prefix', { address: ip4Address, len: u8 });
/** `ip6_prefix` (17 bytes). */
export const ip6Prefix = struct('ip6_prefix', { address: ip6Address, len: u8 });

/** `fib_mpls_label` (7 bytes). */
export const fibMplsLabel = struct('fib_mpls_label', { is_uniform: u8, label: u32, ttl: u8, exp: u8 });
/** `fib_path_nh` (28 bytes). */
export const fibPathNh = struct('fib_path_nh', {
  address: addressUnion, via_label: u32, obj_id: u32, classify_table_index: u32,
});
/** `fib_path` (167 bytes): one next hop of a route. */
export const fibPath = struct('fib_path', {
  sw_if_index: interfaceIndex, table_id: u32, rpf_id: u32, weight: u8, preference: u8,
  type: fibPathType, flags: fibPathFlags, proto: fibPathNhProto, nh: fibPathNh,
  n_labels: u8, label_stack: array(16, fibMplsLabel),
});
/** `ip_route` (27 + 167·n_paths bytes). */
export const ipRoute = struct('ip_route', {
  table_id: u32, stats_index: u32, prefix, n_paths: u8, paths: vla('n_paths', fibPath),
});
/** `ip_route_v2` (adds the route source after n_paths). */
export const ipRouteV2 = struct('ip_route_v2', {
  table_id: u32, stats_index: u32, prefix, n_paths: u8, src: u8, paths: vla('n_paths', fibPath),
});
/** `ip_table` (69 bytes). */
export const ipTable = struct('ip_table', { table_id: u32, is_ip6: bool, name: fstring(64) });
/** `ip_neighbor` (28 bytes). */
export const ipNeighbor = struct('ip_neighbor', {
  sw_if_index: interfaceIndex, flags: ipNeighborFlags, mac_address: macAddress, ip_address: address,
});
/** `bridge_domain_sw_if` (9 bytes). */
export const bridgeDomainSwIf = struct('bridge_domain_sw_if', { context: u32, sw_if_index: interfaceIndex, shg: u8 });
/** `proxy_arp` (12 bytes). */
export const proxyArp = struct('proxy_arp', { table_id: u32, low: ip4Address, hi: ip4Address });
/** `message_table_entry` (66 bytes): one `name_crc → id` pair of the handshake. */
export const messageTableEntry = struct('message_table_entry', { index: u16, name: fstring(64) });
/** `module_version` (76 bytes). */
export const moduleVersion = struct('module_version', { major: u32, minor: u32, patch: u32, name: fstring(64) });
/** `punt_redirect_v2` (9 + 167·n_paths bytes). */
export const puntRedirectV2 = struct('punt_redirect_v2', {
  rx_sw_if_index: interfaceIndex, af: addressFamily, n_paths: u32, paths: vla('n_paths', fibPath),
});
/** `punt_redirect` (25 bytes; only the deprecated ip_punt_redirect uses it). */
export const puntRedirect = struct('punt_redirect', { rx_sw_if_index: interfaceIndex, tx_sw_if_index: interfaceIndex, nh: address });

/** Decoded `address`, as dumps hand it to callers. */
export type Address = OutOf<typeof address>;
/** Decoded `prefix`. */
export type Prefix = OutOf<typeof prefix>;
/** Decoded `fib_path`. */
export type FibPath = OutOf<typeof fibPath>;
/** Decoded `ip_route`. */
export type IpRoute = OutOf<typeof ipRoute>;
/** Encodable `address`, what callers build requests from. */
export type AddressIn = InOf<typeof address>;
/** Encodable `prefix`. */
export type PrefixIn = InOf<typeof prefix>;
/** Encodable `fib_path`. */
export type FibPathIn = InOf<typeof fibPath>;
/** Encodable `ip_route`. */
export type IpRouteIn = InOf<typeof ipRoute>;

/**
 * The desired-state item model: every VPP and Linux object ipnet wants is one keyed item
 * (vpp-agent v2 key scheme, spec ipnet-behaviour §6) with a plain value (the spec's proto
 * field names), the keys it depends on, and the owner that put it. Items are data: the
 * planner diffs them, apply/retrieve (elsewhere) turn them into calls and back.
 */

/** VPP interface types ipnet creates or configures (proto enum names). */
export type VppInterfaceType = 'DPDK' | 'VMXNET3_INTERFACE' | 'SOFTWARE_LOOPBACK' | 'TAP' | 'AF_PACKET' | 'VXLAN_TUNNEL' | 'MEMIF';
/** Linux interface types ipnet creates. */
export type LinuxInterfaceType = 'TAP_TO_VPP' | 'VETH' | 'LOOPBACK';
/** rx mode as the NB model names it; absent means "leave VPP's default". */
export type RxModeName = 'POLLING' | 'INTERRUPT' | 'ADAPTIVE';

/** `config/vpp/v2/interfaces/<name>`; `vrf`, `ip_addresses`, `unnumbered`, `set_dhcp_client` are also split into derived items. */
export interface VppInterfaceValue {
  readonly name: string;
  readonly type: VppInterfaceType;
  readonly enabled: boolean;
  readonly phys_address?: string;
  readonly mtu?: number;
  readonly vrf: number;
  readonly ip_addresses: readonly string[];
  readonly set_dhcp_client?: boolean;
  readonly unnumbered?: { readonly interface_with_ip: string };
  readonly rx_mode_settings?: { readonly rx_mode: RxModeName };
  readonly tap?: { readonly version?: number; readonly rx_ring_size?: number; readonly tx_ring_size?: number };
  readonly afpacket?: { readonly host_if_name: string };
  readonly vxlan?: { readonly src_address: string; readonly dst_address: string; readonly vni: number };
  readonly vmx_net3?: { readonly rxq_size: number; readonly txq_size: number };
  readonly memif?: {
    readonly master: boolean;
    readonly mode: 'ETHERNET';
    readonly socket_filename: string;
    readonly secret: string;
    readonly id: number;
  };
}

/** Derived: the interface's VRF binding (`sw_interface_set_table`), needed before addresses. */
export interface VppInterfaceVrfValue {
  readonly interface: string;
  readonly vrf: number;
}

/** Derived: one static address of a VPP interface. */
export interface VppInterfaceAddressValue {
  readonly interface: string;
  readonly address: string;
}

/** Derived: unnumbered setting, borrowing the address of another interface. */
export interface VppUnnumberedValue {
  readonly interface: string;
  readonly interface_with_ip: string;
}

/** Derived: DHCP client on a VPP interface. */
export interface VppDhcpClientValue {
  readonly interface: string;
}

/** `config/vpp/l2/v2/bridge-domain/<name>`; members are separate derived items. */
export interface VppBridgeDomainValue {
  readonly name: string;
  readonly learn: boolean;
  readonly forward: boolean;
  readonly flood: boolean;
  readonly unknown_unicast_flood: boolean;
}

/** Derived: one bridge-domain member (one element of the BD's `interfaces`). */
export interface VppBridgeDomainMemberValue {
  readonly bridge_domain: string;
  readonly name: string;
  readonly bridged_virtual_interface: boolean;
  readonly split_horizon_group: number;
}

/** `config/vpp/l2/v2/fib/<bd>/mac/<mac>`. */
export interface VppL2FibValue {
  readonly bridge_domain: string;
  readonly phys_address: string;
  readonly outgoing_interface: string;
  readonly static_config: boolean;
  readonly bridged_virtual_interface: boolean;
  readonly action: 'FORWARD';
}

/** `config/vpp/v2/route/vrf/<vrf>/dst/<net>/<len>/gw/<nh>`; `type` absent = INTRA_VRF. */
export interface VppRouteValue {
  readonly type?: 'INTER_VRF' | 'DROP';
  readonly vrf_id: number;
  readonly dst_network: string;
  readonly next_hop_addr: string;
  readonly outgoing_interface?: string;
  readonly via_vrf_id?: number;
}

/** `config/vpp/v2/arp/<interface>/<ip>`. */
export interface VppArpValue {
  readonly interface: string;
  readonly ip_address: string;
  readonly phys_address: string;
  readonly static: boolean;
}

/** `config/vpp/v2/vrf-table/id/<id>/protocol/IPV4`. */
export interface VppVrfTableValue {
  readonly id: number;
  readonly protocol: 'IPV4';
  readonly label: string;
}

/** `config/vpp/v2/ipscanneigh-global`. */
export interface VppIpScanNeighValue {
  readonly mode: 'IPv4';
  readonly scan_interval: number;
  readonly stale_threshold: number;
}

/** `config/vpp/v2/proxyarp-global` (STN mode). */
export interface VppProxyArpValue {
  readonly interfaces: readonly { readonly name: string }[];
  readonly ranges: readonly { readonly first_ip_addr: string; readonly last_ip_addr: string }[];
}

/** `config/vpp/stn/v2/rule/<interface>/ip/<ip>` (STN v0/1). */
export interface VppStnRuleValue {
  readonly ip_address: string;
  readonly interface: string;
}

/** `config/vpp/punt/v2/ipredirect/l3/<proto>/tx/<tx>` (STN v2). */
export interface VppPuntRedirectValue {
  readonly l3_protocol: 'ALL';
  readonly tx_interface: string;
  readonly next_hop: string;
}

/** Linux namespace reference; pods are addressed by their netns file. */
export interface LinuxNamespace {
  readonly type: 'FD';
  readonly reference: string;
}

/** `config/linux/interfaces/v2/interface/<name>`. */
export interface LinuxInterfaceValue {
  readonly name: string;
  readonly type: LinuxInterfaceType;
  readonly host_if_name?: string;
  readonly enabled: boolean;
  readonly mtu?: number;
  readonly phys_address?: string;
  readonly namespace?: LinuxNamespace;
  readonly ip_addresses: readonly string[];
  readonly tap?: { readonly vpp_tap_if_name: string };
  readonly veth?: {
    readonly peer_if_name: string;
    readonly rx_checksum_offloading?: 'CHKSM_OFFLOAD_DISABLED';
    readonly tx_checksum_offloading?: 'CHKSM_OFFLOAD_DISABLED';
  };
}

/** `config/linux/l3/v2/route/<net>/<len>/<interface>`. */
export interface LinuxRouteValue {
  readonly outgoing_interface: string;
  readonly scope: 'GLOBAL' | 'LINK';
  readonly dst_network: string;
  readonly gw_addr?: string;
}

/** `config/linux/l3/v2/arp/<interface>/<ip>`. */
export interface LinuxArpValue {
  readonly interface: string;
  readonly ip_address: string;
  readonly hw_address: string;
}

/** Kind → value type; the single table every switch over kinds is checked against. */
export interface ValueByKind {
  'vpp-interface': VppInterfaceValue;
  'vpp-interface-vrf': VppInterfaceVrfValue;
  'vpp-interface-address': VppInterfaceAddressValue;
  'vpp-interface-unnumbered': VppUnnumberedValue;
  'vpp-interface-dhcp': VppDhcpClientValue;
  'vpp-bridge-domain': VppBridgeDomainValue;
  'vpp-bd-member': VppBridgeDomainMemberValue;
  'vpp-l2fib': VppL2FibValue;
  'vpp-route': VppRouteValue;
  'vpp-arp': VppArpValue;
  'vpp-vrf-table': VppVrfTableValue;
  'vpp-ipscanneigh': VppIpScanNeighValue;
  'vpp-proxyarp': VppProxyArpValue;
  'vpp-stn-rule': VppStnRuleValue;
  'vpp-punt-redirect': VppPuntRedirectValue;
  'linux-interface': LinuxInterfaceValue;
  'linux-route': LinuxRouteValue;
  'linux-arp': LinuxArpValue;
}

/** Every item kind the model knows. */
export type ItemKind = keyof ValueByKind;

/** One item of a given kind. */
export interface ItemOf<K extends ItemKind> {
  readonly key: string;
  readonly kind: K;
  readonly value: ValueByKind[K];
  /** Keys that must exist (created and not pending) before this item can be created. */
  readonly deps: readonly string[];
  /** Who put it (`node`, `peer/<id>`, `pod/<ns>/<name>`): the unit a caller replaces at once. */
  readonly owner: string;
  /** Base item key for derived values (they live and die with their base). */
  readonly derivedFrom?: string;
  /** `sb` = found in VPP/Linux but not created by ipnet (retrieve marks it); never deleted. */
  readonly origin?: 'sb';
}

/** Any item: a discriminated union over `kind`. */
export type Item = { [K in ItemKind]: ItemOf<K> }[ItemKind];

/** Owner name of node-level items. */
export const NODE_OWNER = 'node';
/** Owner name of one peer node's items. */
export function peerOwner(nodeId: number): string {
  return `peer/${nodeId}`;
}
/** Owner name of one pod's items. */
export function podOwner(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

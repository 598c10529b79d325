/**
 * The value objects builders read. They hold plain strings computed elsewhere (IPAM, node
 * sync, pod manager), so the builders stay free of subnet arithmetic and of any source.
 */
import type { Config, NodeInterface } from '../config/types.js';
import type { RxModeName } from './model.js';

/** This node's addresses (IPAM formulas, ipam-and-nodes §2), as strings. */
export interface NodeAddressing {
  readonly nodeId: number;
  /** `10.1.1.0/24` */
  readonly podSubnetThisNode: string;
  /** `10.1.1.1` */
  readonly podGatewayIP: string;
  /** `172.30.1.0/24` */
  readonly hostInterconnectSubnet: string;
  /** `172.30.1.1` */
  readonly hostInterconnectIPInVPP: string;
  /** `172.30.1.2` */
  readonly hostInterconnectIPInLinux: string;
  /**
   * This node's main IP with its prefix length (`192.168.16.1/24`): the first static NIC IP,
   * else IPAM's node IP; in DHCP mode the lease's, or undefined until one arrives.
   */
  readonly nodeIP: string | undefined;
  /** VXLAN BVI address with the VXLAN network's length (`192.168.30.1/24`). */
  readonly vxlanIP: string;
  /** Service plugin's NAT loopback (not used by ipnet items; kept for callers' convenience). */
  readonly natLoopbackIP: string;
  /** `10.96.0.0/12` */
  readonly serviceCIDR: string;
  /** `10.1.0.0/16` */
  readonly podSubnetAllNodes: string;
  /** `172.30.0.0/16` */
  readonly hostSubnetAllNodes: string;
}

/** Everything about this node besides addressing that node-level items need. */
export interface LocalNodeInput {
  readonly addressing: NodeAddressing;
  /** Main VPP NIC name; empty = none (a `loopbackNIC` carries the node IP instead). */
  readonly nicName: string;
  readonly useDHCP: boolean;
  /** Statically configured NIC IPs (CIDR); empty means "use `addressing.nodeIP`". */
  readonly nicIPs: readonly string[];
  /** Static default gateway (none in DHCP mode). */
  readonly defaultGateway: string | undefined;
  /** IPv4 addresses of the host's links (§7.2 filter already applied). */
  readonly hostIPs: readonly string[];
  readonly otherInterfaces: readonly NodeInterface[];
  /** STN mode only: routes the STN daemon reported for the stolen NIC (empty destination = default). */
  readonly stnRoutes?: readonly { readonly destination: string; readonly nextHop: string }[];
}

/** Another node as node sync sees it, with its IPAM-derived addresses. */
export interface PeerAddressing {
  readonly nodeId: number;
  readonly name: string;
  /** VPP IPs the peer published (CIDR). */
  readonly nodeIPs: readonly string[];
  /** Kubernetes management IPs (plain addresses). */
  readonly mgmtIPs: readonly string[];
  /** The peer's VXLAN BVI address (plain), IPAM.VxlanIPAddress(id). */
  readonly vxlanIP: string;
  /** IPAM.PodSubnetOtherNode(id). */
  readonly podSubnet: string;
  /** IPAM.HostInterconnectSubnetOtherNode(id). */
  readonly hostSubnet: string;
  /** True when no Kubernetes source runs: management IPs cannot be known (see QUIRKS.md). */
  readonly mgmtIPsUnknown?: boolean;
}

/** One local pod with its allocated IP. */
export interface PodInput {
  readonly namespace: string;
  readonly name: string;
  readonly containerId: string;
  /** Network namespace path (`/var/run/netns/x` or `/proc/<pid>/ns/net`). */
  readonly netns: string;
  /** Requested interface name; ignored — the pod side is always `eth0` (spec §2). */
  readonly ifName: string;
  /** Pod IP, plain or `/32`. */
  readonly ip: string;
}

/** MTU field: 0 in config means "leave the platform default", i.e. absent. */
export function mtuOf(config: Config): number | undefined {
  return config.mtuSize > 0 ? config.mtuSize : undefined;
}

/** rx mode setting, present only for an explicit polling/interrupt/adaptive. */
export function rxModeOf(config: Config): { rx_mode: RxModeName } | undefined {
  switch (config.interfaceRxMode) {
    case 'polling': return { rx_mode: 'POLLING' };
    case 'interrupt': return { rx_mode: 'INTERRUPT' };
    case 'adaptive': return { rx_mode: 'ADAPTIVE' };
    default: return undefined;
  }
}

/** TAP options: version 2 always (v1 is compiled to 2); zero ring sizes mean VPP's default. */
export function tapOf(config: Config): { version: number; rx_ring_size?: number; tx_ring_size?: number } {
  return {
    version: config.tapInterfaceVersion,
    ...(config.tapv2RxRingSize > 0 ? { rx_ring_size: config.tapv2RxRingSize } : {}),
    ...(config.tapv2TxRingSize > 0 ? { tx_ring_size: config.tapv2TxRingSize } : {}),
  };
}

/** VETH checksum offload flags (only when `tcpChecksumOffloadDisabled`). */
export function checksumOf(config: Config): { rx_checksum_offloading?: 'CHKSM_OFFLOAD_DISABLED'; tx_checksum_offloading?: 'CHKSM_OFFLOAD_DISABLED' } {
  return config.tcpChecksumOffloadDisabled
    ? { rx_checksum_offloading: 'CHKSM_OFFLOAD_DISABLED', tx_checksum_offloading: 'CHKSM_OFFLOAD_DISABLED' }
    : {};
}

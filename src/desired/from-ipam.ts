/**
 * Adapters from IPAM's `NodeAddressing` to the builders' plain input objects, so callers
 * do not repeat the formulas and builders stay testable with hand-computed values.
 */
import type { NodeAddressing as IpamAddressing } from '../ipam/addressing.js';
import type { NodeAddressing, PeerAddressing } from './inputs.js';
import { lenOf } from './keys.js';

/**
 * This node's addressing. `nodeIP` is the resolved main IP with its length (first static
 * NIC IP, IPAM's node IP, or a DHCP lease); pass undefined while unknown. Throws IPAM's
 * error when the VXLAN IP cannot be computed (a resync error in the original).
 */
export function nodeAddressingFromIpam(a: IpamAddressing, nodeIP: string | undefined): NodeAddressing {
  const vx = a.vxlanIPAddress();
  return {
    nodeId: a.nodeId,
    podSubnetThisNode: a.podSubnetThisNode,
    podGatewayIP: a.podGatewayIP ?? '',
    hostInterconnectSubnet: a.hostInterconnectSubnetThisNode,
    hostInterconnectIPInVPP: a.hostInterconnectIPInVPP,
    hostInterconnectIPInLinux: a.hostInterconnectIPInLinux,
    nodeIP,
    vxlanIP: `${vx.ip}/${lenOf(vx.network)}`,
    natLoopbackIP: a.natLoopbackIP,
    serviceCIDR: a.serviceNetwork,
    podSubnetAllNodes: a.podSubnetAllNodes,
    hostSubnetAllNodes: a.hostInterconnectSubnetAllNodes,
  };
}

/** IPAM's node IP in the builders' CIDR form (`192.168.16.1/24`); throws IPAM's error. */
export function ipamNodeIP(a: IpamAddressing, id: number = a.nodeId): string {
  const n = a.nodeIPAddress(id);
  return `${n.ip}/${lenOf(n.network)}`;
}

/** One peer as node sync reports it. */
export interface PeerNode {
  readonly id: number;
  readonly name: string;
  /** VPP IPs (CIDR). */
  readonly vppIPs: readonly string[];
  readonly mgmtIPs: readonly string[];
}

/** A peer's addressing; throws IPAM's error for an unaddressable ID (skip that peer). */
export function peerAddressingFromIpam(a: IpamAddressing, peer: PeerNode): PeerAddressing {
  return {
    nodeId: peer.id,
    name: peer.name,
    nodeIPs: peer.vppIPs,
    mgmtIPs: peer.mgmtIPs,
    vxlanIP: a.vxlanIPAddress(peer.id).ip,
    podSubnet: a.podSubnetOtherNode(peer.id),
    hostSubnet: a.hostInterconnectSubnetOtherNode(peer.id),
  };
}

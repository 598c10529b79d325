/**
 * Items towards one other node (spec ipnet-behaviour §8): a VXLAN tunnel with its BD
 * membership, static ARP and L2 FIB for the peer's BVI, and routes to its pod, host and
 * management networks — or, without the overlay, plain routes via its node IP.
 */
import type { Config } from '../config/types.js';
import type { NodeAddressing, PeerAddressing } from './inputs.js';
import { bdMember, vppArp, vppInterface, vppL2Fib, vppRoute } from './items.js';
import { ipOf } from './keys.js';
import { type Item, peerOwner, type VppRouteValue } from './model.js';
import { isStnMode } from './stn.js';
import { VXLAN_BD, VXLAN_BVI, VXLAN_SPLIT_HORIZON_GROUP, VXLAN_VNI, vxlanBviMac, vxlanTunnelName } from './naming.js';

/**
 * Whether a peer gets connectivity: it must have a VPP IP and a management IP, and a real
 * node ID (ID 0 entries are node-sync leftovers; v3.1.0 let them through, §15.1). Without a
 * Kubernetes source management IPs are unknowable, so the VPP IP alone suffices there.
 */
export function peerHasIP(p: PeerAddressing): boolean {
  return p.nodeId > 0 && p.nodeIPs.length > 0 && (p.mgmtIPs.length > 0 || p.mgmtIPsUnknown === true);
}

/** Peer's first VPP IP, the tunnel destination and no-overlay next hop. */
export function peerNodeIP(p: PeerAddressing): string | undefined {
  const first = p.nodeIPs[0];
  return first === undefined ? undefined : ipOf(first);
}

/** All items towards one peer; empty when it has no IP. */
export function peerItems(config: Config, self: NodeAddressing, peer: PeerAddressing): Item[] {
  const otherIP = peerNodeIP(peer);
  if (!peerHasIP(peer) || otherIP === undefined) return [];
  return config.useNoOverlay ? noOverlayItems(config, peer, otherIP) : overlayItems(config, self, peer, otherIP);
}

function overlayItems(config: Config, self: NodeAddressing, peer: PeerAddressing, otherIP: string): Item[] {
  const owner = peerOwner(peer.nodeId);
  const nextHop = peer.vxlanIP;
  const stn = isStnMode(config);
  const out: Item[] = [];
  if (self.nodeIP !== undefined) {
    const tunnel = vxlanTunnelName(peer.nodeId);
    const mac = vxlanBviMac(peer.nodeId);
    out.push(...vppInterface({
      name: tunnel, type: 'VXLAN_TUNNEL', enabled: true, vrf: config.mainVRFID, ip_addresses: [],
      vxlan: { src_address: ipOf(self.nodeIP), dst_address: otherIP, vni: VXLAN_VNI },
    }, owner));
    out.push(bdMember(VXLAN_BD, tunnel, false, VXLAN_SPLIT_HORIZON_GROUP, owner));
    out.push(vppArp({ interface: VXLAN_BVI, ip_address: nextHop, phys_address: mac, static: true }, owner));
    out.push(vppL2Fib({
      bridge_domain: VXLAN_BD, phys_address: mac, outgoing_interface: tunnel, static_config: true,
      bridged_virtual_interface: false, action: 'FORWARD',
    }, owner));
  }
  const via = (dst: string): VppRouteValue =>
    ({ dst_network: dst, next_hop_addr: nextHop, outgoing_interface: VXLAN_BVI, vrf_id: config.podVRFID });
  if (!config.ipamConfig.useExternalIPAM) out.push(vppRoute(via(peer.podSubnet), owner));
  out.push(vppRoute(via(peer.hostSubnet), owner));
  for (const m of peer.mgmtIPs) {
    if (m !== nextHop) out.push(vppRoute(via(`${m}/32`), owner));
    if (!stn) out.push(vppRoute({
      type: 'INTER_VRF', dst_network: `${m}/32`, vrf_id: config.mainVRFID, via_vrf_id: config.podVRFID, next_hop_addr: '0.0.0.0',
    }, owner));
  }
  return out;
}

function noOverlayItems(config: Config, peer: PeerAddressing, otherIP: string): Item[] {
  const owner = peerOwner(peer.nodeId);
  const via = (dst: string): Item => vppRoute({ dst_network: dst, next_hop_addr: otherIP, vrf_id: config.mainVRFID }, owner);
  const out: Item[] = [];
  if (!config.ipamConfig.useExternalIPAM) out.push(via(peer.podSubnet));
  out.push(via(peer.hostSubnet));
  for (const m of peer.mgmtIPs) if (m !== otherIP) out.push(via(`${m}/32`));
  return out;
}

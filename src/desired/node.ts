/**
 * This node's items (spec ipnet-behaviour §7): main NIC and node IP, the VPP↔host
 * interconnect, VRFs with inter-VRF routes, neighbor scan, the pod gateway loopback and,
 * with the overlay, the VXLAN BVI and bridge domain; STN additions come from stn.ts.
 */
import type { Config } from '../config/types.js';
import { checksumOf, type LocalNodeInput, mtuOf, rxModeOf, tapOf } from './inputs.js';
import { bdMember, item, linuxInterface, linuxRoute, vppBridgeDomain, vppInterface, vppRoute } from './items.js';
import { ipOf, lenOf, linuxInterfaceKey, VPP_IP_SCAN_NEIGH_KEY, vppInterfaceKey, vppVrfTableKey } from './keys.js';
import { type Item, NODE_OWNER, type VppInterfaceType } from './model.js';
import { isStnMode, stnGateway, stnItems } from './stn.js';
import {
  HOST_AFPACKET, HOST_LINUX_HOST_NAME, HOST_TAP_LINUX, HOST_TAP_VPP, HOST_VETH_LINUX, HOST_VETH_VPP,
  HOST_VETH_VPP_HOST_NAME, hostInterconnectLinuxName, hostInterconnectMac, hostInterconnectVppName, LOOPBACK_NIC,
  POD_GW_LOOP, STN_HOST_MAC, VXLAN_BD, VXLAN_BVI, VXLAN_SPLIT_HORIZON_GROUP, vxlanBviMac,
} from './naming.js';

const ANY = '0.0.0.0';
const ANY_NET = '0.0.0.0/0';
const owner = NODE_OWNER;

/** All node-level items of this node (peers and pods are built separately). */
export function nodeItems(config: Config, input: LocalNodeInput): Item[] {
  return [
    ...mainInterfaceItems(config, input),
    ...hostInterconnectItems(config, input),
    ...vrfItems(config, input),
    ...otherNodeLevelItems(config, input),
    ...(isStnMode(config) ? stnItems(config, input) : []),
  ];
}

/** Gateway the host uses towards pods/services through VPP: VPP's interconnect IP, or the STN gateway. */
export function hostRouteGateway(config: Config, input: LocalNodeInput): string | undefined {
  return isStnMode(config) ? stnGateway(input) : input.addressing.hostInterconnectIPInVPP;
}

/** The address podGwLoop carries; pod interfaces are unnumbered to it. */
export function podGatewayAddress(input: { addressing: LocalNodeInput['addressing'] }): string {
  const a = input.addressing;
  return `${a.podGatewayIP}/${lenOf(a.podSubnetThisNode)}`;
}

/** NIC addresses: none with DHCP, else the configured (or STN) IPs, else IPAM's node IP. */
export function mainStaticIPs(input: LocalNodeInput): readonly string[] {
  if (input.useDHCP) return [];
  if (input.nicIPs.length > 0) return input.nicIPs;
  return input.addressing.nodeIP !== undefined ? [input.addressing.nodeIP] : [];
}

function nicType(name: string): VppInterfaceType {
  return name.startsWith('vmxnet3-') ? 'VMXNET3_INTERFACE' : 'DPDK';
}

/** §7.1: NIC (or `loopbackNIC`) with the node IP, the static default route, other NICs. */
export function mainInterfaceItems(config: Config, input: LocalNodeInput): Item[] {
  const main = config.mainVRFID;
  const staticIPs = mainStaticIPs(input);
  const out: Item[] = [];
  if (input.nicName === '') {
    out.push(...vppInterface({ name: LOOPBACK_NIC, type: 'SOFTWARE_LOOPBACK', enabled: true, vrf: main, ip_addresses: staticIPs }, owner));
  } else {
    const type = nicType(input.nicName);
    const vmx = type === 'VMXNET3_INTERFACE' && config.vmxnet3RxRingSize > 0 && config.vmxnet3TxRingSize > 0
      ? { rxq_size: config.vmxnet3RxRingSize, txq_size: config.vmxnet3TxRingSize } : undefined;
    out.push(...vppInterface({
      name: input.nicName, type, enabled: true, vrf: main, ip_addresses: staticIPs,
      set_dhcp_client: input.useDHCP ? true : undefined, rx_mode_settings: rxModeOf(config), vmx_net3: vmx,
    }, owner));
    if (!input.useDHCP && !isStnMode(config) && input.defaultGateway) {
      out.push(vppRoute({ vrf_id: main, dst_network: ANY_NET, next_hop_addr: input.defaultGateway, outgoing_interface: input.nicName }, owner));
    }
  }
  for (const nic of input.otherInterfaces) {
    out.push(...vppInterface({
      name: nic.interfaceName, type: nicType(nic.interfaceName), enabled: true, vrf: main,
      ip_addresses: nic.ip !== undefined ? [nic.ip] : [],
      set_dhcp_client: nic.useDHCP && nic.ip === undefined ? true : undefined, rx_mode_settings: rxModeOf(config),
    }, owner));
  }
  return out;
}

/** §7.2: TAP or VETH+AF_PACKET to the host, routes to host IPs, host routes to pods/services. */
export function hostInterconnectItems(config: Config, input: LocalNodeInput): Item[] {
  const a = input.addressing;
  const len = lenOf(a.hostInterconnectSubnet);
  const main = config.mainVRFID;
  const stn = isStnMode(config);
  // STN: VPP's side borrows the stolen NIC's address; the host side carries the node IP.
  const nic = input.nicName !== '' ? input.nicName : LOOPBACK_NIC;
  const nicAddress = mainStaticIPs(input)[0];
  const vppAddr = stn
    ? { ip_addresses: [], unnumbered: { interface_with_ip: nic } }
    : { ip_addresses: [`${a.hostInterconnectIPInVPP}/${len}`] };
  const vppOpts = stn && nicAddress !== undefined ? { unnumberedTo: { name: nic, address: nicAddress } } : {};
  const vppSide = {
    enabled: true, phys_address: hostInterconnectMac(a.nodeId), mtu: mtuOf(config), vrf: main,
    ...vppAddr, rx_mode_settings: rxModeOf(config),
  };
  const linuxAddr = stn
    ? { phys_address: STN_HOST_MAC, ip_addresses: a.nodeIP !== undefined ? [a.nodeIP] : [] }
    : { ip_addresses: [`${a.hostInterconnectIPInLinux}/${len}`] };
  const out: Item[] = [];
  if (config.interfaceMode === 'tap') {
    out.push(...vppInterface({ name: HOST_TAP_VPP, type: 'TAP', ...vppSide, tap: tapOf(config) }, owner, vppOpts));
    out.push(linuxInterface({
      name: HOST_TAP_LINUX, type: 'TAP_TO_VPP', host_if_name: HOST_LINUX_HOST_NAME, enabled: true, mtu: mtuOf(config),
      ...linuxAddr, tap: { vpp_tap_if_name: HOST_TAP_VPP },
    }, owner, [vppInterfaceKey(HOST_TAP_VPP)]));
  } else {
    // The AF_PACKET-bound end creates the pair; the other end waits for it (see QUIRKS.md).
    out.push(linuxInterface({
      name: HOST_VETH_VPP, type: 'VETH', host_if_name: HOST_VETH_VPP_HOST_NAME, enabled: true, mtu: mtuOf(config),
      ip_addresses: [], veth: { peer_if_name: HOST_VETH_LINUX },
    }, owner));
    out.push(linuxInterface({
      name: HOST_VETH_LINUX, type: 'VETH', host_if_name: HOST_LINUX_HOST_NAME, enabled: true, mtu: mtuOf(config),
      ...linuxAddr, veth: { peer_if_name: HOST_VETH_VPP, ...checksumOf(config) },
    }, owner, [linuxInterfaceKey(HOST_VETH_VPP)]));
    out.push(...vppInterface({
      name: HOST_AFPACKET, type: 'AF_PACKET', ...vppSide, afpacket: { host_if_name: HOST_VETH_VPP_HOST_NAME },
    }, owner, { ...vppOpts, hostLinuxKey: linuxInterfaceKey(HOST_VETH_VPP) }));
  }
  const vppIf = hostInterconnectVppName(config.interfaceMode);
  const linuxIf = hostInterconnectLinuxName(config.interfaceMode);
  const hostNextHop = stn ? (a.nodeIP !== undefined ? ipOf(a.nodeIP) : undefined) : a.hostInterconnectIPInLinux;
  for (const ip of hostNextHop !== undefined ? input.hostIPs : []) {
    out.push(vppRoute({ vrf_id: main, dst_network: `${ip}/32`, next_hop_addr: hostNextHop as string, outgoing_interface: vppIf }, owner));
  }
  const gw = hostRouteGateway(config, input);
  if (gw !== undefined) {
    out.push(linuxRoute({ outgoing_interface: linuxIf, scope: 'GLOBAL', dst_network: a.podSubnetAllNodes, gw_addr: gw }, owner));
    if (config.routeServiceCIDRToVPP) {
      out.push(linuxRoute({ outgoing_interface: linuxIf, scope: 'GLOBAL', dst_network: a.serviceCIDR, gw_addr: gw }, owner));
    }
  }
  return out;
}

/** §7.3: both VRF tables (even id 0) and the inter-VRF / drop routes of the table. */
export function vrfItems(config: Config, input: LocalNodeInput): Item[] {
  const a = input.addressing;
  const main = config.mainVRFID;
  const pod = config.podVRFID;
  const interVrf = (from: number, to: number, dst: string): Item =>
    vppRoute({ type: 'INTER_VRF', vrf_id: from, via_vrf_id: to, dst_network: dst, next_hop_addr: ANY }, owner);
  const drop = (dst: string): Item => vppRoute({ type: 'DROP', vrf_id: pod, dst_network: dst, next_hop_addr: ANY }, owner);
  const out: Item[] = [
    item('vpp-vrf-table', vppVrfTableKey(main), { id: main, protocol: 'IPV4', label: 'mainVRF-IPv4' }, [], owner),
    item('vpp-vrf-table', vppVrfTableKey(pod), { id: pod, protocol: 'IPV4', label: 'podVRF-IPv4' }, [], owner),
  ];
  if (config.useNoOverlay) {
    out.push(interVrf(main, pod, a.podSubnetThisNode), interVrf(pod, main, ANY_NET));
  } else {
    out.push(
      interVrf(main, pod, a.podSubnetAllNodes), interVrf(main, pod, a.hostSubnetAllNodes),
      interVrf(pod, main, ANY_NET), interVrf(pod, main, a.hostInterconnectSubnet),
      drop(a.podSubnetAllNodes), drop(a.hostSubnetAllNodes),
    );
  }
  return out;
}

/** §7.4: neighbor scan, podGwLoop and, with the overlay, the VXLAN BVI and bridge domain. */
export function otherNodeLevelItems(config: Config, input: LocalNodeInput): Item[] {
  const a = input.addressing;
  const out: Item[] = [];
  if (config.scanIPNeighbors) {
    out.push(item('vpp-ipscanneigh', VPP_IP_SCAN_NEIGH_KEY,
      { mode: 'IPv4', scan_interval: config.ipNeighborScanInterval, stale_threshold: config.ipNeighborStaleThreshold }, [], owner));
  }
  out.push(...vppInterface({ name: POD_GW_LOOP, type: 'SOFTWARE_LOOPBACK', enabled: true, vrf: config.podVRFID, ip_addresses: [podGatewayAddress(input)] }, owner));
  if (!config.useNoOverlay) {
    out.push(...vppInterface({
      name: VXLAN_BVI, type: 'SOFTWARE_LOOPBACK', enabled: true, phys_address: vxlanBviMac(a.nodeId), vrf: config.podVRFID,
      ip_addresses: [a.vxlanIP],
    }, owner));
    out.push(vppBridgeDomain({ name: VXLAN_BD, learn: false, forward: true, flood: false, unknown_unicast_flood: false }, owner));
    out.push(bdMember(VXLAN_BD, VXLAN_BVI, true, VXLAN_SPLIT_HORIZON_GROUP, owner));
  }
  return out;
}

/**
 * One pod's items (spec ipnet-behaviour §9): loopback, the VPP side and the pod side of its
 * interface (TAP pair, or AF_PACKET + VETH pair), the /32 address, the gateway reached by a
 * link-scope route and a static ARP entry, the default route, and VPP's ARP and route back.
 * Custom (annotation) interfaces (§9.1) are not built yet.
 */
import type { Config } from '../config/types.js';
import { checksumOf, mtuOf, type NodeAddressing, type PodInput, rxModeOf, tapOf } from './inputs.js';
import { linuxArp, linuxInterface, linuxRoute, vppArp, vppInterface, vppRoute } from './items.js';
import { ipOf, linuxInterfaceKey, linuxRouteKey, vppInterfaceKey } from './keys.js';
import { type Item, type LinuxNamespace, podOwner } from './model.js';
import { hostInterconnectLinuxName, POD_GW_LOOP, POD_IF_HOST_NAME, podIfNames, podLinuxMac, podVppMac } from './naming.js';
import { podGatewayAddress } from './node.js';

/** Every item of one local pod with an allocated IP; `hostRouteGw` is `hostRouteGateway(...)` (differs only in STN mode). */
export function podItems(config: Config, self: NodeAddressing, pod: PodInput, hostRouteGw: string | undefined = self.hostInterconnectIPInVPP): Item[] {
  const owner = podOwner(pod.namespace, pod.name);
  const names = podIfNames(pod.containerId, config.interfaceMode);
  const ip = ipOf(pod.ip);
  const gw = self.podGatewayIP;
  const macV = podVppMac(pod.containerId);
  const macL = podLinuxMac(pod.containerId);
  const ns: LinuxNamespace = { type: 'FD', reference: pod.netns };
  const mtu = mtuOf(config);
  const vppCommon = {
    enabled: true, mtu, vrf: config.podVRFID, phys_address: macV, ip_addresses: [],
    unnumbered: { interface_with_ip: POD_GW_LOOP }, rx_mode_settings: rxModeOf(config),
  };
  const unnumberedTo = { name: POD_GW_LOOP, address: podGatewayAddress({ addressing: self }) };
  const podSide = {
    enabled: true, mtu, host_if_name: POD_IF_HOST_NAME, phys_address: macL, namespace: ns, ip_addresses: [`${ip}/32`],
  };

  const out: Item[] = [
    linuxInterface({ name: names.loop, type: 'LOOPBACK', enabled: true, ip_addresses: ['127.0.0.1/8', '::1/128'], namespace: ns }, owner),
  ];
  if (config.interfaceMode === 'tap') {
    out.push(...vppInterface({ name: names.vppTap, type: 'TAP', ...vppCommon, tap: tapOf(config) }, owner, { unnumberedTo }));
    out.push(linuxInterface({ name: names.linuxTap, type: 'TAP_TO_VPP', ...podSide, tap: { vpp_tap_if_name: names.vppTap } },
      owner, [vppInterfaceKey(names.vppTap)]));
  } else {
    // The host end (bound by AF_PACKET) creates the pair; the pod end waits for it.
    out.push(linuxInterface({
      name: names.vethHost, type: 'VETH', enabled: true, mtu, host_if_name: names.vethHostHostName,
      ip_addresses: [], veth: { peer_if_name: names.vethPod },
    }, owner));
    out.push(linuxInterface({
      name: names.vethPod, type: 'VETH', ...podSide, veth: { peer_if_name: names.vethHost, ...checksumOf(config) },
    }, owner, [linuxInterfaceKey(names.vethHost)]));
    out.push(...vppInterface({
      name: names.afpacket, type: 'AF_PACKET', ...vppCommon, afpacket: { host_if_name: names.vethHostHostName },
    }, owner, { unnumberedTo, hostLinuxKey: linuxInterfaceKey(names.vethHost) }));
  }
  const linkRoute = linuxRoute({ outgoing_interface: names.linux, scope: 'LINK', dst_network: `${gw}/32` }, owner);
  out.push(
    linuxArp({ interface: names.linux, ip_address: gw, hw_address: macV }, owner),
    linkRoute,
    linuxRoute({ outgoing_interface: names.linux, dst_network: '0.0.0.0/0', scope: 'GLOBAL', gw_addr: gw }, owner,
      [linuxRouteKey(`${gw}/32`, names.linux)]),
    vppArp({ interface: names.vpp, ip_address: ip, phys_address: macL, static: true }, owner),
    vppRoute({ outgoing_interface: names.vpp, dst_network: `${ip}/32`, next_hop_addr: ip, vrf_id: config.podVRFID }, owner),
  );
  if (config.ipamConfig.useExternalIPAM && hostRouteGw !== undefined) {
    out.push(linuxRoute({
      dst_network: `${ip}/32`, scope: 'GLOBAL', gw_addr: hostRouteGw,
      outgoing_interface: hostInterconnectLinuxName(config.interfaceMode),
    }, owner));
  }
  return out;
}

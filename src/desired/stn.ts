/**
 * STN mode (spec ipnet-behaviour §7.5): VPP steals the host NIC and its IP, so the host
 * reaches the world through VPP. The interconnect borrows the NIC's address (unnumbered),
 * the host side carries the node IP, and VPP punts/proxies for it.
 */
import type { Config } from '../config/types.js';
import { formatIPv4, parseCidr, parseIPv4, sizeOf } from '../ipam/ipv4.js';
import type { LocalNodeInput } from './inputs.js';
import { item, linuxRoute, vppArp, vppRoute } from './items.js';
import { ipOf, VPP_PROXY_ARP_KEY, vppInterfaceKey, vppPuntRedirectKey, vppStnRuleKey } from './keys.js';
import { type Item, NODE_OWNER } from './model.js';
import { hostInterconnectLinuxName, hostInterconnectVppName, STN_HOST_MAC } from './naming.js';

const owner = NODE_OWNER;

/** STN is on when any steal option is set (global or this node's entry). */
export function isStnMode(config: Config): boolean {
  return config.stealFirstNIC || config.stealInterface !== '' || (config.thisNodeConfig?.stealInterface ?? '') !== '';
}

/** First and last usable addresses of a network (network/broadcast excluded above 2 addresses). */
export function usableRange(cidr: string): { first: string; last: string } {
  const net = parseCidr(cidr);
  const size = sizeOf(net.len);
  const skip = size > 2 ? 1 : 0;
  return { first: formatIPv4(net.base + skip), last: formatIPv4(net.base + size - 1 - skip) };
}

/**
 * Gateway for host routes in STN mode: the static default gateway; else the first usable
 * address of the node network, or the last one if the first is the node IP itself.
 */
export function stnGateway(input: LocalNodeInput): string | undefined {
  if (input.defaultGateway) return input.defaultGateway;
  const nodeIP = input.addressing.nodeIP;
  if (nodeIP === undefined) return undefined;
  const r = usableRange(nodeIP);
  return parseIPv4(r.first) === parseIPv4(ipOf(nodeIP)) ? r.last : r.first;
}

/** STN rule or punt redirect, proxy ARP, the v2 static ARP, and the STN daemon's routes. */
export function stnItems(config: Config, input: LocalNodeInput): Item[] {
  const vppIf = hostInterconnectVppName(config.interfaceMode);
  const linuxIf = hostInterconnectLinuxName(config.interfaceMode);
  const nodeIP = input.addressing.nodeIP;
  const out: Item[] = [];
  if (nodeIP !== undefined) {
    const ip = ipOf(nodeIP);
    if (config.stnVersion === 2) {
      out.push(item('vpp-punt-redirect', vppPuntRedirectKey('ALL', vppIf), { l3_protocol: 'ALL', tx_interface: vppIf, next_hop: ip },
        [vppInterfaceKey(vppIf)], owner));
      out.push(vppArp({ interface: vppIf, ip_address: ip, phys_address: STN_HOST_MAC, static: true }, owner));
    } else {
      out.push(item('vpp-stn-rule', vppStnRuleKey(vppIf, ip), { ip_address: ip, interface: vppIf }, [vppInterfaceKey(vppIf)], owner));
    }
    const r = usableRange(nodeIP);
    out.push(item('vpp-proxyarp', VPP_PROXY_ARP_KEY,
      { interfaces: [{ name: vppIf }], ranges: [{ first_ip_addr: r.first, last_ip_addr: r.last }] }, [vppInterfaceKey(vppIf)], owner));
  }
  for (const route of input.stnRoutes ?? []) {
    if (!route.nextHop) continue;
    const dst = route.destination || '0.0.0.0/0';
    if (input.nicName !== '') {
      out.push(vppRoute({ vrf_id: config.mainVRFID, dst_network: dst, next_hop_addr: route.nextHop, outgoing_interface: input.nicName }, owner));
    }
    out.push(linuxRoute({ outgoing_interface: linuxIf, scope: 'GLOBAL', dst_network: dst, gw_addr: route.nextHop }, owner));
  }
  return out;
}

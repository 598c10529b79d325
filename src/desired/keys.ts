/**
 * Item keys. Base items use the vpp-agent v2.1 `models.Key` scheme (spec ipnet-behaviour §6)
 * so operators and the original's docs recognise them; derived values use vpp-agent's
 * un-prefixed `vpp/...` style, which never collides with a `config/...` key.
 */

/** Network address form of a CIDR (`10.1.1.5/24` → `10.1.1.0/24`); cheap, no parser objects. */
export function networkOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  if (slash < 0) return `${cidr}/32`;
  const len = Number(cidr.slice(slash + 1));
  if (len >= 32) return cidr;
  const parts = cidr.slice(0, slash).split('.');
  let v = 0;
  for (const p of parts) v = v * 256 + Number(p);
  const masked = len === 0 ? 0 : (v - (v % 2 ** (32 - len)));
  return `${Math.floor(masked / 16777216) % 256}.${Math.floor(masked / 65536) % 256}.${Math.floor(masked / 256) % 256}.${masked % 256}/${len}`;
}

/** Address part of a CIDR (`192.168.16.1/24` → `192.168.16.1`). */
export function ipOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** Prefix length of a CIDR (32 when absent). */
export function lenOf(cidr: string): number {
  const slash = cidr.indexOf('/');
  return slash < 0 ? 32 : Number(cidr.slice(slash + 1));
}

/** Key of a VPP interface. */
export function vppInterfaceKey(name: string): string {
  return `config/vpp/v2/interfaces/${name}`;
}

/** Key of a Linux interface. */
export function linuxInterfaceKey(name: string): string {
  return `config/linux/interfaces/v2/interface/${name}`;
}

/** Key of a VPP route; the destination is normalised to its network address. */
export function vppRouteKey(vrf: number, dst: string, nextHop: string): string {
  const net = networkOf(dst);
  return `config/vpp/v2/route/vrf/${vrf}/dst/${net}/gw/${nextHop}`;
}

/** Key of a static VPP ARP entry. */
export function vppArpKey(iface: string, ip: string): string {
  return `config/vpp/v2/arp/${iface}/${ip}`;
}

/** Key of the global proxy ARP item. */
export const VPP_PROXY_ARP_KEY = 'config/vpp/v2/proxyarp-global';
/** Key of the global IP neighbor scan item. */
export const VPP_IP_SCAN_NEIGH_KEY = 'config/vpp/v2/ipscanneigh-global';

/** Key of a VPP VRF table (IPv4 only). */
export function vppVrfTableKey(id: number): string {
  return `config/vpp/v2/vrf-table/id/${id}/protocol/IPV4`;
}

/** Key of a bridge domain. */
export function vppBridgeDomainKey(name: string): string {
  return `config/vpp/l2/v2/bridge-domain/${name}`;
}

/** Key of a static L2 FIB entry. */
export function vppL2FibKey(bd: string, mac: string): string {
  return `config/vpp/l2/v2/fib/${bd}/mac/${mac}`;
}

/** Key of a Linux route. */
export function linuxRouteKey(dst: string, iface: string): string {
  return `config/linux/l3/v2/route/${networkOf(dst)}/${iface}`;
}

/** Key of a Linux static ARP entry. */
export function linuxArpKey(iface: string, ip: string): string {
  return `config/linux/l3/v2/arp/${iface}/${ip}`;
}

/** Key of an STN rule. */
export function vppStnRuleKey(iface: string, ip: string): string {
  return `config/vpp/stn/v2/rule/${iface}/ip/${ip}`;
}

/** Key of an IP punt redirect. */
export function vppPuntRedirectKey(proto: string, tx: string): string {
  return `config/vpp/punt/v2/ipredirect/l3/${proto}/tx/${tx}`;
}

/** Derived key: interface bound to a VRF. */
export function vppInterfaceVrfKey(iface: string, vrf: number): string {
  return `vpp/interface/${iface}/vrf/${vrf}/ip-version/v4`;
}

/** Derived key: one static address of an interface. */
export function vppInterfaceAddressKey(iface: string, address: string): string {
  return `vpp/interface/${iface}/address/static/${address}`;
}

/** Derived key: interface unnumbered setting. */
export function vppUnnumberedKey(iface: string): string {
  return `vpp/interface/unnumbered/${iface}`;
}

/** Derived key: DHCP client on an interface. */
export function vppDhcpClientKey(iface: string): string {
  return `vpp/interface/dhcp-client/${iface}`;
}

/** Derived key: one bridge-domain member. */
export function vppBdMemberKey(bd: string, iface: string): string {
  return `vpp/bd/${bd}/interface/${iface}`;
}

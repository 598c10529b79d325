/**
 * Interface handlers of the simulator (interface.api): admin state, addresses, VRF binding,
 * MTU, rx mode, MAC, tag, unnumbered — each returning the retval VPP 24.02 returns.
 */
import { ZERO_MAC, isIp6, type Prefix } from './addr.js';
import type { SimInterface } from './model.js';
import { RV } from './retval.js';
import type { SimState } from './state.js';

/** Whether the interface has a MAC (Ethernet class); TUN, L3 VXLAN and local0 do not. */
export function isEthernet(iface: SimInterface): boolean {
  return iface.kind !== 'local' && iface.mac !== ZERO_MAC;
}

/** Whether an interface can forward IP: it has an address or borrows one. */
export function isIpEnabled(iface: SimInterface, ip6: boolean): boolean {
  return iface.unnumberedTo !== undefined || iface.addresses.some((a) => isIp6(a.address) === ip6);
}

/** sw_interface_set_flags: only ADMIN_UP is read; admin state drives link state of virtual drivers. */
export function setFlags(s: SimState, swIfIndex: number, flags: number): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  const up = (flags & 1) !== 0;
  if (iface.adminUp === up) return RV.OK;
  iface.adminUp = up;
  const followsAdmin = iface.kind !== 'local';
  if (up) {
    if (followsAdmin) iface.linkUp = true;
    s.event(swIfIndex, { adminUp: true, linkUp: iface.linkUp });
  } else {
    if (followsAdmin) iface.linkUp = false;
    s.dropDynamicNeighbors(swIfIndex);
    s.event(swIfIndex, {});
  }
  return RV.OK;
}

/** sw_interface_add_del_address, including the per-VRF overlap check that makes add non-idempotent. */
export function addDelAddress(s: SimState, swIfIndex: number, isAdd: boolean, delAll: boolean, prefix: Prefix): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (swIfIndex === 0) return RV.UNSUPPORTED;
  if (delAll) {
    for (const a of iface.addresses) s.addressIndex.remove(iface, a);
    iface.addresses = [];
    return RV.OK;
  }
  const ip6 = isIp6(prefix.address);
  if (prefix.len > (ip6 ? 128 : 32)) return RV.INVALID_VALUE;
  if (!isAdd) {
    const at = iface.addresses.findIndex((a) => a.address === prefix.address && a.len === prefix.len);
    if (at < 0) return RV.ADDRESS_NOT_FOUND_FOR_INTERFACE;
    s.addressIndex.remove(iface, prefix);
    iface.addresses.splice(at, 1);
    return RV.OK;
  }
  for (const { iface: other, prefix: a } of s.addressIndex.overlapping(ip6 ? iface.table6 : iface.table4, prefix)) {
    // one interface may carry several addresses of the same subnet
    if (other === iface && a.len === prefix.len && a.address !== prefix.address) continue;
    return RV.ADDRESS_IN_USE;
  }
  const held = { ...prefix };
  iface.addresses.push(held);
  s.addressIndex.add(iface, held);
  return RV.OK;
}

/** sw_interface_set_table: the VRF must exist and the interface must not hold addresses of that family. */
export function setTable(s: SimState, swIfIndex: number, ip6: boolean, vrfId: number): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (s.table(ip6, vrfId) === undefined) return RV.NO_SUCH_FIB;
  if ((ip6 ? iface.table6 : iface.table4) === vrfId) return RV.OK;
  if (isIpEnabled(iface, ip6)) return RV.ADDRESS_FOUND_FOR_INTERFACE;
  s.bindTable(iface, ip6, vrfId);
  s.collectTables();
  return RV.OK;
}

/** sw_interface_get_table. */
export function getTable(s: SimState, swIfIndex: number, ip6: boolean): { retval: number; vrfId: number } {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return { retval: RV.INVALID_SW_IF_INDEX, vrfId: 0 };
  return { retval: RV.OK, vrfId: ip6 ? iface.table6 : iface.table4 };
}

/** sw_interface_set_mtu: per-protocol software MTUs [L3, IP4, IP6, MPLS]. */
export function setSwMtu(s: SimState, swIfIndex: number, mtu: readonly number[]): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  iface.mtu = [mtu[0] ?? 0, mtu[1] ?? 0, mtu[2] ?? 0, mtu[3] ?? 0];
  return RV.OK;
}

/** hw_interface_set_mtu: device max frame, Ethernet-class hardware interfaces only. */
export function setHwMtu(s: SimState, swIfIndex: number, mtu: number): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (!isEthernet(iface)) return RV.FEATURE_DISABLED;
  iface.linkMtu = mtu;
  iface.mtu = [mtu, 0, 0, 0];
  return RV.OK;
}

/** sw_interface_set_rx_mode: only drivers with rx queues (tap, af_packet) accept it. */
export function setRxMode(s: SimState, swIfIndex: number, mode: number): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (iface.kind === 'local' || iface.kind === 'loopback' || iface.kind === 'vxlan') return RV.UNIMPLEMENTED;
  if (mode > 4) return RV.INVALID_VALUE;
  iface.rxMode = mode;
  return RV.OK;
}

/** sw_interface_set_mac_address: drivers without a MAC refuse. */
export function setMac(s: SimState, swIfIndex: number, mac: string): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (!isEthernet(iface) || iface.kind === 'vxlan') return RV.UNIMPLEMENTED;
  iface.mac = mac;
  return RV.OK;
}

/** sw_interface_tag_add_del: tags are how agents find their objects after a restart. */
export function tagAddDel(s: SimState, swIfIndex: number, isAdd: boolean, tag: string): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (isAdd && tag === '') return RV.INVALID_VALUE;
  iface.tag = isAdd ? tag.slice(0, 63) : '';
  return RV.OK;
}

/**
 * sw_interface_set_unnumbered. Field names are VPP's: `ipIf` has the address, `borrower`
 * borrows it; both must share v4 and v6 tables (since 22.02).
 */
export function setUnnumbered(s: SimState, ipIf: number, borrower: number, isAdd: boolean): number {
  const b = s.iface(borrower);
  if (b === undefined) return RV.INVALID_SW_IF_INDEX;
  if (!isAdd) {
    s.setUnnumbered(borrower, undefined);
    return RV.OK;
  }
  const owner = s.iface(ipIf);
  if (owner === undefined) return RV.INVALID_SW_IF_INDEX_2;
  if (owner.table4 !== b.table4 || owner.table6 !== b.table6) return RV.UNEXPECTED_INTF_STATE;
  s.setUnnumbered(borrower, ipIf);
  return RV.OK;
}

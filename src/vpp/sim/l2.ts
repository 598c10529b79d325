/**
 * Bridge domains and the L2 FIB (l2.api): explicit and implicit BD creation, one BVI per
 * BD, split-horizon groups, static MACs (vpp-api.md §2.8).
 */
import { NONE, RV } from './retval.js';
import { isEthernet } from './interfaces.js';
import { fibDelete, fibFlushPort, fibSet } from './l2fib.js';
import { lowestFree, type SimBridgeDomain } from './model.js';
import { newBridgeDomain, type SimState } from './state.js';

const MAX_BD_ID = 16_777_215;

/** The flag part of bridge_domain_add_del(_v2): a bridge domain without its L2 FIB. */
export type BdIn = Omit<SimBridgeDomain, 'fib' | 'fibByPort'>;

/** Members of a BD, in sw_if_index order. */
export function bdMembers(s: SimState, bdId: number): { swIfIndex: number; shg: number; bvi: boolean }[] {
  return [...s.interfaces.values()]
    .filter((i) => i.l2?.bdId === bdId)
    .map((i) => ({ swIfIndex: i.swIfIndex, shg: i.l2?.shg ?? 0, bvi: i.l2?.bvi ?? false }))
    .sort((a, b) => a.swIfIndex - b.swIfIndex);
}

/** bridge_domain_add_del(_v2): `~0` on add picks a free id; BD 0 always exists and cannot go. */
export function bdAddDel(s: SimState, isAdd: boolean, req: BdIn): { retval: number; bdId: number } {
  if (isAdd) {
    let id = req.bdId;
    if (id === NONE) id = lowestFree(s.bds.keys(), 1);
    else if (id > MAX_BD_ID) return { retval: RV.BD_ID_EXCEED_MAX, bdId: id };
    if (id > MAX_BD_ID) return { retval: RV.EAGAIN, bdId: NONE };
    if (s.bds.has(id)) return { retval: RV.BD_ALREADY_EXISTS, bdId: id };
    s.bds.set(id, newBridgeDomain(id, req));
    return { retval: RV.OK, bdId: id };
  }
  if (req.bdId === 0) return { retval: RV.BD_NOT_MODIFIABLE, bdId: 0 };
  if (!s.bds.has(req.bdId)) return { retval: RV.NO_SUCH_ENTRY, bdId: req.bdId };
  if (bdMembers(s, req.bdId).length > 0) return { retval: RV.BD_IN_USE, bdId: req.bdId };
  s.bds.delete(req.bdId);
  return { retval: RV.OK, bdId: req.bdId };
}

/** sw_interface_set_l2_bridge: enable creates the BD if needed; disable returns the port to L3. */
export function setL2Bridge(s: SimState, swIfIndex: number, bdId: number, bvi: boolean, shg: number, enable: boolean): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  if (!enable) {
    leaveBridge(s, swIfIndex);
    return RV.OK;
  }
  if (!isEthernet(iface)) return RV.NON_ETHERNET;
  if (bdId > MAX_BD_ID) return RV.BD_ID_EXCEED_MAX;
  if (bvi && bdMembers(s, bdId).some((m) => m.bvi && m.swIfIndex !== swIfIndex)) return RV.BD_ALREADY_HAS_BVI;
  leaveBridge(s, swIfIndex);
  let bd = s.bds.get(bdId);
  if (bd === undefined) {
    bd = newBridgeDomain(bdId, {});
    s.bds.set(bdId, bd);
  }
  iface.l2 = { bdId, shg, bvi };
  // VPP installs the BVI's own MAC as a static BVI entry so frames for it reach L3
  if (bvi) fibSet(bd, { mac: iface.mac, swIfIndex, ifUid: iface.uid, staticMac: true, filterMac: false, bviMac: true });
  return RV.OK;
}

/** Takes an interface out of its BD (with its BVI MAC and learned MACs), as VPP does on L3 mode. */
export function leaveBridge(s: SimState, swIfIndex: number): void {
  const iface = s.iface(swIfIndex);
  if (iface?.l2 === undefined) return;
  const bd = s.bds.get(iface.l2.bdId);
  if (bd !== undefined) fibFlushPort(bd, swIfIndex);
  iface.l2 = undefined;
}

/** The request part of l2fib_add_del. */
export interface L2FibIn {
  mac: string;
  bdId: number;
  swIfIndex: number;
  staticMac: boolean;
  filterMac: boolean;
  bviMac: boolean;
}

/** l2fib_add_del: the BD must exist, an added MAC must point at a bridged interface. */
export function l2fibAddDel(s: SimState, isAdd: boolean, req: L2FibIn): number {
  const bd = s.bds.get(req.bdId);
  if (bd === undefined) return RV.NO_SUCH_ENTRY;
  if (!isAdd) {
    if (!fibDelete(bd, req.mac)) return RV.NO_SUCH_ENTRY;
    return RV.OK;
  }
  let ifUid: number | undefined;
  if (!req.filterMac) {
    const iface = s.iface(req.swIfIndex);
    if (iface === undefined || iface.l2 === undefined) return RV.INVALID_SW_IF_INDEX;
    ifUid = iface.uid;
  }
  fibSet(bd, { ...req, ifUid, swIfIndex: req.filterMac ? NONE : req.swIfIndex });
  return RV.OK;
}

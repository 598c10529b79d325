/**
 * Neighbour table (ip_neighbor.api) and proxy ARP (arp.api), with the 24.02 quirks:
 * static entries are never demoted, survive interface deletion, and deletes are strict.
 */
import { addressToBigint, isIp6 } from './addr.js';
import { RV } from './retval.js';
import type { SimState } from './state.js';

/** ip_neighbor_flags bits. */
export const NEIGHBOR_FLAG = { STATIC: 1, NO_FIB_ENTRY: 2 } as const;

/** Map key of a neighbour entry. */
export function neighborKey(swIfIndex: number, ip: string): string {
  return `${swIfIndex}|${ip}`;
}

/** The neighbour request's fields. */
export interface NeighborIn {
  swIfIndex: number;
  flags: number;
  mac: string;
  ip: string;
}

/** ip_neighbor_add_del. */
export function neighborAddDel(s: SimState, isAdd: boolean, n: NeighborIn): { retval: number; statsIndex: number } {
  const iface = s.iface(n.swIfIndex);
  if (iface === undefined) return { retval: RV.INVALID_SW_IF_INDEX, statsIndex: 0 };
  const key = neighborKey(n.swIfIndex, n.ip);
  const cur = s.neighbors.get(key);
  const isStatic = (n.flags & NEIGHBOR_FLAG.STATIC) !== 0;
  if (!isAdd) {
    if (cur === undefined) return { retval: RV.NO_SUCH_ENTRY, statsIndex: 0 };
    s.deleteNeighbor(key);
    return { retval: RV.OK, statsIndex: 0 };
  }
  if (cur !== undefined && cur.isStatic && !isStatic) {
    // a dynamic add never demotes a static entry; a different MAC is refused with a bare −2
    return { retval: cur.mac === n.mac ? RV.OK : -2, statsIndex: 0 };
  }
  const family = isIp6(n.ip) ? 6 : 4;
  // counting one family means a scan of the table: only needed once the whole table could be at the limit
  if (cur === undefined && s.neighbors.size >= s.neighborConfig[family].maxNumber) {
    const count = [...s.neighbors.values()].filter((e) => isIp6(e.ip) === (family === 6)).length;
    if (count >= s.neighborConfig[family].maxNumber) return { retval: RV.LIMIT_EXCEEDED, statsIndex: 0 };
  }
  s.setNeighbor(key, {
    swIfIndex: n.swIfIndex, ifUid: iface.uid, ip: n.ip, mac: n.mac,
    isStatic: isStatic || (cur?.isStatic ?? false),
    noFibEntry: (n.flags & NEIGHBOR_FLAG.NO_FIB_ENTRY) !== 0,
    updatedAt: s.now(),
  });
  return { retval: RV.OK, statsIndex: 0 };
}

/** ip_neighbor_config: per-family limits; there is no scanning any more. */
export function neighborConfig(s: SimState, ip6: boolean, maxNumber: number, maxAge: number, recycle: boolean): number {
  s.neighborConfig[ip6 ? 6 : 4] = { maxNumber, maxAge, recycle };
  return RV.OK;
}

/** proxy_arp_add_del: the range is answered in FIB `tableId`, which must exist. */
export function proxyArpAddDel(s: SimState, isAdd: boolean, tableId: number, low: string, hi: string): number {
  if (s.table(false, tableId) === undefined) return RV.NO_SUCH_FIB;
  const at = s.proxyArpRanges.findIndex((r) => r.tableId === tableId && r.low === low && r.hi === hi);
  if (isAdd) {
    if (at < 0) s.proxyArpRanges.push({ tableId, low, hi });
    return RV.OK;
  }
  if (at < 0) return RV.NO_SUCH_ENTRY;
  s.proxyArpRanges.splice(at, 1);
  return RV.OK;
}

/** proxy_arp_intfc_enable_disable: idempotent per interface. */
export function proxyArpIntfc(s: SimState, swIfIndex: number, enable: boolean): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined) return RV.INVALID_SW_IF_INDEX;
  iface.proxyArp = enable;
  return RV.OK;
}

/** Whether VPP would answer an ARP request for `ip` arriving on `swIfIndex`. */
export function proxyArpAnswers(s: SimState, swIfIndex: number, ip: string): boolean {
  const iface = s.iface(swIfIndex);
  if (iface === undefined || !iface.proxyArp) return false;
  const v = addressToBigint(ip);
  return s.proxyArpRanges.some((r) => r.tableId === iface.table4 && addressToBigint(r.low) <= v && v <= addressToBigint(r.hi));
}

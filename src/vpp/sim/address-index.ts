/**
 * Interface addresses by VRF (per family) and prefix length, so the overlap check of an
 * address add looks at the addresses that can overlap instead of at every address of every
 * interface (n adds in one VRF were O(n²)). An address of length L overlaps a prefix p when
 * p's network at length L is the address's network (L ≤ p.len), or p contains it (L > p.len).
 */
import { isIp6, networkOf, prefixContains, type Prefix } from './addr.js';
import type { SimInterface } from './model.js';
import { tableKey } from './table-refs.js';

/** One address as an interface holds it. */
export interface HeldAddress {
  readonly iface: SimInterface;
  readonly prefix: Prefix;
}

/** The addresses of live interfaces, indexed for the overlap check. */
export class AddressIndex {
  /** table key → prefix length → network text → addresses */
  private readonly byTable = new Map<string, Map<number, Map<string, HeldAddress[]>>>();

  private tableOf(iface: SimInterface, prefix: Prefix): string {
    const ip6 = isIp6(prefix.address);
    return tableKey(ip6, ip6 ? iface.table6 : iface.table4);
  }

  /** Records an address the interface now holds (its VRF cannot change while it does). */
  add(iface: SimInterface, prefix: Prefix): void {
    const key = this.tableOf(iface, prefix);
    let lengths = this.byTable.get(key);
    if (lengths === undefined) {
      lengths = new Map();
      this.byTable.set(key, lengths);
    }
    let nets = lengths.get(prefix.len);
    if (nets === undefined) {
      nets = new Map();
      lengths.set(prefix.len, nets);
    }
    const net = networkOf(prefix);
    const list = nets.get(net);
    if (list === undefined) nets.set(net, [{ iface, prefix }]);
    else list.push({ iface, prefix });
  }

  /** Forgets an address (deleted, or its interface is gone). */
  remove(iface: SimInterface, prefix: Prefix): void {
    const lengths = this.byTable.get(this.tableOf(iface, prefix));
    const nets = lengths?.get(prefix.len);
    const net = networkOf(prefix);
    const list = nets?.get(net);
    if (lengths === undefined || nets === undefined || list === undefined) return;
    const at = list.findIndex((h) => h.iface === iface && h.prefix.address === prefix.address);
    if (at >= 0) list.splice(at, 1);
    if (list.length > 0) return;
    nets.delete(net);
    if (nets.size === 0) lengths.delete(prefix.len);
  }

  /** Every address in VRF `vrfId` of `prefix`'s family that overlaps `prefix`. */
  overlapping(vrfId: number, prefix: Prefix): HeldAddress[] {
    const lengths = this.byTable.get(tableKey(isIp6(prefix.address), vrfId));
    if (lengths === undefined) return [];
    const out: HeldAddress[] = [];
    for (const [len, nets] of lengths) {
      if (len <= prefix.len) {
        const hit = nets.get(networkOf({ address: prefix.address, len }));
        if (hit !== undefined) out.push(...hit);
        continue;
      }
      for (const list of nets.values()) for (const h of list) if (prefixContains(prefix, h.prefix.address)) out.push(h);
    }
    return out;
  }
}

/**
 * Bridge domains, members and static L2 FIB entries back into items. A BD is ipnet's when
 * it carries a tag (its name); members and entries are reported when their interface is
 * tagged. The BVI's own MAC (VPP adds it when the BVI joins), learned and filter entries
 * are VPP's, not items.
 */
import type { VppChannel } from '../api/channel.js';
import { dumpBridgeDomains, dumpL2Fib, type BridgeDomainDetails, type L2FibEntry } from '../api/l2.js';
import type { NameIndex } from '../api/names.js';
import { bdMember, vppBridgeDomain, vppL2Fib } from '../../desired/items.js';
import type { ItemSet } from '../../desired/itemset.js';
import { vppBdMemberKey, vppBridgeDomainKey, vppL2FibKey } from '../../desired/keys.js';
import { NODE_OWNER, type Item, type VppBridgeDomainMemberValue, type VppL2FibValue } from '../../desired/model.js';
import { adopt, adoptAs, desiredTwin } from './adopt.js';

/** Bridge domains and the L2 FIB, as VPP reports them. */
export interface L2Dump {
  readonly bds: readonly BridgeDomainDetails[];
  readonly fib: readonly L2FibEntry[];
}

/** Reads BDs and the L2 FIB (needs nothing from the other dumps, so it runs beside them). */
export async function dumpL2(ch: VppChannel): Promise<L2Dump> {
  const [bds, fib] = await Promise.all([dumpBridgeDomains(ch), dumpL2Fib(ch)]);
  return { bds, fib };
}

/** BDs (recording their ids in the index), members and static FIB entries into items. */
export function retrieveL2({ bds, fib }: L2Dump, index: NameIndex, correlate: ItemSet | undefined): Item[] {
  const out: Item[] = [];
  const names = new Map<number, string>();
  for (const b of bds) {
    if (b.tag === '') continue;
    names.set(b.bdId, b.tag);
    index.setBd(b.tag, b.bdId);
    out.push(adopt(vppBridgeDomain({ name: b.tag, learn: b.learn, forward: b.forward, flood: b.flood, unknown_unicast_flood: b.uuFlood }, NODE_OWNER), correlate));
    const bdKey = vppBridgeDomainKey(b.tag);
    for (const m of b.members) {
      const name = index.ifName(m.swIfIndex);
      if (name === undefined) continue;
      const bvi = m.swIfIndex === b.bvi;
      const want = correlate?.get(vppBdMemberKey(b.tag, name));
      const value: VppBridgeDomainMemberValue = { bridge_domain: b.tag, name, bridged_virtual_interface: bvi, split_horizon_group: m.shg };
      out.push(desiredTwin(want, 'vpp-bd-member', value, bdKey) ?? adoptAs(bdMember(b.tag, name, bvi, m.shg, NODE_OWNER), want));
    }
  }
  for (const e of fib) {
    const bd = names.get(e.bdId);
    const name = index.ifName(e.swIfIndex);
    if (bd === undefined || name === undefined || !e.isStatic || e.bviMac || e.filterMac) continue;
    const value: VppL2FibValue = {
      bridge_domain: bd, phys_address: e.mac, outgoing_interface: name, static_config: true, bridged_virtual_interface: false, action: 'FORWARD',
    };
    const want = correlate?.get(vppL2FibKey(bd, e.mac));
    out.push(desiredTwin(want, 'vpp-l2fib', value) ?? adoptAs(vppL2Fib(value, NODE_OWNER), want));
  }
  return out;
}

/**
 * VPP items and Linux items share one desired set, but this layer only talks to VPP. The
 * Linux side (`linux-*` kinds) is created and read back by src/linux; here those items are
 * only dependencies. `planVpp` plans the VPP part: desired VPP items against what retrieve
 * found, with the Linux items the Linux layer reports standing in as present, and never
 * plans a Linux op (a Linux item is neither created nor deleted through VPP).
 */
import { ownedByIpnet } from '../../desired/descriptors.js';
import { ItemSet } from '../../desired/itemset.js';
import type { Item } from '../../desired/model.js';
import { plan, planDelta, type Plan } from '../../desired/plan.js';
import type { TapHostHint } from './context.js';

/** Whether an item is realised in VPP (as opposed to Linux). */
export function isVppItem(it: Item): boolean {
  return it.kind.startsWith('vpp-');
}

/** The VPP items of a set. */
export function vppItems(set: ItemSet): ItemSet {
  const out = new ItemSet();
  for (const it of set) if (isVppItem(it)) out.put(it);
  return out;
}

/** Deletion rule for VPP plans: ipnet's own VPP items only. */
export function ownsVpp(it: Item): boolean {
  return isVppItem(it) && ownedByIpnet(it);
}

function sets(desired: ItemSet, actualVpp: ItemSet, linux: Iterable<Item>): { d: ItemSet; a: ItemSet } {
  const a = actualVpp.clone();
  for (const it of linux) if (!isVppItem(it)) a.put(it);
  return { d: vppItems(desired), a };
}

/** Full VPP plan; `linux` = Linux items known to exist (dependencies of AF_PACKETs). */
export function planVpp(desired: ItemSet, actualVpp: ItemSet, linux: Iterable<Item> = []): Plan {
  const { d, a } = sets(desired, actualVpp, linux);
  return plan(d, a, { owns: ownsVpp });
}

/** VPP plan restricted to changed keys (one pod's or peer's transaction). */
export function planVppDelta(changed: Iterable<string>, desired: ItemSet, actualVpp: ItemSet, linux: Iterable<Item> = []): Plan {
  const { d, a } = sets(desired, actualVpp, linux);
  return planDelta(changed, d, a, { owns: ownsVpp });
}

/** Host-side TAP placement from the desired Linux TAP_TO_VPP items (name inside the netns, netns). */
export function tapHostsFrom(desired: ItemSet): (vppName: string) => TapHostHint | undefined {
  const byVpp = new Map<string, TapHostHint>();
  for (const it of desired) {
    if (it.kind !== 'linux-interface' || it.value.tap === undefined) continue;
    byVpp.set(it.value.tap.vpp_tap_if_name, { hostIfName: it.value.host_if_name, namespace: it.value.namespace?.reference });
  }
  return (name) => byVpp.get(name);
}

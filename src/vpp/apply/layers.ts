/**
 * VPP items and Linux items share one desired set, but this layer only talks to VPP. The
 * Linux side (`linux-*` kinds) is created and read back by src/linux; here those items are
 * only dependencies. `planVpp` plans the VPP part: desired VPP items against what retrieve
 * found, with the Linux items the Linux layer reports standing in as present, and never
 * plans a Linux op (a Linux item is neither created nor deleted through VPP).
 * `planVppDelta` sees the sets through filtered views, so one pod's plan costs O(its keys)
 * however many items the node holds; the full `planVpp` (resync) plans every key through them.
 */
import { ownedByIpnet } from '../../desired/descriptors.js';
import { ItemSet } from '../../desired/itemset.js';
import type { Item } from '../../desired/model.js';
import { vppInterfaceKey } from '../../desired/keys.js';
import { planDelta, type ItemView, type Plan } from '../../desired/plan.js';
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

/**
 * Full VPP plan; `linux` = Linux items known to exist (dependencies of AF_PACKETs). Every key
 * of either side is planned, through the same views as the delta plan: copying the desired
 * VPP items and the actual set first (~8,000 items each at 250 pods + 1,000 peers) was a third
 * of a start-up resync's planning.
 */
export function planVpp(desired: ItemSet, actualVpp: ItemSet, linux: Iterable<Item> = []): Plan {
  const present = new ItemSet();
  for (const it of linux) if (!isVppItem(it)) present.put(it);
  const keys = new Set<string>();
  for (const it of desired) if (isVppItem(it)) keys.add(it.key);
  for (const k of actualVpp.keys()) keys.add(k);
  for (const k of present.keys()) keys.add(k);
  return planDelta(keys, vppItemsOf(desired), overlay(actualVpp, present), { owns: ownsVpp });
}

/**
 * VPP plan restricted to changed keys (one pod's or peer's transaction). `linux`: Linux
 * items known to exist, looked up by key (e.g. `linuxItemsOf(desired)`).
 */
export function planVppDelta(changed: Iterable<string>, desired: ItemView, actualVpp: ItemView, linux: ItemView = NOTHING): Plan {
  return planDelta(changed, vppItemsOf(desired), overlay(actualVpp, linux), { owns: ownsVpp });
}

const NOTHING: ItemView = { get: () => undefined, has: () => false, dependents: () => [] };

/** The VPP items of a set, as a view. */
export function vppItemsOf(set: ItemView): ItemView {
  return new Filtered(set, true);
}

/** The Linux items of a set, as a view. */
export function linuxItemsOf(set: ItemView): ItemView {
  return new Filtered(set, false);
}

// Views are classes rather than objects of closures: a pod's plan makes several, and their
// methods then cost nothing per view
class Filtered implements ItemView {
  constructor(
    private readonly set: ItemView,
    private readonly vpp: boolean,
  ) {}

  get(k: string): Item | undefined {
    const it = this.set.get(k);
    return it !== undefined && isVppItem(it) === this.vpp ? it : undefined;
  }

  has(k: string): boolean {
    return this.get(k) !== undefined;
  }

  *dependents(k: string): Iterable<string> {
    for (const d of this.set.dependents(k)) if (this.get(d) !== undefined) yield d;
  }
}

/** `base` with `extra`'s items added where `base` has none (as `put` into a copy would). */
function overlay(base: ItemView, extra: ItemView): ItemView {
  return extra === NOTHING ? base : new Overlay(base, extra);
}

class Overlay implements ItemView {
  constructor(
    private readonly base: ItemView,
    private readonly extra: ItemView,
  ) {}

  get(k: string): Item | undefined {
    return this.extra.get(k) ?? this.base.get(k);
  }

  has(k: string): boolean {
    return this.extra.has(k) || this.base.has(k);
  }

  dependents(k: string): Iterable<string> {
    const a = this.base.dependents(k);
    let b: string[] | undefined;
    for (const d of this.extra.dependents(k)) if (!this.base.has(d)) (b ??= []).push(d);
    return b === undefined ? a : [...a, ...b];
  }
}

/**
 * Host-side TAP placement from the desired Linux TAP_TO_VPP items (name inside the netns,
 * netns). Every builder makes such an item depend on its VPP TAP's key, so the hint is found
 * by that key's dependents instead of scanning the set.
 */
export function tapHostsFrom(desired: ItemView): (vppName: string) => TapHostHint | undefined {
  return (name) => {
    for (const k of desired.dependents(vppInterfaceKey(name))) {
      const it = desired.get(k);
      if (it?.kind !== 'linux-interface' || it.value.tap?.vpp_tap_if_name !== name) continue;
      return { hostIfName: it.value.host_if_name, namespace: it.value.namespace?.reference };
    }
    return undefined;
  };
}

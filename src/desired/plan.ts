/**
 * The pure planner: desired vs actual item sets → ordered operations. Deletes come first in
 * reverse dependency order, then creates and updates in dependency order; ops sharing a
 * `step` are independent and may be pipelined. An item whose dependency is neither desired
 * nor present waits (pending) instead of failing. Cost is proportional to the keys looked
 * at, so `planDelta` for one pod is independent of cluster size.
 *
 * How the connection actor uses it: keep one `desired` and one `actual` ItemSet; on a pod
 * add/remove, `changed = desired.replaceOwner(podOwner(ns, name), items or [])`, then
 * `planDelta(changed, desired, actual)`, apply step by step, `recordApplied(actual, done)`.
 * On resync: rebuild `desired`, retrieve `actual`, `plan(desired, actual)`.
 */
import { needsRecreate, ownedByIpnet, satisfies } from './descriptors.js';
import type { ItemSet } from './itemset.js';
import { vppInterfaceKey } from './keys.js';
import type { Item, ItemKind } from './model.js';

/** One operation for apply: `item` is the new value (create/update) or the old one (delete). */
export interface Op {
  readonly step: number;
  readonly op: 'create' | 'update' | 'delete';
  readonly key: string;
  readonly kind: ItemKind;
  readonly item: Item;
  /** The value being replaced (update only). */
  readonly previous?: Item;
  /**
   * Delete only: the base item this derived value hangs off is deleted in the same plan, so
   * VPP drops it with the base and apply may skip the call (the actual set still forgets it).
   */
  readonly withBase?: true;
}

/** A desired item that cannot be created yet, and which of its dependencies are missing. */
export interface Pending {
  readonly key: string;
  readonly missing: readonly string[];
}

/** A plan: ops sorted by step (then key), and what waits. */
export interface Plan {
  readonly ops: readonly Op[];
  readonly pending: readonly Pending[];
  /** Number of steps (0 when nothing to do). */
  readonly steps: number;
}

/**
 * What the delta planner reads from a set: lookups by key and reverse dependencies, never a
 * scan, so it can be handed a filtered or overlaid view of the sets instead of a copy.
 */
export interface ItemView {
  get(key: string): Item | undefined;
  has(key: string): boolean;
  dependents(key: string): Iterable<string>;
}

/** Planner knobs. */
export interface PlanOptions {
  /** Which actual items may be deleted when not desired (default: ipnet's names, never SB origin). */
  readonly owns?: (item: Item) => boolean;
}

/** Dependencies form a cycle: a builder bug, never a runtime condition. */
export class PlanCycleError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`failed to plan: dependency cycle through ${keys.join(' -> ')}`);
    this.name = 'PlanCycleError';
  }
}

/** Full plan over every key of both sets (resync). */
export function plan(desired: ItemSet, actual: ItemSet, opts: PlanOptions = {}): Plan {
  const keys = new Set(desired.keys());
  for (const k of actual.keys()) keys.add(k);
  return planDelta(keys, desired, actual, opts);
}

/**
 * Plan restricted to `changed` keys (what `ItemSet.replaceOwner` returned) plus everything
 * they drag along: dependents of deleted/recreated items and pending items they unblock.
 */
export function planDelta(changed: Iterable<string>, desired: ItemView, actual: ItemView, opts: PlanOptions = {}): Plan {
  const owns = opts.owns ?? ownedByIpnet;
  const del = new Set<string>();
  const create = new Map<string, Item>();
  const update = new Map<string, Item>();

  const cascadeDelete = (key: string): void => {
    if (del.has(key)) return;
    del.add(key);
    update.delete(key);
    const want = desired.get(key);
    if (want !== undefined) create.set(key, want);
    for (const d of actual.dependents(key)) {
      const a = actual.get(d);
      if (a !== undefined && owns(a)) cascadeDelete(d);
    }
  };

  for (const key of changed) {
    const want = desired.get(key);
    const have = actual.get(key);
    if (want === undefined) {
      if (have !== undefined && owns(have)) cascadeDelete(key);
    } else if (have === undefined) {
      create.set(key, want);
    } else if (want !== have && !satisfies(want, have) && !del.has(key)) {
      if (needsRecreate(want, have)) cascadeDelete(key);
      else update.set(key, want);
    }
  }
  wakeDependents(create, desired, actual, del);

  const pending = findPending(create, actual, del);
  for (const p of pending) create.delete(p.key);
  return { ...order(del, create, update, actual), pending };
}

/** Desired items that were waiting on something now being created join the plan. */
function wakeDependents(create: Map<string, Item>, desired: ItemView, actual: ItemView, del: ReadonlySet<string>): void {
  const work = [...create.keys()];
  while (work.length > 0) {
    const k = work.pop() as string;
    for (const d of desired.dependents(k)) {
      if (create.has(d) || (actual.has(d) && !del.has(d))) continue;
      create.set(d, desired.get(d) as Item);
      work.push(d);
    }
  }
}

/** Items to create whose dependencies will not exist after the plan, transitively. */
function findPending(create: Map<string, Item>, actual: ItemView, del: ReadonlySet<string>): Pending[] {
  const state = new Map<string, 'visiting' | 'ok' | 'pending'>();
  const out: Pending[] = [];
  const available = (dep: string, path: string[]): boolean => {
    if (create.has(dep)) return visit(dep, path);
    return actual.has(dep) && !del.has(dep);
  };
  const visit = (key: string, path: string[]): boolean => {
    const s = state.get(key);
    if (s === 'visiting') throw new PlanCycleError([...path.slice(path.indexOf(key)), key]);
    if (s !== undefined) return s === 'ok';
    state.set(key, 'visiting');
    path.push(key);
    const it = create.get(key) as Item;
    const missing = it.deps.filter((d) => !available(d, path));
    path.pop();
    state.set(key, missing.length === 0 ? 'ok' : 'pending');
    if (missing.length > 0) out.push({ key, missing });
    return missing.length === 0;
  };
  for (const k of create.keys()) visit(k, []);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Assigns steps: delete levels from actual dependents, create/update levels from deps. */
function order(del: Set<string>, create: Map<string, Item>, update: Map<string, Item>, actual: ItemView): Omit<Plan, 'pending'> {
  const dLevel = new Map<string, number>();
  const deleteLevel = (k: string): number => {
    const known = dLevel.get(k);
    if (known !== undefined) return known;
    dLevel.set(k, 0);
    let lvl = 0;
    for (const d of actual.dependents(k)) if (del.has(d)) lvl = Math.max(lvl, deleteLevel(d) + 1);
    dLevel.set(k, lvl);
    return lvl;
  };
  let deleteSteps = 0;
  for (const k of del) deleteSteps = Math.max(deleteSteps, deleteLevel(k) + 1);

  const cLevel = new Map<string, number>();
  const createLevel = (k: string): number => {
    const known = cLevel.get(k);
    if (known !== undefined) return known;
    cLevel.set(k, 0);
    const it = (create.get(k) ?? update.get(k)) as Item;
    let lvl = 0;
    for (const d of it.deps) if (create.has(d) || update.has(d)) lvl = Math.max(lvl, createLevel(d) + 1);
    cLevel.set(k, lvl);
    return lvl;
  };

  const ops: Op[] = [];
  for (const k of del) {
    const old = actual.get(k) as Item;
    const op: Op = { step: dLevel.get(k) as number, op: 'delete', key: k, kind: old.kind, item: old };
    ops.push(goesWithBase(old, del) ? { ...op, withBase: true } : op);
  }
  let steps = deleteSteps;
  for (const [k, it] of create) {
    const step = deleteSteps + createLevel(k);
    steps = Math.max(steps, step + 1);
    ops.push({ step, op: 'create', key: k, kind: it.kind, item: it });
  }
  for (const [k, it] of update) {
    const step = deleteSteps + createLevel(k);
    steps = Math.max(steps, step + 1);
    ops.push({ step, op: 'update', key: k, kind: it.kind, item: it, previous: actual.get(k) as Item });
  }
  ops.sort((a, b) => a.step - b.step || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ops, steps };
}

/**
 * Whether VPP removes this item by itself when something else in the delete set goes:
 * an interface's VRF binding, addresses, unnumbered and DHCP client vanish with it, and so
 * does its BD membership. Static ARP and routes survive (24.02) and are deleted explicitly.
 */
function goesWithBase(it: Item, del: ReadonlySet<string>): boolean {
  if (it.kind === 'vpp-bd-member') return del.has(vppInterfaceKey(it.value.name));
  return it.kind.startsWith('vpp-interface-') && it.derivedFrom !== undefined && del.has(it.derivedFrom);
}

/** Records a fully applied plan into the actual set (in place), so the next plan starts from it. */
export function recordApplied(actual: ItemSet, ops: readonly Op[]): void {
  for (const o of ops) {
    if (o.op === 'delete') actual.delete(o.key);
    else actual.put(o.item);
  }
}

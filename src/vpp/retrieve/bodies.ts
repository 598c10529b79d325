/**
 * JSON bodies of `GET /ipnet/v1/desired` and `GET /ipnet/v1/vpp`, as pure functions of the
 * sets (the HTTP wiring lives elsewhere). Both use the same item keys, so an operator can
 * put one next to the other.
 */
import { satisfies } from '../../desired/descriptors.js';
import type { ItemSet } from '../../desired/itemset.js';
import type { Item } from '../../desired/model.js';
import type { Pending } from '../../desired/plan.js';
import type { OpOutcome } from '../apply/apply.js';

/** Where a desired item stands. */
export type DesiredState = 'applied' | 'pending' | 'failed' | 'unapplied';

/** One entry of the desired body. */
export interface DesiredEntry {
  readonly kind: Item['kind'];
  readonly owner: string;
  readonly value: unknown;
  readonly deps: readonly string[];
  readonly state: DesiredState;
  /** `pending`: dependencies neither present nor desired-and-creatable. */
  readonly missing?: readonly string[];
  /** `failed`: "failed to <op> <key>: <cause>". */
  readonly error?: string;
}

/** Body of `GET /ipnet/v1/desired`. */
export interface DesiredBody {
  readonly counts: Readonly<Record<DesiredState, number>>;
  readonly items: Readonly<Record<string, DesiredEntry>>;
}

/** What the desired body needs besides the sets: the last plan's pending list and failed ops. */
export interface DesiredStatus {
  readonly pending?: readonly Pending[];
  /** Outcomes of the last apply (only `failed` ones are used). */
  readonly outcomes?: readonly OpOutcome[];
}

/** Every desired key → value with its state against the actual set. */
export function desiredBody(desired: ItemSet, actual: ItemSet, status: DesiredStatus = {}): DesiredBody {
  const pending = new Map((status.pending ?? []).map((p) => [p.key, p.missing]));
  const failed = new Map((status.outcomes ?? []).filter((o) => o.status === 'failed').map((o) => [o.key, o.error ?? 'failed']));
  const counts: Record<DesiredState, number> = { applied: 0, pending: 0, failed: 0, unapplied: 0 };
  const items: Record<string, DesiredEntry> = {};
  for (const key of [...desired.keys()].sort()) {
    const it = desired.get(key) as Item;
    const have = actual.get(key);
    const base = { kind: it.kind, owner: it.owner, value: it.value, deps: it.deps };
    const missing = pending.get(key);
    const error = failed.get(key);
    let entry: DesiredEntry;
    if (have !== undefined && satisfies(it, have)) entry = { ...base, state: 'applied' };
    else if (error !== undefined) entry = { ...base, state: 'failed', error };
    else if (missing !== undefined) entry = { ...base, state: 'pending', missing };
    else entry = { ...base, state: 'unapplied' };
    counts[entry.state]++;
    items[key] = entry;
  }
  return { counts, items };
}

/** One entry of the VPP body. */
export interface VppEntry {
  readonly kind: Item['kind'];
  readonly value: unknown;
  /** Owner of the desired twin, or `vpp` when nothing desired has this key. */
  readonly owner: string;
  /** `sb`: found but not ipnet's (never deleted). */
  readonly origin?: 'sb';
  /** Whether the desired set has this key. */
  readonly desired: boolean;
}

/** Body of `GET /ipnet/v1/vpp`. */
export interface VppBody {
  readonly count: number;
  readonly items: Readonly<Record<string, VppEntry>>;
}

/** What retrieve found, keyed like the desired body. */
export function vppBody(found: ItemSet, desired?: ItemSet): VppBody {
  const items: Record<string, VppEntry> = {};
  for (const key of [...found.keys()].sort()) {
    const it = found.get(key) as Item;
    const base = { kind: it.kind, value: it.value, owner: it.owner, desired: desired?.has(key) ?? false };
    items[key] = it.origin === 'sb' ? { ...base, origin: 'sb' } : base;
  }
  return { count: found.size, items };
}

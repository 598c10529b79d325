/**
 * Retrieved items get the same keys and value shapes as the builders make (they are built
 * with the same constructors). What VPP cannot say — who owns an item, which Linux item an
 * AF_PACKET waits for, fields VPP does not keep — is taken from the correlated desired item
 * of the same key, the way vpp-agent's Retrieve correlates with the northbound values.
 */
import { deepEqual, type ItemSet } from '../../desired/itemset.js';
import type { Item } from '../../desired/model.js';

/** Owner of retrieved items nobody desires. */
export const RETRIEVED_OWNER = 'vpp';

/** The retrieved item with owner and dependencies of its desired twin; `sb` marks foreign items. */
export function adopt(it: Item, correlate: ItemSet | undefined, foreign = false): Item {
  return adoptAs(it, correlate?.get(it.key), foreign);
}

/** `adopt` with the desired twin already looked up (`undefined`: nobody desires the key). */
export function adoptAs(it: Item, want: Item | undefined, foreign = false): Item {
  if (want !== undefined && want.kind === it.kind) {
    // VPP holds exactly what is desired (nearly every item of a resync): the desired item is
    // what the copy below would be, field for field. The actual set then keeps no second copy
    // of the node's ~8,000 items, and the planner finds them equal by identity.
    if (desiredTwin(want, it.kind, it.value, it.derivedFrom)) return want;
    const out = { ...it, owner: want.owner, deps: want.deps };
    return (want.derivedFrom !== undefined ? { ...out, derivedFrom: want.derivedFrom } : out) as Item;
  }
  return (foreign ? { ...it, owner: RETRIEVED_OWNER, origin: 'sb' } : { ...it, owner: RETRIEVED_OWNER }) as Item;
}

/**
 * The desired item when VPP holds exactly it: `want` (looked up by the key the builder would
 * give `value`) of the builder's kind and `derivedFrom`, with an equal value. That is what
 * `adoptAs` returns for the built item, so the caller builds one (key, dependencies, copy)
 * only when this is undefined: a restart finds nearly every item unchanged.
 */
export function desiredTwin(want: Item | undefined, kind: Item['kind'], value: object, derivedFrom?: string): Item | undefined {
  return want !== undefined && want.kind === kind && want.derivedFrom === derivedFrom && deepEqual(value, want.value) ? want : undefined;
}

/**
 * Trims nested objects to the fields the desired value sets (a TAP's ring sizes when the
 * config leaves them to VPP), so an unset option never reads as a difference.
 */
export function shapeLike<T extends object>(actual: T, desired: T | undefined): T {
  if (desired === undefined) return actual;
  const out = { ...actual } as unknown as Record<string, unknown>;
  const d = desired as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    const w = d[k];
    if (v === null || typeof v !== 'object' || Array.isArray(v) || w === null || typeof w !== 'object' || Array.isArray(w)) continue;
    const trimmed: Record<string, unknown> = {};
    for (const f of Object.keys(w)) if (f in (v as object)) trimmed[f] = (v as Record<string, unknown>)[f];
    out[k] = trimmed;
  }
  return out as T;
}

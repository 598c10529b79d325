/**
 * A keyed set of items with two indexes kept current on every change: who depends on a key
 * (so the planner finds cascades and wakes pending items without scanning), and which keys
 * an owner put (so a pod or peer actor replaces exactly its own items). Mutable on purpose:
 * the connection actor keeps one desired and one actual set for the process lifetime and
 * a pod change must cost O(its items), not O(cluster).
 */
import type { Item } from './model.js';

/** Two different values were built for one key (a builder bug, e.g. a duplicated pod IP). */
export class ItemConflictError extends Error {
  constructor(readonly key: string, readonly owners: readonly string[]) {
    super(`failed to add item ${key}: already put by ${owners[0]} with a different value (now ${owners[1]})`);
    this.name = 'ItemConflictError';
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** The keyed item set every builder fills and the planner compares. */
export class ItemSet implements Iterable<Item> {
  private readonly items = new Map<string, Item>();
  // Both indexes are built when first asked for, then kept current. A set retrieved from VPP
  // is never asked who owns what, and a restart's resync that changes nothing never asks
  // for dependents: building them for its ~16,000 items was a tenth of a cold start-up's
  // pods step.
  private rdepsIndex: Map<string, Set<string>> | undefined;
  private ownersIndex: Map<string, Set<string>> | undefined;

  /** A set from items; refuses two different values for one key. */
  static of(items: Iterable<Item>): ItemSet {
    const s = new ItemSet();
    for (const it of items) {
      const prev = s.items.get(it.key);
      if (prev !== undefined && JSON.stringify(prev) !== JSON.stringify(it)) {
        throw new ItemConflictError(it.key, [prev.owner, it.owner]);
      }
      s.put(it);
    }
    return s;
  }

  /** Number of items. */
  get size(): number {
    return this.items.size;
  }

  /** The item under `key`, if any. */
  get(key: string): Item | undefined {
    return this.items.get(key);
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** All keys, insertion order. */
  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** All items, insertion order. */
  values(): IterableIterator<Item> {
    return this.items.values();
  }

  /** Iterates items. */
  [Symbol.iterator](): Iterator<Item> {
    return this.items.values();
  }

  /** Keys of items in this set that list `key` as a dependency. */
  dependents(key: string): ReadonlySet<string> {
    return this.rdeps().get(key) ?? EMPTY;
  }

  /** Keys currently owned by `owner`. */
  ownedBy(owner: string): ReadonlySet<string> {
    return this.owners().get(owner) ?? EMPTY;
  }

  /** All owners with at least one item. */
  ownerNames(): IterableIterator<string> {
    return this.owners().keys();
  }

  /** Adds or replaces an item (indexes follow). */
  put(it: Item): void {
    this.delete(it.key);
    this.items.set(it.key, it);
    if (this.rdepsIndex !== undefined) for (const d of it.deps) addTo(this.rdepsIndex, d, it.key);
    if (this.ownersIndex !== undefined) addTo(this.ownersIndex, it.owner, it.key);
  }

  /** Removes an item; returns what was there. */
  delete(key: string): Item | undefined {
    const prev = this.items.get(key);
    if (prev === undefined) return undefined;
    this.items.delete(key);
    if (this.rdepsIndex !== undefined) for (const d of prev.deps) removeFrom(this.rdepsIndex, d, key);
    if (this.ownersIndex !== undefined) removeFrom(this.ownersIndex, prev.owner, key);
    return prev;
  }

  /** Builds both indexes now if they are not yet (a set that will be planned against keeps them current from then on). */
  buildIndexes(): void {
    this.rdeps();
    this.owners();
  }

  private rdeps(): Map<string, Set<string>> {
    if (this.rdepsIndex === undefined) {
      this.rdepsIndex = new Map();
      for (const it of this.items.values()) for (const d of it.deps) addTo(this.rdepsIndex, d, it.key);
    }
    return this.rdepsIndex;
  }

  private owners(): Map<string, Set<string>> {
    if (this.ownersIndex === undefined) {
      this.ownersIndex = new Map();
      for (const it of this.items.values()) addTo(this.ownersIndex, it.owner, it.key);
    }
    return this.ownersIndex;
  }

  /**
   * Replaces everything `owner` put with `items` and returns the keys whose presence or
   * value changed: exactly what to hand to `planDelta`.
   */
  replaceOwner(owner: string, items: Iterable<Item>): string[] {
    const old = new Set(this.ownedBy(owner));
    const changed: string[] = [];
    for (const it of items) {
      old.delete(it.key);
      const prev = this.items.get(it.key);
      if (prev !== undefined && prev.owner === it.owner && sameItem(prev, it)) continue;
      this.put(it);
      changed.push(it.key);
    }
    for (const k of old) {
      this.delete(k);
      changed.push(k);
    }
    return changed;
  }

  /** A copy; its indexes are its own, built when first asked for. */
  clone(): ItemSet {
    const s = new ItemSet();
    for (const it of this.items.values()) s.put(it);
    return s;
  }

  /** Sorted plain form for golden fixtures and inspection. */
  toJSON(): Record<string, Omit<Item, 'key'>> {
    const out: Record<string, Omit<Item, 'key'>> = {};
    for (const k of [...this.items.keys()].sort()) {
      const { key: _key, ...rest } = this.items.get(k) as Item;
      out[k] = rest;
    }
    return out;
  }
}

/** Whether two items are identical in kind, value and dependencies (not equivalence; see descriptors). */
export function sameItem(a: Item, b: Item): boolean {
  return a.kind === b.kind && a.deps.length === b.deps.length && a.deps.every((d, i) => d === b.deps[i])
    && deepEqual(a.value, b.value);
}

/**
 * Structural equality of plain JSON-like values; `undefined` fields count as absent. Allocates
 * nothing: a restart's resync compares ~8,000 retrieved values with their desired twins.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // every field set in `a` equals `b`'s, and `b` sets no more fields than that
  let fields = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    if (!deepEqual(ao[k], bo[k])) return false;
    fields++;
  }
  for (const k in bo) if (bo[k] !== undefined) fields--;
  return fields === 0;
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (s === undefined) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (s === undefined) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

/**
 * The source's own keyed copy of what Kubernetes holds, fed by full lists and single
 * changes alike. It decides which events to tell: a relist after an outage yields exactly the
 * differences, and an echo of an unchanged object yields nothing.
 */

/** Where a view reports its differences. */
export interface ViewListener<R> {
  added(record: R): void;
  updated(record: R, prev: R): void;
  deleted(record: R): void;
}

/** How records of one kind are keyed and compared. */
export interface ViewRules<R> {
  key(record: R): string;
  /** Equal facts: a change of resourceVersion alone is not an update. */
  same(a: R, b: R): boolean;
  /** Tells a recreated object (same key, new uid) from an updated one. */
  incarnation(record: R): string;
}

/** A keyed set of records that reports every difference it is told about. */
export class RecordView<R> {
  private readonly records = new Map<string, R>();

  constructor(private readonly rules: ViewRules<R>, private readonly listener: ViewListener<R>) {}

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }

  /** All records, in insertion order. */
  values(): R[] {
    return [...this.records.values()];
  }

  /** The record under `key`, if held. */
  get(key: string): R | undefined {
    return this.records.get(key);
  }

  /** Adds or replaces one record; a new incarnation is told as a deletion then an addition. */
  put(record: R): void {
    const key = this.rules.key(record);
    const prev = this.records.get(key);
    if (prev !== undefined && this.rules.incarnation(prev) !== this.rules.incarnation(record)) {
      this.records.delete(key);
      this.listener.deleted(prev);
    } else if (prev !== undefined) {
      this.records.set(key, record);
      if (!this.rules.same(prev, record)) this.listener.updated(record, prev);
      return;
    }
    this.records.set(key, record);
    this.listener.added(record);
  }

  /** Drops the record under `key`; nothing is told when it was not held. */
  remove(key: string): void {
    const prev = this.records.get(key);
    if (prev === undefined) return;
    this.records.delete(key);
    this.listener.deleted(prev);
  }

  /** Makes the view equal to a full list: deletions first (freeing IPs), then the rest. */
  replace(all: readonly R[]): void {
    const keep = new Set(all.map((r) => this.rules.key(r)));
    for (const key of [...this.records.keys()]) if (!keep.has(key)) this.remove(key);
    for (const r of all) this.put(r);
  }
}

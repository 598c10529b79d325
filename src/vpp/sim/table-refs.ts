/**
 * What keeps a non-zero IP table alive besides the API lock: interfaces bound to it, and
 * routes of other tables of its family that look up into it. Counted as they change, so
 * deciding after a delete which tables to destroy costs a look-up per table rather than a
 * scan of every interface and every route (which made deleting n interfaces O(n²)).
 */
import { PATH_TYPE } from './fib.js';
import type { SimPath, SimTable } from './model.js';
import { NONE } from './retval.js';

/** Key of a table in `SimState.tables`. */
export function tableKey(ip6: boolean, id: number): string {
  return `${ip6 ? 6 : 4}:${id}`;
}

/** Reference counts per table key. */
export class TableRefs {
  private readonly counts = new Map<string, number>();

  private add(key: string, delta: number): void {
    const n = (this.counts.get(key) ?? 0) + delta;
    if (n === 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }

  /** An interface bound to (1) or unbound from (-1) a table. */
  bind(ip6: boolean, id: number, delta: 1 | -1): void {
    // table 0 is never destroyed: every interface starts there, so counting it would be pure cost
    if (id !== 0) this.add(tableKey(ip6, id), delta);
  }

  /** Look-ups into other tables held (1) or released (-1) by a route of `from`. */
  paths(from: SimTable, paths: readonly SimPath[], delta: 1 | -1): void {
    for (const p of paths) {
      if (p.swIfIndex === NONE && p.type !== PATH_TYPE.DROP && p.tableId !== from.id && p.tableId !== 0) this.add(tableKey(from.ip6, p.tableId), delta);
    }
  }

  /** Whether anything still binds or looks up into the table. */
  held(key: string): boolean {
    return this.counts.has(key);
  }
}

/**
 * The agent's event history: every actor transition and every VPP transaction, in a bounded
 * ring, queryable with contiv's filters so operators can replay what happened and why. Live
 * observers (a state-machine visualizer) may also take the raw inspection stream it is fed.
 */
import type { InspectionEvent } from 'xstate';

/** One recorded entry. */
export interface HistoryRecord {
  readonly seq: number;
  /** Unix milliseconds. */
  readonly time: number;
  readonly actor: string;
  readonly event: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** VPP calls made, as `message` names or short descriptions. */
  readonly vppOps?: readonly string[];
  readonly error?: string;
  readonly durationMs?: number;
}

/** Filters of `GET /controller/event-history` (contiv's names). */
export interface HistoryQuery {
  /** Only the record with this sequence number. */
  readonly seqNum?: number;
  /** Unix seconds, inclusive bounds. */
  readonly since?: number;
  readonly until?: number;
  /** The first / last N of what remains. */
  readonly first?: number;
  readonly last?: number;
}

/** A bounded ring of records; the oldest drop out past `limit`. */
export class History {
  private readonly ring: (HistoryRecord | undefined)[];
  private next = 0;
  private count = 0;
  private seq = 0;
  private readonly observers = new Set<(ev: InspectionEvent) => void>();

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new Array(limit);
  }

  /** Appends a record, assigning its sequence number and time. */
  record(entry: Omit<HistoryRecord, 'seq' | 'time'>): HistoryRecord {
    const rec: HistoryRecord = { seq: this.seq++, time: this.now(), ...entry };
    this.ring[this.next] = rec;
    this.next = (this.next + 1) % this.limit;
    this.count = Math.min(this.count + 1, this.limit);
    return rec;
  }

  /** Adds a live observer of every inspection event of every actor; returns its removal. */
  observeInspection(observer: (ev: InspectionEvent) => void): () => void {
    this.observers.add(observer);
    return () => void this.observers.delete(observer);
  }

  /** Whether anyone takes the raw inspection stream (actors made meanwhile need not feed it). */
  get observed(): boolean {
    return this.observers.size > 0;
  }

  /** Hands one raw inspection event to the live observers (the ring keeps only transitions). */
  inspected(ev: InspectionEvent): void {
    // every actor's every step lands here (~17 events per AddPod); mostly nobody watches
    if (this.observers.size === 0) return;
    for (const observer of this.observers) observer(ev);
  }

  /** Records oldest first, filtered. */
  query(q: HistoryQuery = {}): HistoryRecord[] {
    let out: HistoryRecord[] = [];
    const start = (this.next - this.count + this.limit) % this.limit;
    for (let i = 0; i < this.count; i++) {
      const rec = this.ring[(start + i) % this.limit] as HistoryRecord;
      if (q.seqNum !== undefined && rec.seq !== q.seqNum) continue;
      if (q.since !== undefined && rec.time < q.since * 1000) continue;
      if (q.until !== undefined && rec.time > q.until * 1000) continue;
      out.push(rec);
    }
    if (q.first !== undefined) out = out.slice(0, q.first);
    if (q.last !== undefined) out = out.slice(Math.max(0, out.length - q.last));
    return out;
  }
}

/** Parses the query string of `/controller/event-history`; a bad value names the parameter. */
export function parseHistoryQuery(params: URLSearchParams): HistoryQuery | { error: string } {
  const q: { -readonly [K in keyof HistoryQuery]: HistoryQuery[K] } = {};
  const names: Array<[string, keyof HistoryQuery]> = [['seq-num', 'seqNum'], ['since', 'since'], ['until', 'until'], ['first', 'first'], ['last', 'last']];
  for (const [param, field] of names) {
    const raw = params.get(param);
    if (raw === null) continue;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < 0) return { error: `invalid ${param}: ${JSON.stringify(raw)} is not a non-negative integer` };
    q[field] = n;
  }
  if (q.first !== undefined && q.last !== undefined) return { error: 'first and last cannot be combined' };
  return q;
}

/**
 * Durability of the embedded store: group commit onto the log, and compaction into a new
 * snapshot once the log has grown past a multiple of the live data.
 *
 * Crash safety of compaction: the snapshot names the last log record it contains (`logSeq`)
 * and replaces the old one atomically; only then is the log emptied. A crash before the
 * rename leaves the old snapshot and the full log; a crash after it leaves records the new
 * snapshot already holds, which replay skips by their sequence number. Either way every
 * acknowledged write is read back once.
 */
import { saveSnapshot, type Snapshot } from './embedded-file.js';
import { encodeFrame, type LogFile, type LogOp } from './embedded-log.js';

/** When to compact: log bytes > max(minBytes, ratio × live bytes). */
export interface CompactionPolicy {
  readonly ratio: number;
  readonly minBytes: number;
}

export const defaultCompaction: CompactionPolicy = { ratio: 4, minBytes: 256 * 1024 };

/** What the journal reads from the store when it writes a batch or a snapshot. */
export interface JournalSource {
  counters(): { revision: number; nextLeaseId: number };
  /** Rough size of the live data in bytes, the yardstick of log growth. */
  liveBytes(): number;
  /** The whole current state (without `logSeq`, which the journal knows). */
  snapshot(): Omit<Snapshot, 'logSeq'>;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Serial writer of batches: one append + fdatasync per batch, however many writes joined it. */
export class Journal {
  private pending: LogOp[] = [];
  private waiters: Waiter[] = [];
  private running = false;
  private forceCompaction = false;

  constructor(
    private readonly snapshotPath: string,
    private readonly log: LogFile,
    /** Sequence number of the last record on disk (log or snapshot). */
    private seq: number,
    private readonly source: JournalSource,
    private readonly policy: CompactionPolicy = defaultCompaction,
  ) {}

  /**
   * Queues ops already applied in memory; resolves once they and everything queued before are
   * durable. Ops queued while a batch is being synced share the next one.
   */
  write(ops: readonly LogOp[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push(...ops);
      this.waiters.push({ resolve, reject });
      if (!this.running) {
        this.running = true;
        // at once, not from a microtask: one queued behind the tick's other jobs (a machine
        // step, a history record) held the write back ~0.5 ms; writes made while this one
        // syncs still share the next batch
        void this.run();
      }
    });
  }

  /** Folds the log into a new snapshot now (after the writes already queued). */
  compact(): Promise<void> {
    this.forceCompaction = true;
    return this.write([]);
  }

  /** Bytes in the log file. */
  get logBytes(): number {
    return this.log.size;
  }

  /** Waits for queued writes, then closes the log. */
  async close(): Promise<void> {
    await this.write([]).catch(() => undefined);
    await this.log.close();
  }

  private async run(): Promise<void> {
    while (this.waiters.length > 0) {
      const ops = this.pending;
      const batch = this.waiters;
      this.pending = [];
      this.waiters = [];
      try {
        await this.persist(ops);
        for (const w of batch) w.resolve();
      } catch (err) {
        // not on disk: keep the ops for the next batch, so memory and disk meet again
        this.pending = [...ops, ...this.pending];
        for (const w of batch) w.reject(err as Error);
      }
    }
    this.running = false;
  }

  private async persist(ops: LogOp[]): Promise<void> {
    const due = this.forceCompaction || this.log.size > Math.max(this.policy.minBytes, this.policy.ratio * this.source.liveBytes());
    if (due && (await this.tryCompact())) return;
    if (ops.length === 0) return;
    await this.log.append(encodeFrame({ seq: this.seq + 1, ...this.source.counters(), ops }));
    this.seq++;
  }

  /**
   * Writes the whole state (which includes the batch at hand) as a snapshot and empties the
   * log; false when the snapshot could not be written (the batch then goes to the log).
   */
  private async tryCompact(): Promise<boolean> {
    // the state includes this batch, so it takes the batch's sequence number
    const seq = this.seq + 1;
    try {
      await saveSnapshot(this.snapshotPath, { logSeq: seq, ...this.source.snapshot() });
    } catch {
      return false;
    }
    this.seq = seq;
    this.forceCompaction = false;
    // the snapshot already holds everything: a failed truncate only leaves records replay skips
    await this.log.reset().catch(() => undefined);
    return true;
  }
}

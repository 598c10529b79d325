/**
 * The client's single writer towards the bridge. ZeroMQ allows one pending send per socket, so
 * every frame goes through here: frames queued in one tick leave together as one ZeroMQ
 * message, and frames queued while a send is pending leave in the next one.
 */
import type { Dealer } from 'zeromq';

/** Queue and writer of VPP frames for one DEALER. */
export class Outbox {
  private out: Buffer[] = [];
  private head = 0;
  private scheduled = false;
  private writing = false;
  private stopped = false;

  constructor(
    private readonly dealer: Dealer,
    /** Most VPP frames per ZeroMQ message. */
    private readonly maxBatch: number,
    /** A send failed; queued frames are dropped and the writer stops until the next push. */
    private readonly failed: (err: Error) => void,
  ) {}

  /** Queues one frame; it leaves with whatever else is queued before the next microtask. */
  push(frame: Buffer): void {
    this.out.push(frame);
    if (this.scheduled || this.writing || this.stopped) return;
    this.scheduled = true;
    // A microtask, not a timer: calls made in the same tick still share one message, and a
    // lone call leaves at once (sync round trips are what the agent mostly does).
    queueMicrotask(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  /** Drops every frame not yet handed to ZeroMQ (the session they belong to is gone). */
  clear(): void {
    this.out = [];
    this.head = 0;
  }

  /** Stops writing for good and resolves once no send is pending, so the caller may send alone. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clear();
    while (this.writing) await new Promise((r) => setImmediate(r));
  }

  private async write(): Promise<void> {
    this.writing = true;
    try {
      while (this.head < this.out.length && !this.stopped) {
        await this.dealer.send(this.next());
      }
    } catch (err) {
      this.clear();
      if (!this.stopped) this.failed(err as Error);
    } finally {
      this.writing = false;
    }
  }

  /** The next batch, taken from the front of the queue without re-copying the rest of it. */
  private next(): Buffer[] {
    const left = this.out.length - this.head;
    if (this.head === 0 && left <= this.maxBatch) {
      const all = this.out;
      this.out = [];
      return all;
    }
    const end = this.head + Math.min(left, this.maxBatch);
    const batch = this.out.slice(this.head, end);
    this.head = end;
    if (this.head === this.out.length) this.clear();
    return batch;
  }
}

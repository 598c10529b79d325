/**
 * The client's single writer towards the bridge. ZeroMQ allows one pending send per socket, so
 * every frame goes through here. A frame pushed while the writer is idle leaves at once: a lone
 * call (what the agent mostly makes) must not wait behind every other job queued in this tick.
 * Frames pushed while a send is pending, or while the writer gathers, leave together as one
 * ZeroMQ message once the jobs queued so far have run.
 */
import type { Dealer } from 'zeromq';
import { encodeChainTable, type ChainPatch, type ChainSource } from './chain.js';
import type { FrameChain } from './calls.js';
import { ControlCode } from './contract.js';

const EMPTY = Buffer.alloc(0);
const CHAIN_CODE = Buffer.from([ControlCode.Chain]);

/** Queue and writer of VPP frames for one DEALER. */
export class Outbox {
  private out: Buffer[] = [];
  private head = 0;
  /** Frames of `out` that ask the bridge for more than forwarding, by position, in order. */
  private chained: { readonly pos: number; readonly chain: FrameChain }[] = [];
  private chainedHead = 0;
  /** A flush of `out` is queued as a microtask. */
  private scheduled = false;
  /** A send has not completed yet (ZeroMQ allows one at a time). */
  private writing = false;
  /** Frames gather instead of leaving one by one, until the current jobs have all run. */
  private gathering = false;
  private stopped = false;

  constructor(
    private readonly dealer: Dealer,
    /** Most VPP frames per ZeroMQ message. */
    private readonly maxBatch: number,
    /** A send failed; queued frames are dropped and the writer stops until the next push. */
    private readonly failed: (err: Error) => void,
  ) {}

  /**
   * Queues a frame (and the one that must travel with it, such as the control_ping ending a
   * dump); they leave at once when the writer is idle, else with the frames queued beside them.
   */
  push(frame: Buffer, then?: Buffer, chain?: FrameChain): void {
    if (this.stopped) return;
    if (chain !== undefined) this.chained.push({ pos: this.out.length, chain });
    this.out.push(frame);
    if (then !== undefined) this.out.push(then);
    if (this.scheduled || this.writing) return;
    // idle and not gathering: the writer hands the frames to ZeroMQ before this call returns
    if (!this.gathering) return void this.write();
    this.scheduled = true;
    queueMicrotask(this.flush);
  }

  /**
   * Until the jobs queued so far (and those they queue) have run, frames gather into one
   * message instead of the first leaving alone: for calls known to come in a group, such as
   * the reactions to a reply or a batch, where one message costs less than several.
   */
  gather(): void {
    if (this.gathering) return;
    this.gathering = true;
    // A tick queued from a job runs once the job queue is empty: the end of this group of jobs.
    process.nextTick(this.endGathering);
  }

  /** Drops every frame not yet handed to ZeroMQ (the session they belong to is gone). */
  clear(): void {
    this.out = [];
    this.head = 0;
    this.chained = [];
    this.chainedHead = 0;
  }

  /** Stops writing for good and resolves once no send is pending, so the caller may send alone. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clear();
    while (this.writing) await new Promise((r) => setImmediate(r));
  }

  private readonly endGathering = (): void => {
    this.gathering = false;
  };

  private readonly flush = (): void => {
    this.scheduled = false;
    if (!this.writing) void this.write();
  };

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
    const start = this.head;
    let batch: Buffer[];
    if (start === 0 && left <= this.maxBatch) {
      batch = this.out;
      this.out = [];
    } else {
      const end = start + Math.min(left, this.maxBatch);
      batch = this.out.slice(start, end);
      this.head = end;
      if (this.head === this.out.length) {
        this.out = [];
        this.head = 0;
      }
    }
    return this.chainedHead < this.chained.length ? this.withChainTable(batch, start) : batch;
  }

  /** The batch as a chained message when any of its frames carries a source or patches. */
  private withChainTable(batch: Buffer[], start: number): Buffer[] {
    const sources: ChainSource[] = [];
    const patches: ChainPatch[] = [];
    const end = start + batch.length;
    for (; this.chainedHead < this.chained.length; this.chainedHead++) {
      const { pos, chain } = this.chained[this.chainedHead] as { pos: number; chain: FrameChain };
      if (pos >= end) break;
      const frame = pos - start;
      if (chain.source !== undefined) sources.push({ frame, ...chain.source });
      for (const p of chain.patches ?? []) patches.push({ frame, ...p });
    }
    // once `out` is taken whole every entry has been, so positions never need rebasing
    if (this.chainedHead === this.chained.length) {
      this.chained = [];
      this.chainedHead = 0;
    }
    if (sources.length === 0 && patches.length === 0) return batch;
    return [EMPTY, CHAIN_CODE, encodeChainTable({ sources, patches }), ...batch];
  }
}

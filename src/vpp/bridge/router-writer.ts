/**
 * The bridge's single writer to its ROUTER: ZeroMQ allows one pending send per socket, so
 * every message to every client queues here. Before each send the server hands over what
 * its sessions gathered meanwhile, so VPP's frames for one client leave batched.
 */
import type { Router } from 'zeromq';

/** What the writer asks of the server. */
export interface WriterHooks {
  /** Queue (with `enqueue`) the frames sessions gathered; called before every send. */
  collect(): void;
  /** Whether sessions hold frames not yet collected. */
  pending(): boolean;
  /** A message was handed to ZeroMQ. */
  sent(): void;
  /** A send failed; the writer goes on with the next message. */
  failed(msg: Buffer[], err: unknown): void;
}

/** Queue and writer of `[identity, ...frames]` messages. */
export class RouterWriter {
  private queue: Buffer[][] = [];
  private queueHead = 0;
  private pumping = false;
  private pumpScheduled = false;
  private closed = false;

  constructor(
    private readonly router: Router,
    private readonly hooks: WriterHooks,
  ) {}

  /** Queues a message behind those queued so far. */
  enqueue(msg: Buffer[]): void {
    this.queue.push(msg);
  }

  /**
   * Starts the writer at once when it is idle: a reply then leaves without waiting behind the
   * jobs queued in this tick. What VPP hands over while that send completes gathers behind it.
   */
  start(): void {
    if (this.pumpScheduled || this.pumping) return;
    void this.pump();
  }

  /** Starts the writer once the jobs queued so far have run, so what they queue leaves with it. */
  schedule(): void {
    if (this.pumpScheduled || this.pumping) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  /** Sends nothing more. */
  stop(): void {
    this.closed = true;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        this.hooks.collect();
        const msg = this.takeQueued();
        if (msg === undefined || this.closed) break;
        this.hooks.sent();
        try {
          await this.router.send(msg);
        } catch (err) {
          if (this.closed) break;
          this.hooks.failed(msg, err);
        }
      }
    } finally {
      this.pumping = false;
    }
    if (!this.closed && (this.queueHead < this.queue.length || this.hooks.pending())) this.schedule();
  }

  /** Next queued message, from the front without shifting the whole queue each time. */
  private takeQueued(): Buffer[] | undefined {
    const msg = this.queue[this.queueHead];
    if (msg === undefined) return undefined;
    this.queueHead++;
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    return msg;
  }
}

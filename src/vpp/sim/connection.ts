/**
 * One in-process session with the simulator: frames in through `send`, frames out in VPP's
 * order (optionally delayed), and a single close notification.
 */
import type { CloseReason, VppConnection } from '../backend.js';

/** What a connection needs from its simulator. */
export interface ConnectionHost {
  receive(conn: SimConnection, frames: readonly Buffer[]): void;
  detach(conn: SimConnection): void;
}

/** The simulator's `VppConnection`. */
export class SimConnection implements VppConnection {
  private readonly frameListeners: ((frames: Buffer[]) => void)[] = [];
  private readonly closeListeners: ((reason: CloseReason) => void)[] = [];
  private held: Buffer[] = [];
  /** Replies not yet handed out, in the order VPP sent them; their due times never decrease. */
  private readonly pending: { due: number; frames: Buffer[] }[] = [];
  private pendingHead = 0;
  private drainArmed = false;
  private closedReason: CloseReason | undefined;

  constructor(
    /** Connection number, for `dropConnection` and the call log. */
    readonly id: number,
    private readonly host: ConnectionHost,
  ) {}

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  send(frames: readonly Buffer[]): void {
    if (this.closed) return;
    this.host.receive(this, frames);
  }

  onFrames(listener: (frames: Buffer[]) => void): void {
    this.frameListeners.push(listener);
    if (this.held.length > 0) {
      const frames = this.held;
      this.held = [];
      listener(frames);
    }
  }

  onClose(listener: (reason: CloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    this.end({ kind: 'closed', message: 'client closed the connection' });
  }

  /** Queues frames for the client; order is kept even when the delay changes between batches. */
  deliver(frames: Buffer[], delayMs: number): void {
    if (this.closed || frames.length === 0) return;
    const last = this.pending[this.pending.length - 1];
    const due = Math.max(Date.now() + delayMs, last?.due ?? 0);
    this.pending.push({ due, frames });
    if (this.drainArmed) return; // a drain is already due no later than this batch
    this.drainArmed = true;
    // undelayed with nothing held back ahead of it: out once the current call is handled (a
    // macrotask per reply added a turn of the event loop to every round trip through the bridge)
    if (delayMs === 0 && this.pending.length - this.pendingHead === 1) queueMicrotask(this.drain);
    else setTimeout(this.drain, Math.max(0, due - Date.now()));
  }

  /**
   * Hands out every batch that is due, oldest first. One queue and one timer rather than a timer
   * per batch: two timers for the same moment may fire in either order.
   */
  private readonly drain = (): void => {
    this.drainArmed = false;
    const now = Date.now();
    while (this.pendingHead < this.pending.length) {
      const next = this.pending[this.pendingHead];
      if (next === undefined || next.due > now) break;
      this.pendingHead++;
      if (this.closed) continue;
      if (this.frameListeners.length === 0) this.held.push(...next.frames);
      for (const l of this.frameListeners) l(next.frames);
    }
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
      return;
    }
    const head = this.pending[this.pendingHead];
    if (head === undefined) return;
    this.drainArmed = true;
    setTimeout(this.drain, Math.max(1, head.due - now));
  };

  /** Ends the session once (restart, drop or close) and tells the simulator. */
  end(reason: CloseReason): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.host.detach(this);
    for (const l of this.closeListeners) l(reason);
  }
}

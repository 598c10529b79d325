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
  private lastDue = 0;
  /** Deliveries scheduled and not yet fired: a new one may only overtake none of them. */
  private timed = 0;
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
    const due = Math.max(Date.now() + delayMs, this.lastDue);
    this.lastDue = due;
    const fire = (): void => {
      this.timed--;
      if (this.closed) return;
      if (this.frameListeners.length === 0) this.held.push(...frames);
      for (const l of this.frameListeners) l(frames);
    };
    this.timed++;
    const wait = due - Date.now();
    // undelayed with nothing delayed ahead of it: out once the current call is handled (a
    // macrotask per reply added a turn of the event loop to every round trip through the bridge)
    if (wait <= 0 && delayMs === 0 && this.timed === 1) queueMicrotask(fire);
    else if (wait <= 0 && delayMs === 0) setImmediate(fire);
    else setTimeout(fire, Math.max(0, wait));
  }

  /** Ends the session once (restart, drop or close) and tells the simulator. */
  end(reason: CloseReason): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.host.detach(this);
    for (const l of this.closeListeners) l(reason);
  }
}

/**
 * Book-keeping of calls in flight for the bridge client: context allocation, the pipelining
 * window, deadlines, reply and dump-stream matching, retval checks. No sockets here: frames go
 * out through a callback and come in through `accept`, so the rules are testable in isolation.
 */
import { UnknownMessageError } from '../binapi/errors.js';
import { decode, encode } from '../binapi/wire.js';
import { defOf } from '../binapi/registry.js';
import { BridgeProtocolError, ProtocolMismatchError, VppRetvalError, VppTimeoutError } from './errors.js';
import type { Session } from './handshake.js';

/** A decoded VPP message (field names as in the .api definitions). */
export type Msg = Record<string, unknown>;

/** Per-call knobs. */
export interface CallOptions {
  /** Deadline for this call in ms, counted from the call (waiting for the window included). */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly name: string;
  readonly dump: boolean;
  readonly details: Msg[];
  readonly frames: Buffer[];
  readonly resolve: (v: never) => void;
  readonly reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** Settled (replied, failed or timed out); a waiting entry marked done is skipped. */
  done: boolean;
}

/** Highest context used before wrapping; contexts stay below VPP's client-index bit. */
const MAX_CONTEXT = 0x7fffffff;

/** Calls in flight, their window and their matching. */
export class CallTracker {
  private readonly inflight = new Map<number, Pending>();
  /** FIFO of calls beyond the window; entries settled early (timeout) are skipped when reached. */
  private waiting: { ctx: number; p: Pending }[] = [];
  private waitHead = 0;
  private waitingCount = 0;
  private nextCtx = 1;
  private maxInFlight = 0;

  constructor(
    private readonly window: number,
    private readonly defaultTimeoutMs: number,
    private readonly send: (frames: Buffer[]) => void,
    private readonly sawPid: (pid: number) => void,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  }

  /** Starts a request; resolves with its reply. */
  request(s: Session, name: string, body: Msg, opts: CallOptions): Promise<Msg> {
    return this.start(s, name, body, opts, false) as Promise<Msg>;
  }

  /** Starts a dump followed by a control_ping with the same context; resolves with the details. */
  dump(s: Session, name: string, body: Msg, opts: CallOptions): Promise<Msg[]> {
    return this.start(s, name, body, opts, true) as Promise<Msg[]>;
  }

  /** Counters for tests and metrics. */
  stats(): { inFlight: number; waiting: number; maxInFlight: number } {
    return { inFlight: this.inflight.size, waiting: this.waitingCount, maxInFlight: this.maxInFlight };
  }

  /** Fails every call (session lost or client closing). */
  failAll(err: Error): void {
    const all = [...this.inflight.values(), ...this.waiting.slice(this.waitHead).map((w) => w.p).filter((p) => !p.done)];
    this.inflight.clear();
    this.waiting = [];
    this.waitHead = 0;
    this.waitingCount = 0;
    for (const p of all) {
      p.done = true;
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  /**
   * Takes one frame from VPP. Returns it decoded when it belongs to no call (an event or
   * something unsolicited the caller may want), else undefined.
   */
  accept(s: Session, frame: Buffer): { name: string; msg: Msg } | undefined {
    if (frame.length < 6) return undefined;
    const name = s.table.nameOf(frame.readUInt16BE(0));
    if (name === undefined) return undefined;
    const def = defOf(name);
    const ctxAt = def?.contextOffset;
    if (def?.kind === 'event' || ctxAt === undefined || frame.length < ctxAt + 4) {
      const d = decode(s.table, frame);
      return d.ok ? { name: d.name, msg: d.msg as Msg } : undefined;
    }
    const ctx = frame.readUInt32BE(ctxAt);
    const p = this.inflight.get(ctx);
    if (p === undefined) return undefined; // late reply of a call that timed out
    const d = decode(s.table, frame);
    if (!d.ok) {
      this.finish(ctx, p, new BridgeProtocolError(`failed to decode ${name} (reply to ${p.name}): ${d.error.message}`));
      return undefined;
    }
    const msg = d.msg as Msg;
    if (name === 'control_ping_reply') {
      if (typeof msg.vpe_pid === 'number') this.sawPid(msg.vpe_pid);
      if (p.dump) this.finish(ctx, p, undefined, p.details);
      else this.settleReply(ctx, p, msg);
    } else if (p.dump) {
      if (def?.kind === 'details') p.details.push(msg);
      else this.settleReply(ctx, p, msg); // a dump refused with a reply (not seen in 24.02, but cheap)
    } else {
      this.settleReply(ctx, p, msg);
    }
    return undefined;
  }

  private settleReply(ctx: number, p: Pending, msg: Msg): void {
    const rv = msg.retval;
    if (typeof rv === 'number' && rv !== 0) this.finish(ctx, p, new VppRetvalError(p.name, rv));
    else this.finish(ctx, p, undefined, msg);
  }

  private start(s: Session, name: string, body: Msg, opts: CallOptions, dump: boolean): Promise<Msg | Msg[]> {
    const ctx = this.allocContext();
    let frames: Buffer[];
    try {
      const header = { client_index: s.clientIndex, context: ctx };
      frames = [encode(s.table, name, { ...body, ...header })];
      if (dump) frames.push(encode(s.table, 'control_ping', header));
    } catch (err) {
      if (err instanceof UnknownMessageError) return Promise.reject(new ProtocolMismatchError([err.nameCrc]));
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { name, dump, details: [], frames, resolve, reject, timer: undefined, done: false };
      const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
      p.timer = setTimeout(() => this.finish(ctx, p, new VppTimeoutError(name, timeoutMs)), timeoutMs);
      if (this.inflight.size < this.window) this.launch(ctx, p);
      else {
        this.waiting.push({ ctx, p });
        this.waitingCount++;
      }
    });
  }

  private launch(ctx: number, p: Pending): void {
    this.inflight.set(ctx, p);
    if (this.inflight.size > this.maxInFlight) this.maxInFlight = this.inflight.size;
    this.send(p.frames);
  }

  private finish(ctx: number, p: Pending, err: Error | undefined, value?: unknown): void {
    if (p.done) return;
    p.done = true;
    if (this.inflight.get(ctx) === p) this.inflight.delete(ctx);
    else this.waitingCount--;
    clearTimeout(p.timer);
    if (err !== undefined) p.reject(err);
    else p.resolve(value as never);
    this.fillWindow();
  }

  /** Moves waiting calls into the window, in call order. */
  private fillWindow(): void {
    while (this.inflight.size < this.window && this.waitHead < this.waiting.length) {
      const w = this.waiting[this.waitHead++] as { ctx: number; p: Pending };
      if (w.p.done) continue;
      this.waitingCount--;
      this.launch(w.ctx, w.p);
    }
    if (this.waitHead > 1024 && this.waitHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitHead);
      this.waitHead = 0;
    }
  }

  private allocContext(): number {
    for (;;) {
      const c = this.nextCtx;
      this.nextCtx = c >= MAX_CONTEXT ? 1 : c + 1;
      if (!this.inflight.has(c)) return c;
    }
  }
}

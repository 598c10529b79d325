/**
 * Book-keeping of calls in flight for the bridge client: context allocation, the pipelining
 * window, deadlines, reply and dump-stream matching, retval checks. No sockets here: frames go
 * out through a callback and come in through `accept`, so the rules are testable in isolation.
 */
import { UnknownMessageError } from '../binapi/errors.js';
import { beginMarking, endMarking } from '../binapi/stand-in.js';
import { decode } from '../binapi/wire.js';
import { BridgeProtocolError, DependencyFailedError, ProtocolMismatchError, VppRetvalError, VppTimeoutError } from './errors.js';
import type { ChainSource } from './chain.js';
import { EMPTY_BODY, encodeRequest, type Session } from './handshake.js';
import { StandIns, type StandIn, type StandInPatch } from './stand-ins.js';

/** A decoded VPP message (field names as in the .api definitions). */
export type Msg = Record<string, unknown>;

/** What a frame asks of the bridge besides forwarding: its chain table entries, less the frame number the outbox gives them. */
export interface FrameChain {
  /** Its reply carries an index later frames take. */
  source?: Omit<ChainSource, 'frame'>;
  /** Spots holding stand-ins of creates not answered when the frame left. */
  patches?: StandInPatch[];
}

/** What a call that creates an interface gives back at once: the stand-in, and the reply. */
export interface IndexedCall {
  readonly standIn: number;
  readonly reply: Promise<Msg>;
}

/** Per-call knobs. */
export interface CallOptions {
  /** Deadline for this call in ms, counted from the call (waiting for the window included). */
  readonly timeoutMs?: number;
}

/** One call from start to settlement; a class so every call has the same shape. */
class Call {
  /** Settled (replied, failed or timed out); a waiting entry marked done is skipped. */
  done = false;
  /** Details collected so far (dumps only). */
  readonly details: Msg[] | undefined;
  /** Offsets of stand-ins in `frame` and their entries, to resolve when it is sent. */
  marks: readonly number[] | undefined = undefined;
  standIns: readonly StandIn<Call>[] | undefined = undefined;
  /** The stand-in this call's reply resolves, the reply's id and where the index sits in it. */
  source: { readonly standIn: number; readonly replyId: number; readonly valueAt: number; readonly field: string } | undefined = undefined;

  constructor(
    readonly ctx: number,
    readonly name: string,
    /** The request frame, and for a dump the control_ping that ends its stream. */
    readonly frame: Buffer,
    readonly ping: Buffer | undefined,
    readonly timeoutMs: number,
    /** `performance.now()` value after which the call fails with VppTimeoutError. */
    readonly deadline: number,
    readonly resolve: (v: never) => void,
    readonly reject: (err: Error) => void,
  ) {
    this.details = ping === undefined ? undefined : [];
  }
}

/** Highest context used before wrapping; contexts stay below VPP's client-index bit. */
const MAX_CONTEXT = 0x7fffffff;

/** Calls in flight, their window and their matching. */
export class CallTracker {
  private readonly inflight = new Map<number, Call>();
  /** FIFO of calls beyond the window; entries settled early (timeout) are skipped when reached. */
  private waiting: Call[] = [];
  private waitHead = 0;
  private waitingCount = 0;
  private nextCtx = 1;
  private maxInFlight = 0;
  private readonly standIns = new StandIns<Call>();
  /**
   * One timer for every deadline, armed at the earliest one known: a timer per call cost more
   * than the rest of a pipelined call. It stays armed when no call is left (it is unref'd, so it
   * keeps no process alive): sync calls one after another then re-arm it about once per
   * timeout period instead of arming and clearing it on every call.
   */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly window: number,
    private readonly defaultTimeoutMs: number,
    /** Sends a request frame, and with it the control_ping that ends a dump's stream. */
    private readonly send: (frame: Buffer, ping?: Buffer, chain?: FrameChain) => void,
    private readonly sawPid: (pid: number) => void,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  }

  /** Starts a request; resolves with its reply. */
  request(s: Session, name: string, body: Msg, opts: CallOptions): Promise<Msg> {
    return this.start(s, name, body, opts, false) as Promise<Msg>;
  }

  /**
   * Starts a request whose reply names a new interface in `field`, and hands out a stand-in
   * for it at once: calls made after this one may name the interface by it. Only for a
   * session whose bridge announced chained messages.
   */
  requestIndexed(s: Session, name: string, body: Msg, opts: CallOptions, field: string): IndexedCall {
    const replyId = replyIdOf(s, name);
    const valueAt = s.table.defAt(replyId)?.fieldOffsets[field];
    if (valueAt === undefined) throw new BridgeProtocolError(`${name}_reply has no ${field} at a fixed offset`);
    let standIn = 0;
    const reply = this.start(s, name, body, opts, false, (ctx) => {
      standIn = this.standIns.allocate(ctx);
      return { standIn, replyId, valueAt, field };
    }) as Promise<Msg>;
    return { standIn, reply };
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
    const all = [...this.inflight.values(), ...this.waiting.slice(this.waitHead).filter((c) => !c.done)];
    for (const c of all) if (c.source !== undefined) this.standIns.settle(c.source.standIn, err);
    this.inflight.clear();
    this.waiting = [];
    this.waitHead = 0;
    this.waitingCount = 0;
    this.disarm();
    for (const c of all) {
      c.done = true;
      c.reject(err);
    }
  }

  /**
   * Takes one frame from VPP. Returns it decoded when it belongs to no call (an event or
   * something unsolicited the caller may want), else undefined.
   */
  accept(s: Session, frame: Buffer): { name: string; msg: Msg } | undefined {
    if (frame.length < 6) return undefined;
    const def = s.table.defAt(frame.readUInt16BE(0));
    if (def === undefined) return undefined;
    const ctxAt = def.contextOffset;
    if (def.kind === 'event' || ctxAt === undefined || frame.length < ctxAt + 4) {
      const d = decode(s.table, frame);
      return d.ok ? { name: d.name, msg: d.msg } : undefined;
    }
    const ctx = frame.readUInt32BE(ctxAt);
    const c = this.inflight.get(ctx);
    if (c === undefined) return undefined; // late reply of a call that timed out
    const d = decode(s.table, frame);
    if (!d.ok) {
      this.finish(c, new BridgeProtocolError(`failed to decode ${def.name} (reply to ${c.name}): ${d.error.message}`));
      return undefined;
    }
    const msg = d.msg;
    if (def.name === 'control_ping_reply') {
      if (typeof msg.vpe_pid === 'number') this.sawPid(msg.vpe_pid);
      if (c.details !== undefined) this.finish(c, undefined, c.details);
      else this.settleReply(c, msg);
    } else if (c.details !== undefined) {
      if (def.kind === 'details') c.details.push(msg);
      else this.settleReply(c, msg); // a dump refused with a reply (not seen in 24.02, but cheap)
    } else {
      this.settleReply(c, msg);
    }
    return undefined;
  }

  private settleReply(c: Call, msg: Msg): void {
    const rv = msg.retval;
    if (typeof rv === 'number' && rv !== 0) this.finish(c, new VppRetvalError(c.name, rv));
    else this.finish(c, undefined, msg);
  }

  private start(s: Session, name: string, body: Msg, opts: CallOptions, dump: boolean, provides?: (ctx: number) => Call['source']): Promise<Msg | Msg[]> {
    const ctx = this.allocContext();
    // handed out before anything can fail, so a stand-in always exists and fails with its call
    const source = provides?.(ctx);
    let frame: Buffer;
    let ping: Buffer | undefined;
    let marks: readonly number[];
    let standIns: StandIn<Call>[] | undefined;
    try {
      beginMarking();
      try {
        frame = encodeRequest(s, name, body, ctx);
      } finally {
        marks = endMarking();
      }
      if (dump) ping = encodeRequest(s, 'control_ping', EMPTY_BODY, ctx);
      if (marks.length > 0) {
        const found = this.standIns.lookup(name, frame, marks);
        if (found instanceof Error) throw found;
        standIns = found;
      }
    } catch (err) {
      const e = err instanceof UnknownMessageError ? new ProtocolMismatchError([err.nameCrc]) : (err as Error);
      if (source !== undefined) this.standIns.settle(source.standIn, e);
      return Promise.reject(e);
    }
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const c = new Call(ctx, name, frame, ping, timeoutMs, deadline, resolve, reject);
      if (standIns !== undefined) {
        c.marks = marks;
        c.standIns = standIns;
      }
      c.source = source;
      if (deadline < this.sweepAt) this.arm(deadline);
      if (this.inflight.size < this.window) this.launch(c);
      else {
        this.waiting.push(c);
        this.waitingCount++;
      }
    });
  }

  private launch(c: Call): void {
    let chain: FrameChain | undefined;
    if (c.marks !== undefined && c.standIns !== undefined) {
      const filled = this.standIns.fill(c.name, c.frame, c.marks, c.standIns, c);
      if (filled instanceof Error) {
        // never in flight, and no longer waiting: settled here without finish's book-keeping
        c.done = true;
        this.settleSource(c, filled);
        c.reject(filled);
        return;
      }
      if (filled !== undefined) chain = { patches: filled };
    }
    if (c.source !== undefined) (chain ??= {}).source = { replyId: c.source.replyId, valueAt: c.source.valueAt, context: c.ctx };
    this.inflight.set(c.ctx, c);
    if (this.inflight.size > this.maxInFlight) this.maxInFlight = this.inflight.size;
    this.send(c.frame, c.ping, chain);
  }

  /**
   * A create settled: its stand-in resolves, or fails the calls not yet sent that name it.
   * Those sent with a patch fail here only when VPP refused the create, as the bridge then
   * drops them; after a timeout or an undecodable reply VPP may still run them (the bridge
   * goes by the reply's retval), so they wait for their own answers.
   */
  private settleSource(c: Call, err: Error | undefined, value?: unknown): void {
    const src = c.source;
    if (src === undefined) return;
    const index = err === undefined ? (value as Msg)[src.field] : undefined;
    const outcome = typeof index === 'number' ? index : (err ?? new BridgeProtocolError(`${c.name} reply has no ${src.field}`));
    const dependents = this.standIns.settle(src.standIn, outcome);
    if (!(outcome instanceof VppRetvalError)) return;
    for (const d of dependents) this.finish(d, new DependencyFailedError(d.name, outcome));
  }

  private finish(c: Call, err: Error | undefined, value?: unknown): void {
    if (c.done) return;
    c.done = true;
    if (this.inflight.get(c.ctx) === c) this.inflight.delete(c.ctx);
    else this.waitingCount--;
    if (c.source !== undefined) this.settleSource(c, err, value);
    if (err !== undefined) c.reject(err);
    else c.resolve(value as never);
    this.fillWindow();
  }

  /** Moves waiting calls into the window, in call order. */
  private fillWindow(): void {
    while (this.inflight.size < this.window && this.waitHead < this.waiting.length) {
      const c = this.waiting[this.waitHead++] as Call;
      if (c.done) continue;
      this.waitingCount--;
      this.launch(c);
    }
    if (this.waitHead > 1024 && this.waitHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitHead);
      this.waitHead = 0;
    }
  }

  private arm(at: number): void {
    clearTimeout(this.sweepTimer);
    this.sweepAt = at;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(1, Math.ceil(at - performance.now()))).unref();
  }

  private disarm(): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
  }

  /** Fails every call past its deadline and re-arms for the earliest remaining one. */
  private sweep(): void {
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const expired: Call[] = [];
    let next = Number.POSITIVE_INFINITY;
    // Waiting calls first: expiring them before any in-flight one frees the window keeps
    // fillWindow from sending calls that are already dead.
    for (let i = this.waitHead; i < this.waiting.length; i++) next = this.collect(this.waiting[i] as Call, now, expired, next);
    for (const c of this.inflight.values()) next = this.collect(c, now, expired, next);
    for (const c of expired) this.finish(c, new VppTimeoutError(c.name, c.timeoutMs));
    if (next < Number.POSITIVE_INFINITY && (this.inflight.size > 0 || this.waitingCount > 0)) this.arm(next);
  }

  private collect(c: Call, now: number, expired: Call[], next: number): number {
    if (c.done) return next;
    if (c.deadline <= now) {
      expired.push(c);
      return next;
    }
    return c.deadline < next ? c.deadline : next;
  }

  private allocContext(): number {
    for (;;) {
      const c = this.nextCtx;
      this.nextCtx = c >= MAX_CONTEXT ? 1 : c + 1;
      if (!this.inflight.has(c)) return c;
    }
  }
}

/** The id of `name`'s reply, as a mismatch when VPP's table lacks it. */
function replyIdOf(s: Session, name: string): number {
  try {
    return s.table.idOf(`${name}_reply`);
  } catch (err) {
    if (err instanceof UnknownMessageError) throw new ProtocolMismatchError([err.nameCrc]);
    throw err;
  }
}

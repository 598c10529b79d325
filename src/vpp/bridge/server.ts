/**
 * The bridge's ROUTER side: one backend session per DEALER identity, frames forwarded both
 * ways unchanged (see contract.ts). VPP's frames for one client are gathered per event-loop
 * turn into one ZeroMQ message, which is what makes pipelined calls cheap.
 */
import { chmod } from 'node:fs/promises';
import { Router } from 'zeromq';
import type { CloseReason, VppBackend, VppConnection } from '../backend.js';
import {
  ControlCode, MEMCLNT_ID, MIN_FRAME_BYTES, encodeControl, frameMsgId, isControl, parseControl,
} from './contract.js';

/** How to start a bridge server. */
export interface BridgeServerOptions {
  /** ZeroMQ endpoint to bind (`ipc:///path`, `tcp://127.0.0.1:port`, `inproc://name`). */
  readonly listen: string;
  /** Where sessions go: the simulator or a real VPP. The caller owns (and closes) it. */
  readonly backend: VppBackend;
  /** Most VPP frames per ZeroMQ message to one client (default 256), so transfer and decoding overlap. */
  readonly maxBatch?: number;
}

/** Counters for diagnostics and tests (batching and fuzz results are observable here). */
export interface BridgeServerStats {
  messagesIn: number;
  framesIn: number;
  messagesOut: number;
  framesOut: number;
  malformedFrames: number;
  sessionsOpened: number;
  sessionsClosed: number;
  backendErrors: number;
  sendErrors: number;
  /** Sessions ended because their client vanished without a Bye. */
  peersGone: number;
}

interface Session {
  readonly identity: Buffer;
  conn?: VppConnection;
  /** Batches that arrived while the backend connection was being opened. */
  readonly waiting: Buffer[][];
  /** VPP frames not yet handed to ZeroMQ. */
  out: Buffer[];
  ended: boolean;
}

/** A running bridge: binds a ROUTER and serves every DEALER that sends `sockclnt_create`. */
export class BridgeServer {
  /** Live counters; read them, do not write them. */
  readonly stats: BridgeServerStats = {
    messagesIn: 0, framesIn: 0, messagesOut: 0, framesOut: 0,
    malformedFrames: 0, sessionsOpened: 0, sessionsClosed: 0, backendErrors: 0, sendErrors: 0, peersGone: 0,
  };
  private readonly sessions = new Map<string, Session>();
  private readonly dirty = new Set<Session>();
  /** ZeroMQ messages ready to send, `[identity, ...frames]`; `queueHead` is the next one. */
  private queue: Buffer[][] = [];
  private queueHead = 0;
  private pumping = false;
  private pumpScheduled = false;
  private closed = false;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly router: Router,
    private readonly backend: VppBackend,
    private readonly maxBatch: number,
    /** The endpoint as bound (for `tcp://…:0` the port actually chosen). */
    readonly endpoint: string,
  ) {
    this.loop = this.receiveLoop();
  }

  /** Binds the ROUTER (ipc socket files become 0600) and starts serving. */
  static async start(opts: BridgeServerOptions): Promise<BridgeServer> {
    const router = new Router({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0, mandatory: true });
    try {
      await router.bind(opts.listen);
      const ipcPath = ipcSocketPath(opts.listen);
      if (ipcPath !== undefined) await chmod(ipcPath, 0o600);
    } catch (err) {
      router.close();
      throw new Error(`failed to bind bridge on ${opts.listen}: ${(err as Error).message}`, { cause: err });
    }
    return new BridgeServer(router, opts.backend, opts.maxBatch ?? 256, router.lastEndpoint ?? opts.listen);
  }

  /** Number of open backend sessions (one per connected client identity). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Stops serving: closes every session's backend connection and the ROUTER. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const conns = [...this.sessions.values()].map((s) => this.endSession(s));
    await Promise.allSettled(conns);
    this.router.close();
    await this.loop;
  }

  /**
   * `receive()` rather than the socket's async iterator: one promise per message, not three. The
   * loop ends when `receive()` fails, as it does once the ROUTER is closed (no call into C++ per
   * message to ask).
   */
  private async receiveLoop(): Promise<void> {
    try {
      for (;;) this.handle(await this.router.receive());
    } catch (err) {
      if (!this.closed && !this.router.closed) throw new Error(`failed to receive on bridge ROUTER: ${(err as Error).message}`, { cause: err });
    }
  }

  private handle(msg: Buffer[]): void {
    const identity = msg[0];
    if (identity === undefined || msg.length < 2) return;
    // The identity is taken off the front in place: the array is ours and copying it per
    // message showed up in profiles of pipelined calls.
    msg.shift();
    const frames = msg;
    this.stats.messagesIn++;
    const key = identity.toString('latin1');
    if (isControl(frames)) {
      const control = parseControl(frames);
      const s = this.sessions.get(key);
      if (control?.code === ControlCode.Bye && s !== undefined) void this.endSession(s);
      return;
    }
    this.stats.framesIn += frames.length;
    const good = frames.every(isFrame) ? frames : frames.filter(isFrame);
    if (good.length !== frames.length) {
      const bad = frames.length - good.length;
      this.stats.malformedFrames += bad;
      this.control(identity, ControlCode.Malformed,
        `dropped ${bad} of ${frames.length} frame(s): shorter than ${MIN_FRAME_BYTES} bytes`);
    }
    const first = good[0];
    if (first === undefined) return;
    let s = this.sessions.get(key);
    if (s === undefined) {
      if (frameMsgId(first) !== MEMCLNT_ID.sockclnt_create) {
        this.control(identity, ControlCode.NoSession, 'no session: send sockclnt_create first');
        return;
      }
      s = this.openSession(key, identity);
    }
    if (s.conn === undefined) s.waiting.push(good);
    else this.forward(s, good);
  }

  private openSession(key: string, identity: Buffer): Session {
    const s: Session = { identity: Buffer.from(identity), waiting: [], out: [], ended: false };
    this.sessions.set(key, s);
    this.stats.sessionsOpened++;
    this.backend.connect().then((conn) => {
      if (s.ended) {
        void conn.close().catch(() => undefined);
        return;
      }
      s.conn = conn;
      conn.onFrames((frames) => this.fromVpp(s, frames));
      conn.onClose((reason) => this.backendClosed(key, s, reason));
      for (const batch of s.waiting.splice(0)) this.forward(s, batch);
    }, (err: unknown) => {
      this.stats.backendErrors++;
      this.dropSession(key, s);
      this.control(s.identity, ControlCode.BackendUnavailable,
        `failed to open ${this.backend.kind} session: ${(err as Error).message}`);
    });
    return s;
  }

  private forward(s: Session, frames: Buffer[]): void {
    try {
      s.conn?.send(frames);
    } catch (err) {
      this.stats.backendErrors++;
      this.control(s.identity, ControlCode.Malformed, `backend refused frames: ${(err as Error).message}`);
    }
  }

  private fromVpp(s: Session, frames: Buffer[]): void {
    if (s.ended || frames.length === 0) return;
    for (const f of frames) s.out.push(f);
    this.dirty.add(s);
    this.startPump();
  }

  private backendClosed(key: string, s: Session, reason: CloseReason): void {
    if (s.ended) return;
    this.dropSession(key, s);
    this.control(s.identity, ControlCode.SessionClosed, `${reason.kind}: ${reason.message}`);
  }

  private dropSession(key: string, s: Session): void {
    if (s.ended) return;
    this.flushSession(s);
    s.ended = true;
    if (this.sessions.get(key) === s) this.sessions.delete(key);
    this.stats.sessionsClosed++;
  }

  private async endSession(s: Session): Promise<void> {
    this.dropSession(s.identity.toString('latin1'), s);
    await s.conn?.close().catch(() => undefined);
  }

  /** Queues a control message after whatever VPP frames this identity is still owed. */
  private control(identity: Buffer, code: ControlCode, detail: string): void {
    const s = this.sessions.get(identity.toString('latin1'));
    if (s !== undefined) this.flushSession(s);
    this.queue.push([identity, ...encodeControl(code, detail)]);
    this.schedulePump();
  }

  private flushSession(s: Session): void {
    this.dirty.delete(s);
    const out = s.out;
    if (out.length === 0) return;
    for (let i = 0; i < out.length; i += this.maxBatch) {
      const end = Math.min(out.length, i + this.maxBatch);
      const msg: Buffer[] = new Array<Buffer>(end - i + 1);
      msg[0] = s.identity;
      for (let j = i; j < end; j++) msg[j - i + 1] = out[j] as Buffer;
      this.queue.push(msg);
    }
    this.stats.framesOut += out.length;
    s.out = [];
  }

  /**
   * Starts the writer at once when it is idle: a reply then leaves without waiting behind the
   * jobs queued in this tick. What VPP hands over while that send completes gathers behind it.
   */
  private startPump(): void {
    if (this.pumpScheduled || this.pumping) return;
    void this.pump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.pumping) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  /** The single writer: ZeroMQ allows one pending send per socket. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        for (const s of this.dirty) this.flushSession(s);
        const msg = this.takeQueued();
        if (msg === undefined || this.closed) break;
        this.stats.messagesOut++;
        try {
          await this.router.send(msg);
        } catch (err) {
          if (this.closed) break;
          this.stats.sendErrors++;
          // ROUTER is `mandatory`: an unroutable identity means that client is gone (crashed
          // without saying Bye), so its VPP registration is released instead of leaking.
          if ((err as { code?: string }).code === 'EHOSTUNREACH') this.peerGone(msg[0] as Buffer);
        }
      }
    } finally {
      this.pumping = false;
    }
    if (!this.closed && (this.queueHead < this.queue.length || this.dirty.size > 0)) this.schedulePump();
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

  private peerGone(identity: Buffer): void {
    const s = this.sessions.get(identity.toString('latin1'));
    if (s === undefined) return;
    this.stats.peersGone++;
    s.out = [];
    void this.endSession(s);
  }
}

function isFrame(f: Buffer): boolean {
  return f.length >= MIN_FRAME_BYTES;
}

/** The socket file behind an `ipc://` endpoint, or undefined for other transports. */
export function ipcSocketPath(endpoint: string): string | undefined {
  return endpoint.startsWith('ipc://') ? endpoint.slice('ipc://'.length) : undefined;
}

/**
 * The bridge's ROUTER side: one backend session per DEALER identity, frames forwarded both
 * ways unchanged (see contract.ts). VPP's frames for one client are gathered per event-loop
 * turn into one ZeroMQ message, which is what makes pipelined calls cheap.
 */
import { chmod } from 'node:fs/promises';
import { Router } from 'zeromq';
import type { CloseReason, VppBackend, VppConnection } from '../backend.js';
import { takeChainTable, type ChainTable } from './chain.js';
import { ChainGate, type GateResult } from './chain-gate.js';
import { RouterWriter } from './router-writer.js';
import {
  ControlCode, FEATURE_CHAIN, MEMCLNT_ID, MIN_FRAME_BYTES, encodeControl, frameMsgId, isControl, parseControl,
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
  /** Frames into which the bridge wrote an index from an earlier call's reply (chained messages). */
  patchedFrames: number;
}

interface Session {
  readonly identity: Buffer;
  conn?: VppConnection;
  /** Batches that arrived while the backend connection was being opened. */
  readonly waiting: { frames: Buffer[]; chain: ChainTable | undefined }[];
  /** Chained calls' replies and the frames held for them; made by the first chained message. */
  gate?: ChainGate;
  /** VPP frames not yet handed to ZeroMQ. */
  out: Buffer[];
  ended: boolean;
}

/** A running bridge: binds a ROUTER and serves every DEALER that sends `sockclnt_create`. */
export class BridgeServer {
  /** Live counters; read them, do not write them. */
  readonly stats: BridgeServerStats = {
    messagesIn: 0, framesIn: 0, messagesOut: 0, framesOut: 0,
    malformedFrames: 0, sessionsOpened: 0, sessionsClosed: 0, backendErrors: 0, sendErrors: 0, peersGone: 0, patchedFrames: 0,
  };
  private readonly sessions = new Map<string, Session>();
  private readonly dirty = new Set<Session>();
  private readonly writer: RouterWriter;
  private closed = false;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly router: Router,
    private readonly backend: VppBackend,
    private readonly maxBatch: number,
    /** The endpoint as bound (for `tcp://…:0` the port actually chosen). */
    readonly endpoint: string,
  ) {
    this.writer = new RouterWriter(router, {
      collect: () => {
        for (const s of this.dirty) this.flushSession(s);
      },
      pending: () => this.dirty.size > 0,
      sent: () => void this.stats.messagesOut++,
      failed: (msg, err) => {
        this.stats.sendErrors++;
        // ROUTER is `mandatory`: an unroutable identity means that client is gone (crashed
        // without saying Bye), so its VPP registration is released instead of leaking.
        if ((err as { code?: string }).code === 'EHOSTUNREACH') this.peerGone(msg[0] as Buffer);
      },
    });
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
    this.writer.stop();
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
    const chain = takeChainTable(frames);
    if (typeof chain === 'string') {
      this.stats.malformedFrames += frames.length;
      this.control(identity, ControlCode.Malformed, `dropped a chained message of ${frames.length} frame(s): ${chain}`);
      return;
    }
    if (chain === undefined && isControl(frames)) {
      const control = parseControl(frames);
      const s = this.sessions.get(key);
      if (control?.code === ControlCode.Bye && s !== undefined) void this.endSession(s);
      return;
    }
    this.stats.framesIn += frames.length;
    const good = frames.every(isFrame) ? frames : frames.filter(isFrame);
    // a chain's table counts frames as sent, so one with a bad frame cannot be forwarded in part
    if (good.length !== frames.length && chain !== undefined) {
      this.stats.malformedFrames += frames.length;
      this.control(identity, ControlCode.Malformed, `dropped a chained message of ${frames.length} frame(s): a frame is shorter than ${MIN_FRAME_BYTES} bytes`);
      return;
    }
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
    } else if (frameMsgId(first) === MEMCLNT_ID.sockclnt_create) {
      // the client starts over on this session (it had lost us): what it sent before is failed
      // on its side, so frames still held for it go, and it learns again what this bridge does
      s.gate?.reset();
      this.control(identity, ControlCode.Features, FEATURE_CHAIN);
    }
    if (s.conn === undefined) s.waiting.push({ frames: good, chain });
    else this.forward(s, good, chain);
  }

  private openSession(key: string, identity: Buffer): Session {
    const s: Session = { identity: Buffer.from(identity), waiting: [], out: [], ended: false };
    this.sessions.set(key, s);
    this.stats.sessionsOpened++;
    // ahead of VPP's answer to sockclnt_create, so the client knows before its session is up
    this.control(s.identity, ControlCode.Features, FEATURE_CHAIN);
    this.backend.connect().then((conn) => {
      if (s.ended) {
        void conn.close().catch(() => undefined);
        return;
      }
      s.conn = conn;
      conn.onFrames((frames) => this.fromVpp(s, frames));
      conn.onClose((reason) => this.backendClosed(key, s, reason));
      for (const batch of s.waiting.splice(0)) this.forward(s, batch.frames, batch.chain);
    }, (err: unknown) => {
      this.stats.backendErrors++;
      this.dropSession(key, s);
      this.control(s.identity, ControlCode.BackendUnavailable,
        `failed to open ${this.backend.kind} session: ${(err as Error).message}`);
    });
    return s;
  }

  private forward(s: Session, frames: Buffer[], chain?: ChainTable): void {
    let ready = frames;
    if (chain !== undefined || s.gate !== undefined) {
      const gated = (s.gate ??= new ChainGate()).admit(frames, chain);
      this.noteGated(s, gated);
      ready = gated.forward;
    }
    if (ready.length > 0) this.toVpp(s, ready);
  }

  private toVpp(s: Session, frames: Buffer[]): void {
    try {
      s.conn?.send(frames);
    } catch (err) {
      this.stats.backendErrors++;
      // a source among the refused frames would never be answered: nothing may wait for it
      s.gate?.reset();
      this.control(s.identity, ControlCode.Malformed, `backend refused frames: ${(err as Error).message}`);
    }
  }

  private fromVpp(s: Session, frames: Buffer[]): void {
    if (s.ended || frames.length === 0) return;
    for (const f of frames) s.out.push(f);
    this.dirty.add(s);
    if (s.gate?.busy === true) {
      const released = s.gate.observe(frames);
      this.noteGated(s, released);
      if (released.forward.length > 0) {
        this.toVpp(s, released.forward);
        // what VPP answers to the released frames right away leaves in the same message
        this.writer.schedule();
        return;
      }
    }
    this.writer.start();
  }

  private noteGated(s: Session, r: GateResult): void {
    this.stats.patchedFrames += r.patched;
    if (r.unknown === 0) return;
    this.stats.malformedFrames += r.unknown;
    this.control(s.identity, ControlCode.Malformed, `dropped ${r.unknown} chained frame(s) naming a call the bridge does not know`);
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
    this.writer.enqueue([identity, ...encodeControl(code, detail)]);
    this.writer.schedule();
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
      this.writer.enqueue(msg);
    }
    this.stats.framesOut += out.length;
    s.out = [];
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

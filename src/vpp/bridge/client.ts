/**
 * The agent's side of the bridge: a ZeroMQ DEALER that speaks VPP's binary API through
 * `ipnet-vpp-bridge`. It performs the socket-transport handshake, resolves messages by
 * `name_crc`, matches replies by `context`, ends dumps with `control_ping`, pipelines calls
 * within a bounded window, sends a lone call at once but gathers the calls made in reaction to
 * a reply (and those of `callBatch`) into one ZeroMQ message, and reconnects (with backoff)
 * after the bridge or VPP goes away, reporting VPP restarts.
 */
import { randomBytes } from 'node:crypto';
import { CHAIN_SOURCES_KEPT, ControlCode, FEATURE_CHAIN, isControl, parseControl, encodeControl } from './contract.js';
import { BridgeClosedError, BridgeProtocolError } from './errors.js';
import { Listeners, type BridgeClientEvents } from './events.js';
import { CallTracker, type CallOptions, type Msg } from './calls.js';
import { Handshake, type Session } from './handshake.js';
import { Outbox } from './outbox.js';
import { BridgeDealer, isConnectionLost } from './dealer.js';

/** How the client behaves; every field has a default. */
export interface BridgeClientOptions {
  /** Client name sent in `sockclnt_create` (VPP shows it in `show api clients`). */
  readonly name?: string;
  /** Per-call deadline in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Most calls awaiting their reply at once; further calls wait their turn (default 512). */
  readonly window?: number;
  /** Deadline of one handshake attempt in ms (default 3000). */
  readonly handshakeTimeoutMs?: number;
  /** Most VPP frames per ZeroMQ message (default 256): big enough to amortise, small enough to overlap. */
  readonly maxBatch?: number;
  /** Reconnect delays: first, cap (ms); doubles in between (default 50, 2000). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

type State = 'connecting' | 'ready' | 'closed';

/** A connection to VPP through the bridge; create it with `BridgeClient.connect`. */
export class BridgeClient {
  private readonly dealer: BridgeDealer;
  private readonly listeners = new Listeners<BridgeClientEvents>();
  private readonly calls: CallTracker;
  private readonly opts: Required<BridgeClientOptions>;
  private state: State = 'connecting';
  private session: Session | undefined;
  private handshake: Handshake | undefined;
  private lastPid: number | undefined;
  private readonly outbox: Outbox;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly readyWaiters: (() => void)[] = [];

  private constructor(readonly endpoint: string, opts: BridgeClientOptions) {
    this.opts = Object.freeze({
      name: opts.name ?? 'ipnet-agent',
      timeoutMs: opts.timeoutMs ?? 5000,
      window: opts.window ?? 512,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 3000,
      maxBatch: opts.maxBatch ?? DEFAULT_MAX_BATCH,
      backoff: opts.backoff ?? { initialMs: 50, maxMs: 2000 },
    });
    this.dealer = new BridgeDealer({
      routingId: `ipnet-${randomBytes(6).toString('hex')}`,
      sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0,
    });
    this.outbox = new Outbox(this.dealer, this.opts.maxBatch, (err) => this.lost(`failed to send to bridge: ${err.message}`));
    this.calls = new CallTracker(this.opts.window, this.opts.timeoutMs, (frame, ping, chain) => this.outbox.push(frame, ping, chain),
      (pid) => this.sawPid(pid));
    this.dealer.connect(endpoint);
    void this.receiveLoop();
  }

  /** Connects and completes the first handshake (retrying with backoff until `timeoutMs`). */
  static async connect(endpoint: string, opts: BridgeClientOptions = {}): Promise<BridgeClient> {
    const c = new BridgeClient(endpoint, opts);
    c.startHandshake();
    try {
      await c.ready(opts.timeoutMs ?? 5000);
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  /** Subscribes to `connected`, `disconnected`, `restart` or `event`; returns the unsubscriber. */
  on<K extends keyof BridgeClientEvents>(event: K, fn: (e: BridgeClientEvents[K]) => void): () => void {
    return this.listeners.on(event, fn);
  }

  /** True between a completed handshake and the next loss of the session. */
  get connected(): boolean {
    return this.state === 'ready';
  }

  /** The current session (client index and message table); undefined while reconnecting. */
  get current(): Session | undefined {
    return this.session;
  }

  /** VPP's PID as last reported by `control_ping_reply`. */
  get vpePid(): number | undefined {
    return this.lastPid;
  }

  /** Calls in flight and waiting, and the highest in-flight count seen (for tests and metrics). */
  get stats(): { inFlight: number; waiting: number; maxInFlight: number } {
    return this.calls.stats();
  }

  /** Resolves once a session is up; rejects with BridgeClosedError after `timeoutMs`. */
  ready(timeoutMs = this.opts.timeoutMs): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new BridgeClosedError('wait for VPP session', 'client closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BridgeClosedError(`connect to ${this.endpoint}`,
        `no session within ${timeoutMs} ms${this.lastError ? ` (last error: ${this.lastError})` : ''}`)), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends one request and resolves with its decoded reply; VppRetvalError when retval ≠ 0. */
  request(name: string, body: Msg = NO_FIELDS, opts: CallOptions = NO_OPTIONS): Promise<Msg> {
    const s = this.requireSession(`call ${name}`);
    return this.calls.request(s, name, body, opts);
  }

  /**
   * Sends a request whose reply names a new interface in `field`. When the bridge writes real
   * indexes over stand-ins (it said so on this session), `standIn` is one that calls made
   * after this one may use in the interface's place before the reply is in; else undefined.
   */
  requestIndexed(name: string, body: Msg, field: string, opts: CallOptions = NO_OPTIONS): { readonly standIn: number | undefined; readonly reply: Promise<Msg> } {
    const s = this.requireSession(`call ${name}`);
    if (!this.chains) return { standIn: undefined, reply: this.calls.request(s, name, body, opts) };
    return this.calls.requestIndexed(s, name, body, opts, field);
  }

  /** Calls made until the jobs queued so far have run leave together, as one ZeroMQ message. */
  gather(): void {
    this.outbox.gather();
  }

  /** Sends a dump (plus `control_ping`) and resolves with every details message, in order. */
  dump(name: string, body: Msg = NO_FIELDS, opts: CallOptions = NO_OPTIONS): Promise<Msg[]> {
    const s = this.requireSession(`dump ${name}`);
    return this.calls.dump(s, name, body, opts);
  }

  /** Pings VPP; resolves with its PID (a change is also reported as a `restart` event). */
  ping(opts: CallOptions = NO_OPTIONS): Promise<number> {
    // `then`, not `async`: a suspended async function holds several times the memory of a
    // reaction, and thousands of pings may be waiting for the window at once.
    try {
      return this.request('control_ping', NO_FIELDS, opts).then(pidOf);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Issues several calls in the same tick (one ZeroMQ message) and settles each separately. */
  callBatch(calls: readonly BatchCall[]): Promise<BatchResult[]> {
    this.outbox.gather();
    const promises = calls.map((c) => (c.dump === true ? this.dump(c.name, c.body, c) : this.request(c.name, c.body, c)));
    return Promise.all(promises.map((p) => p.then(
      (value): BatchResult => ({ ok: true, value }),
      (error: unknown): BatchResult => ({ ok: false, error: error as Error }),
    )));
  }

  /** Ends the session politely and closes the socket; pending calls fail with BridgeClosedError. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const hadSession = this.state === 'ready';
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    this.handshake?.cancel();
    this.calls.failAll(new BridgeClosedError('finish call', 'client closed'));
    await this.outbox.stop();
    if (hadSession) await this.dealer.send(encodeControl(ControlCode.Bye)).catch(() => undefined);
    this.dealer.close();
  }

  private lastError = '';
  /** The bridge of this session announced chained messages. */
  private chains = false;

  private requireSession(doing: string): Session {
    if (this.state !== 'ready' || this.session === undefined) {
      throw new BridgeClosedError(doing, this.state === 'closed' ? 'client closed' : 'reconnecting to VPP');
    }
    return this.session;
  }

  private startHandshake(): void {
    if (this.state === 'closed') return;
    this.handshake?.cancel();
    const hs = new Handshake(this.opts.name, this.opts.handshakeTimeoutMs);
    this.handshake = hs;
    this.outbox.push(hs.request);
    hs.result.then((session) => {
      if (this.handshake !== hs || this.state === 'closed') return;
      this.handshake = undefined;
      this.session = session;
      this.state = 'ready';
      this.attempt = 0;
      this.listeners.emit('connected', { clientIndex: session.clientIndex, messages: session.table.size });
      for (const w of this.readyWaiters.splice(0)) w();
      // Learn VPP's PID now, so a restart across this reconnect is noticed.
      this.ping().catch(() => undefined);
    }, (err: Error) => {
      if (this.handshake !== hs) return;
      this.handshake = undefined;
      this.lastError = err.message;
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.state === 'closed' || this.retryTimer !== undefined) return;
    const { initialMs, maxMs } = this.opts.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.startHandshake();
    }, delay);
  }

  /** The session is gone (bridge said so, or the ZeroMQ peer vanished): fail calls, reconnect. */
  private lost(reason: string, vppRestarted = false): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'connecting';
    this.session = undefined;
    // the next session may be with another bridge; it says again what it does
    this.chains = false;
    this.outbox.clear();
    this.calls.failAll(new BridgeClosedError('finish call', reason));
    if (wasReady) this.listeners.emit('disconnected', { reason });
    if (vppRestarted) {
      this.listeners.emit('restart', { previousPid: this.lastPid, pid: undefined, reason });
      this.lastPid = undefined;
    }
    if (this.handshake === undefined && this.retryTimer === undefined) this.scheduleRetry();
  }

  private sawPid(pid: number): void {
    const prev = this.lastPid;
    this.lastPid = pid;
    if (prev !== undefined && prev !== pid) {
      this.listeners.emit('restart', { previousPid: prev, pid, reason: `vpe_pid changed from ${prev} to ${pid}` });
    }
  }

  /**
   * `receive()` rather than the socket's async iterator: one promise per message, not three. The
   * loop ends when `receive()` fails, as it does once the socket is closed; asking `closed` on
   * every message would be one more call into C++ per message.
   */
  private async receiveLoop(): Promise<void> {
    try {
      for (;;) {
        const frames = await this.dealer.receive();
        if (isControl(frames)) this.control(frames);
        else if (isConnectionLost(frames)) this.lost('bridge connection lost');
        else {
          // A reply often releases a group of calls (the next dependent step): one message for them all.
          this.outbox.gather();
          for (const f of frames) this.frame(f);
        }
      }
    } catch (err) {
      if (this.state !== 'closed' && !this.dealer.closed) this.lastError = `receive failed: ${(err as Error).message}`;
    }
  }

  private frame(f: Buffer): void {
    if (this.handshake?.accept(f) === true) return;
    const s = this.session;
    if (s === undefined) return;
    const unsolicited = this.calls.accept(s, f);
    if (unsolicited !== undefined) this.listeners.emit('event', unsolicited);
  }

  private control(frames: Buffer[]): void {
    const c = parseControl(frames);
    if (c === undefined) return;
    switch (c.code) {
      case ControlCode.SessionClosed:
        this.lost(`bridge: session closed (${c.detail})`, c.detail.startsWith('restart'));
        break;
      case ControlCode.NoSession:
        this.lost(`bridge: ${c.detail}`);
        break;
      case ControlCode.BackendUnavailable:
        this.lastError = c.detail;
        this.handshake?.fail(new BridgeProtocolError(`failed to open VPP session: ${c.detail}`));
        this.lost(`bridge: ${c.detail}`);
        break;
      case ControlCode.Malformed:
        this.lastError = `bridge dropped frames: ${c.detail}`;
        break;
      case ControlCode.Features:
        // a chain table numbers frames with a u16, and the bridge remembers sources for a window this big
        this.chains = c.detail.split(' ').includes(FEATURE_CHAIN) && this.opts.window <= CHAIN_SOURCES_KEPT / 2 && this.opts.maxBatch <= 0xffff;
        break;
      default:
        break;
    }
  }
}

const NO_FIELDS: Msg = Object.freeze({});
const NO_OPTIONS: CallOptions = Object.freeze({});

function pidOf(reply: Msg): number {
  return Number(reply.vpe_pid);
}

/** Default of `maxBatch`: measured best throughput for zeromq.js (bigger multipart messages cost more per frame). */
export const DEFAULT_MAX_BATCH = 256;

/** One call of `callBatch`. */
export interface BatchCall extends CallOptions {
  readonly name: string;
  readonly body?: Msg;
  /** Send as a dump (details collected until control_ping_reply). */
  readonly dump?: boolean;
}

/** Outcome of one call of `callBatch`. */
export type BatchResult = { ok: true; value: Msg | Msg[] } | { ok: false; error: Error };

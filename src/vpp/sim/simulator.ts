/**
 * The VPP simulator as a backend: frames in, frames out, ids of its own. It decodes with the
 * shared codec, resolves `client_index` like VPP (unknown → silently ignored), dispatches,
 * encodes replies, details and events, and can be told to fail, delay, drop or restart.
 */
import type { VppBackend, VppConnection } from '../backend.js';
import { MessageTable, decode, encodeWithId } from '../binapi/index.js';
import { LoggedCall, type CallRecord } from './call-log.js';
import { assignIds } from './ids.js';
import { SimConnection, type ConnectionHost } from './connection.js';
import { releaseHostTap } from './devices.js';
import { dispatch, eventBody, isDump } from './engine.js';
import type { Msg } from './fields.js';
import type { ClientReg, OutMsg } from './handler.js';
import { IndexPool, makeRng } from './model.js';
import { snapshot, type SimSnapshot } from './snapshot.js';
import { SimState, type SimHostView } from './state.js';

export type { CallRecord } from './call-log.js';

/** Options of one simulated VPP. */
export interface SimulatorOptions {
  /** Node name used in traces and logs. */
  readonly name?: string;
  /** Seed for ids, pids and random MACs (default: random). */
  readonly seed?: number;
  /** The simulated host's Linux side (vhost-net present, which links exist). */
  readonly host?: Partial<SimHostView>;
  /** How many recent calls `callLog` keeps (the sim is a long-running product part). Default 10 000. */
  readonly callLogLimit?: number;
}

/** Counters of frames the simulator refused, as VPP would log and drop them. */
export interface SimStats {
  handled: number;
  malformed: number;
  unknownClient: number;
  unhandled: number;
  internal: number;
  /** Requests swallowed by `silenceMessage`. */
  silenced: number;
}

interface NameFault { name: string; retval: number; remaining: number }

/** A simulated VPP 24.02 (backend kind `sim`). */
export class VppSimulator implements VppBackend, ConnectionHost {
  readonly kind = 'sim' as const;
  readonly name: string;
  readonly callLog: CallRecord[] = [];
  readonly stats: SimStats = { handled: 0, malformed: 0, unknownClient: 0, unhandled: 0, internal: 0, silenced: 0 };
  /** The last internal failure, for diagnostics. */
  lastError: string | undefined;
  /** Called after each handled request is logged, before its reply leaves (fault injection: crash a client right after call k). Must not throw. */
  onCall: ((record: CallRecord) => void) | undefined;
  private readonly rng: () => number;
  private readonly host: SimHostView;
  private simState: SimState;
  private ids: MessageTable;
  private vpePid: number;
  private readonly conns = new Set<SimConnection>();
  private regs = new Map<number, { reg: ClientReg; conn: SimConnection }>();
  private regPool = new IndexPool();
  private connSeq = 0;
  private callCount = 0;
  private delay = 0;
  private readonly nthFaults = new Map<number, number>();
  private readonly nameFaults: NameFault[] = [];
  private readonly silenced: NameFault[] = [];
  private shutDown = false;
  private callSeq = 0;
  private readonly callLogLimit: number;

  constructor(opts: SimulatorOptions = {}) {
    this.name = opts.name ?? 'vpp';
    this.callLogLimit = Math.max(1, opts.callLogLimit ?? 10_000);
    this.rng = makeRng(opts.seed ?? Math.floor(Math.random() * 0xffffffff));
    this.host = { ...opts.host, vhostNet: opts.host?.vhostNet ?? true, hostLinkExists: opts.host?.hostLinkExists ?? (() => true) };
    this.simState = new SimState(this.host, this.rng());
    this.ids = assignIds(this.rng);
    this.vpePid = this.newPid(0);
  }

  private newPid(old: number): number {
    let pid = old;
    while (pid === old) pid = 100 + (this.rng() % 4_000_000);
    return pid;
  }

  /** The simulated VPP's process id (what control_ping_reply.vpe_pid carries). */
  get pid(): number {
    return this.vpePid;
  }

  /** The current message table (void after `restart`). */
  get messageTable(): MessageTable {
    return this.ids;
  }

  /** The live tables, for the tracer and tests that inspect rather than compare. */
  get state(): SimState {
    return this.simState;
  }

  async connect(): Promise<VppConnection> {
    if (this.shutDown) throw new Error(`failed to connect to simulator ${this.name}: it is closed`);
    const conn = new SimConnection(++this.connSeq, this);
    this.conns.add(conn);
    return conn;
  }

  async close(): Promise<void> {
    this.shutDown = true;
    this.releaseHost();
    for (const c of [...this.conns]) c.end({ kind: 'closed', message: `simulator ${this.name} closed` });
  }

  /** Plain JSON of every table (no pid, no ages). */
  dump(): SimSnapshot {
    return snapshot(this.simState);
  }

  /** Makes the k-th call (global count of requests with a reply, from 1, control_ping excluded) answer `retval`. */
  failCall(k: number, retval: number): void {
    this.nthFaults.set(k, retval);
  }

  /** Makes the next `times` calls of `name` answer `retval` without touching state. */
  failMessage(name: string, retval: number, times = Number.POSITIVE_INFINITY): void {
    this.nameFaults.push({ name, retval, remaining: times });
  }

  /** Makes the next `times` requests of `name` vanish unanswered (a client must time out, §1.7). */
  silenceMessage(name: string, times = Number.POSITIVE_INFINITY): void {
    this.silenced.push({ name, retval: 0, remaining: times });
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.nthFaults.clear();
    this.nameFaults.length = 0;
    this.silenced.length = 0;
  }

  /** Number of calls counted so far (what `failCall` indexes). */
  get calls(): number {
    return this.callCount;
  }

  /** Delays every outgoing message by `ms` (order is kept). */
  setDelay(ms: number): void {
    this.delay = Math.max(0, ms);
  }

  /** Breaks connections (all, or one by id) as a broken socket would: onClose 'dropped'. */
  dropConnection(id?: number): void {
    for (const c of [...this.conns]) if (id === undefined || c.id === id) c.end({ kind: 'dropped', message: `simulator ${this.name} dropped the connection` });
  }

  /** Simulates a VPP restart: all state lost, new pid and ids, every connection closed with 'restart'. */
  restart(): void {
    this.releaseHost();
    this.simState = new SimState(this.host, this.rng());
    this.ids = assignIds(this.rng);
    this.vpePid = this.newPid(this.vpePid);
    this.regs = new Map();
    this.regPool = new IndexPool();
    for (const c of [...this.conns]) c.end({ kind: 'restart', message: `simulator ${this.name} restarted (new pid ${this.vpePid})` });
  }

  /** A VPP that goes away takes its non-persistent TAPs' Linux sides with it. */
  private releaseHost(): void {
    for (const i of this.simState.interfaces.values()) releaseHostTap(this.simState, i.tap);
  }

  /** @internal ConnectionHost: frames from a client. */
  receive(conn: SimConnection, frames: readonly Buffer[]): void {
    const batches = new Map<SimConnection, Buffer[]>();
    const emit = (to: SimConnection, name: string, body: Msg): void => {
      const list = batches.get(to) ?? [];
      list.push(encodeWithId(this.ids.idOf(name), name, body));
      batches.set(to, list);
    };
    for (const f of frames) {
      try {
        this.handleFrame(conn, f, emit);
      } catch (err) {
        // a handler or encoder bug must not take the simulated VPP down; count it and go on
        this.stats.internal++;
        this.lastError = `failed to handle a frame on connection ${conn.id}: ${(err as Error).message}`;
      }
    }
    for (const [to, list] of batches) to.deliver(list, this.delay);
  }

  /** @internal ConnectionHost: a session ended; its registrations (and subscriptions) go. */
  detach(conn: SimConnection): void {
    this.conns.delete(conn);
    for (const [index, r] of this.regs) {
      if (r.conn !== conn) continue;
      this.regs.delete(index);
      this.regPool.put(index & 0x7fffffff);
    }
  }

  private handleFrame(conn: SimConnection, frame: Buffer, emit: (to: SimConnection, name: string, body: Msg) => void): void {
    const r = decode(this.ids, frame, { trailing: 'ignore' });
    if (!r.ok) {
      this.stats.malformed++;
      return;
    }
    const m = r.msg;
    if (r.name === 'sockclnt_create') {
      const reg: ClientReg = { index: (0x80000000 | this.regPool.get()) >>> 0, interfaceEvents: undefined };
      this.regs.set(reg.index, { reg, conn });
      const table = this.ids.entries();
      emit(conn, 'sockclnt_create_reply', { client_index: 0, context: m.context, response: 0, index: reg.index, count: table.length, message_table: table });
      return;
    }
    if (this.ids.defAt(r.id)?.kind !== 'request') {
      this.stats.unhandled++;
      return;
    }
    const found = this.regs.get(typeof m.client_index === 'number' ? m.client_index : -1);
    if (found === undefined) {
      this.stats.unknownClient++;
      return;
    }
    if (r.name === 'sockclnt_delete') {
      const target = this.regs.get(typeof m.index === 'number' ? m.index : -1);
      emit(found.conn, 'sockclnt_delete_reply', { context: m.context, response: target === undefined ? -1 : 1 });
      if (target !== undefined) {
        this.regs.delete(target.reg.index);
        this.regPool.put(target.reg.index & 0x7fffffff);
      }
      return;
    }
    const mute = this.silenced.length === 0 ? undefined : this.silenced.find((f) => f.name === r.name && f.remaining > 0);
    if (mute !== undefined) {
      mute.remaining--;
      this.stats.silenced++;
      return;
    }
    const override = this.faultFor(r.name);
    const res = dispatch({ s: this.simState, pid: this.vpePid, client: found.reg }, r.name, m, override);
    if (res === undefined) {
      this.stats.unhandled++;
      return;
    }
    this.stats.handled++;
    this.record(LoggedCall.ofFrame(++this.callSeq, found.conn.id, r.name, frame, this.ids, res.retval, override !== undefined));
    for (const o of res.out) emit(found.conn, o.name, o.body);
    this.sendEvents(emit);
  }

  private record(rec: CallRecord): void {
    this.callLog.push(rec);
    this.onCall?.(rec);
    // trim in chunks so the log stays bounded without shifting the array on every call
    if (this.callLog.length > this.callLogLimit * 1.1) this.callLog.splice(0, this.callLog.length - this.callLogLimit);
  }

  private faultFor(name: string): number | undefined {
    if (isDump(name) || name === 'control_ping') return undefined;
    const n = ++this.callCount;
    const nth = this.nthFaults.size === 0 ? undefined : this.nthFaults.get(n);
    if (nth !== undefined) return nth;
    const rule = this.nameFaults.length === 0 ? undefined : this.nameFaults.find((f) => f.name === name && f.remaining > 0);
    if (rule === undefined) return undefined;
    rule.remaining--;
    return rule.retval;
  }

  private sendEvents(emit: (to: SimConnection, name: string, body: Msg) => void): void {
    const events = this.simState.takeEvents();
    if (events.length === 0) return;
    for (const { reg, conn } of this.regs.values()) {
      const sub = reg.interfaceEvents;
      if (sub === undefined) continue;
      for (const e of events) emit(conn, 'sw_interface_event', eventBody(e, reg.index, sub.pid));
    }
  }

  /** Runs a decoded request straight through the handlers (no frames): for core tests and tools. */
  call(name: string, body: Msg, client: ClientReg = { index: 0, interfaceEvents: undefined }): OutMsg[] {
    const override = this.faultFor(name);
    const res = dispatch({ s: this.simState, pid: this.vpePid, client }, name, { context: 0, ...body }, override);
    if (res === undefined) throw new Error(`failed to call ${name} on simulator ${this.name}: no handler`);
    this.record(LoggedCall.ofBody(++this.callSeq, 0, name, body, res.retval, override !== undefined));
    this.simState.takeEvents();
    return res.out;
  }
}

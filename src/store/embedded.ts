/**
 * File-backed Store for standalone use (no etcd): an in-memory map with an etcd-like revision
 * counter. A write is applied in memory, then made durable before it resolves: appended to
 * the log (embedded-log.ts) with one fdatasync shared by every write of the batch, and folded
 * into a snapshot (embedded-file.ts) now and then (embedded-journal.ts). Opening replays the
 * snapshot, then the log records after it.
 */
import { StoreRequestError, StoreUnavailableError, causeText } from './errors.js';
import { loadSnapshot, lockStoreFile, type Snapshot, type StoredKV } from './embedded-file.js';
import { Journal, defaultCompaction, type CompactionPolicy } from './embedded-journal.js';
import { LogFile, logPathOf, readLog, recordsAfter, type LogOp } from './embedded-log.js';
import type { Compare, KV, Lease, Op, Store, StoreStatus, TxnResult, Watch, WatchEvent } from './types.js';

interface Entry extends KV {
  readonly lease: string | undefined;
}

interface LeaseState {
  readonly ttlSeconds: number;
  readonly expiresAtMs: number;
  readonly keys: Set<string>;
  timer: NodeJS.Timeout | undefined;
}

interface Watcher {
  readonly prefix: string;
  readonly onEvent: (ev: WatchEvent) => void;
}

type Mutation =
  | { readonly type: 'put'; readonly key: string; readonly value: string; readonly lease: string | undefined }
  | { readonly type: 'delete'; readonly key: string };

/** Tuning of `openEmbeddedStore`; the defaults suit the agent. */
export interface EmbeddedStoreOptions {
  readonly compaction?: CompactionPolicy;
}

/** Per-entry overhead counted in the live-data estimate (revisions, JSON punctuation). */
const ENTRY_OVERHEAD = 80;

/** Embedded backend of the Store contract; open it with `openEmbeddedStore`. */
export class EmbeddedStore implements Store {
  private readonly data = new Map<string, Entry>();
  private readonly leases = new Map<string, LeaseState>();
  private readonly watchers = new Set<Watcher>();
  private readonly statusListeners = new Set<(s: StoreStatus) => void>();
  private revision: number;
  private nextLeaseId: number;
  private bytes = 0;
  private journal: Journal | undefined;
  private closed = false;
  private unlock: () => Promise<void> = async () => undefined;

  private constructor(
    /** Path of the snapshot file (the log is `<path>.log`), named in every error. */
    readonly path: string,
    snap: Snapshot,
  ) {
    this.revision = snap.revision;
    this.nextLeaseId = snap.nextLeaseId;
    for (const l of snap.leases) this.leases.set(l.id, { ttlSeconds: l.ttlSeconds, expiresAtMs: l.expiresAtMs, keys: new Set(), timer: undefined });
    for (const kv of snap.kvs) {
      const lease = kv.lease !== undefined && this.leases.has(kv.lease) ? kv.lease : undefined;
      this.setEntry({ key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, lease });
    }
  }

  /**
   * Loads (or creates on first write) the store at `path`, locked to this instance; corrupt
   * files throw StoreCorruptError, a file held by a live process StoreRequestError.
   */
  static async open(path: string, opts: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    const unlock = await lockStoreFile(path);
    let store: EmbeddedStore;
    try {
      const snap = await loadSnapshot(path);
      const logPath = logPathOf(path);
      const contents = await readLog(logPath);
      const s = new EmbeddedStore(path, snap);
      const records = recordsAfter(logPath, snap.logSeq, contents.records);
      for (const rec of records) {
        for (const op of rec.ops) s.applyOp(op);
        s.revision = rec.revision;
        s.nextLeaseId = rec.nextLeaseId;
      }
      const source = { counters: () => ({ revision: s.revision, nextLeaseId: s.nextLeaseId }), liveBytes: () => s.bytes, snapshot: () => s.snapshot() };
      const seq = records.at(-1)?.seq ?? snap.logSeq;
      s.journal = new Journal(path, await LogFile.open(logPath, contents), seq, source, opts.compaction ?? defaultCompaction);
      store = s;
    } catch (err) {
      await unlock();
      throw err;
    }
    store.unlock = unlock;
    // Leases outlive the process on disk; those that ran out while we were down expire now.
    const expiring: Promise<void>[] = [];
    for (const id of store.leases.keys()) expiring.push(store.scheduleExpiry(id));
    await Promise.all(expiring);
    return store;
  }

  /** Folds the log into a fresh snapshot now instead of when it has grown enough. */
  compact(): Promise<void> {
    this.assertOpen('compact', this.path);
    return (this.journal as Journal).compact();
  }

  /** Bytes in the log since the last snapshot (what compaction bounds). */
  get logBytes(): number {
    return this.journal?.logBytes ?? 0;
  }

  async get(key: string): Promise<KV | undefined> {
    this.assertOpen('get', key);
    return publicKV(this.data.get(key));
  }

  async range(prefix: string): Promise<KV[]> {
    this.assertOpen('range', prefix);
    const out: KV[] = [];
    for (const e of this.data.values()) if (e.key.startsWith(prefix)) out.push(publicKV(e) as KV);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async put(key: string, value: string): Promise<void> {
    this.assertOpen('put', key);
    await this.commit('put', key, [{ type: 'put', key, value, lease: undefined }]);
  }

  async delete(key: string): Promise<boolean> {
    this.assertOpen('delete', key);
    const existed = this.data.has(key);
    await this.commit('delete', key, [{ type: 'delete', key }]);
    return existed;
  }

  async txn(compares: readonly Compare[], then: readonly Op[], otherwise: readonly Op[] = []): Promise<TxnResult> {
    this.assertOpen('txn', compares[0]?.key ?? '');
    const succeeded = compares.every((c) => this.holds(c));
    const ops = succeeded ? then : otherwise;
    await this.commit('txn', ops[0]?.key ?? '', ops.map((o) => (o.type === 'put' ? { ...o, lease: undefined } : o)));
    return { succeeded, revision: this.revision };
  }

  async watch(prefix: string, onEvent: (ev: WatchEvent) => void): Promise<Watch> {
    this.assertOpen('watch', prefix);
    const w: Watcher = { prefix, onEvent };
    this.watchers.add(w);
    return { close: async () => void this.watchers.delete(w) };
  }

  async lease(ttlSeconds: number): Promise<Lease> {
    this.assertOpen('grant lease', `ttl ${ttlSeconds}`);
    if (!(ttlSeconds > 0)) throw new StoreRequestError(`failed to grant lease: ttl must be positive, got ${ttlSeconds}`);
    const id = String(this.nextLeaseId++);
    const grant: LogOp = { g: id, ttl: ttlSeconds, exp: Date.now() + ttlSeconds * 1000 };
    this.applyOp(grant);
    await this.persist('grant lease', id, [grant]);
    void this.scheduleExpiry(id);
    return {
      id,
      put: async (key, value) => {
        this.assertOpen('put', key);
        if (!this.leases.has(id)) throw new StoreRequestError(`failed to put ${key}: lease ${id} has expired or was revoked`);
        await this.commit('put', key, [{ type: 'put', key, value, lease: id }]);
      },
      revoke: () => this.revoke(id),
    };
  }

  onStatus(listener: (status: StoreStatus) => void): () => void {
    this.statusListeners.add(listener);
    // A local file is always reachable: new listeners learn the current state once.
    queueMicrotask(() => this.statusListeners.has(listener) && listener('connected'));
    return () => void this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.leases.values()) clearTimeout(l.timer);
    this.watchers.clear();
    this.statusListeners.clear();
    // Writes already issued still complete, so a resolved put is on disk even across close.
    await this.journal?.close();
    await this.unlock();
  }

  private holds(c: Compare): boolean {
    const e = this.data.get(c.key);
    switch (c.op) {
      case 'absent': return e === undefined;
      case 'valueEquals': return e !== undefined && e.value === c.value;
      case 'modRevisionEquals': return (e?.modRevision ?? 0) === c.revision;
    }
  }

  /** Applies mutations at one new revision (if anything changes), notifies watchers, persists. */
  private async commit(verb: string, what: string, muts: readonly Mutation[], extra: readonly LogOp[] = []): Promise<void> {
    const rev = this.revision + 1;
    const events: WatchEvent[] = [];
    const ops: LogOp[] = [];
    for (const m of muts) {
      const op: LogOp = m.type === 'delete' ? { d: m.key } : { p: m.key, v: m.value, r: rev, ...(m.lease !== undefined && { l: m.lease }) };
      const ev = this.applyOp(op);
      if (!ev) continue;
      events.push(ev);
      ops.push(op);
    }
    if (events.length > 0) {
      this.revision = rev;
      this.notify(events);
    }
    await this.persist(verb, what, [...ops, ...extra]);
  }

  private async persist(verb: string, what: string, ops: readonly LogOp[]): Promise<void> {
    try {
      await (this.journal as Journal).write(ops);
    } catch (err) {
      throw new StoreUnavailableError(`failed to ${verb} ${what}: cannot persist ${this.path}: ${causeText(err)}`, { cause: err });
    }
  }

  /** Applies one logged change to memory (live writes and replay share it); the event it makes, if any. */
  private applyOp(op: LogOp): WatchEvent | undefined {
    if ('g' in op) return void this.leases.set(op.g, { ttlSeconds: op.ttl, expiresAtMs: op.exp, keys: new Set(), timer: undefined });
    if ('x' in op) return void this.leases.delete(op.x);
    const key = 'p' in op ? op.p : op.d;
    const prev = this.data.get(key);
    if (prev) {
      this.bytes -= prev.key.length + prev.value.length + ENTRY_OVERHEAD;
      if (prev.lease !== undefined) this.leases.get(prev.lease)?.keys.delete(key);
    }
    if ('d' in op) {
      if (!prev) return undefined;
      this.data.delete(key);
      return { type: 'delete', key, prev: publicKV(prev) };
    }
    const lease = op.l !== undefined && this.leases.has(op.l) ? op.l : undefined;
    const next: Entry = { key, value: op.v, createRevision: prev?.createRevision ?? op.r, modRevision: op.r, lease };
    this.setEntry(next);
    return { type: 'put', kv: publicKV(next) as KV, prev: publicKV(prev) };
  }

  private setEntry(e: Entry): void {
    this.data.set(e.key, e);
    this.bytes += e.key.length + e.value.length + ENTRY_OVERHEAD;
    if (e.lease !== undefined) this.leases.get(e.lease)?.keys.add(e.key);
  }

  private notify(events: readonly WatchEvent[]): void {
    const watchers = [...this.watchers];
    // Delivered after the caller's stack unwinds, in revision order, like a remote watch.
    queueMicrotask(() => {
      for (const ev of events) {
        const key = ev.type === 'put' ? ev.kv.key : ev.key;
        for (const w of watchers) if (this.watchers.has(w) && key.startsWith(w.prefix)) w.onEvent(ev);
      }
    });
  }

  private async revoke(id: string): Promise<void> {
    const l = this.leases.get(id);
    if (!l) return;
    clearTimeout(l.timer);
    const keys = [...l.keys].sort();
    this.leases.delete(id);
    await this.commit('revoke lease', id, keys.map((key) => ({ type: 'delete', key })), [{ x: id }]);
  }

  private async scheduleExpiry(id: string): Promise<void> {
    const l = this.leases.get(id);
    if (!l) return;
    const left = l.expiresAtMs - Date.now();
    if (left <= 0) return this.revoke(id);
    l.timer = setTimeout(() => void this.revoke(id).catch(() => undefined), left);
    l.timer.unref();
  }

  private snapshot(): Omit<Snapshot, 'logSeq'> {
    const kvs: StoredKV[] = [];
    for (const e of this.data.values()) {
      kvs.push(e.lease === undefined ? publicKV(e) as KV : { ...publicKV(e) as KV, lease: e.lease });
    }
    const leases = [...this.leases].map(([id, l]) => ({ id, ttlSeconds: l.ttlSeconds, expiresAtMs: l.expiresAtMs }));
    return { revision: this.revision, nextLeaseId: this.nextLeaseId, kvs, leases };
  }

  private assertOpen(verb: string, what: string): void {
    if (this.closed) throw new StoreRequestError(`failed to ${verb} ${what}: store ${this.path} is closed`);
  }
}

function publicKV(e: Entry | undefined): KV | undefined {
  return e && { key: e.key, value: e.value, createRevision: e.createRevision, modRevision: e.modRevision };
}

/** Opens the embedded store at `path` (see `EmbeddedStore.open`). */
export function openEmbeddedStore(path: string, opts?: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  return EmbeddedStore.open(path, opts);
}

/**
 * File-backed Store for standalone use (no etcd): an in-memory map with an etcd-like revision
 * counter, persisted through `embedded-file.ts` before any write resolves. Writes issued in
 * the same tick share one file replacement.
 */
import { StoreRequestError, StoreUnavailableError, causeText } from './errors.js';
import { loadSnapshot, lockStoreFile, saveSnapshot, type Snapshot, type StoredKV } from './embedded-file.js';
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

/** Embedded backend of the Store contract; open it with `openEmbeddedStore`. */
export class EmbeddedStore implements Store {
  private readonly data = new Map<string, Entry>();
  private readonly leases = new Map<string, LeaseState>();
  private readonly watchers = new Set<Watcher>();
  private readonly statusListeners = new Set<(s: StoreStatus) => void>();
  private revision: number;
  private nextLeaseId: number;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private writing = false;
  private closed = false;
  private unlock: () => Promise<void> = async () => undefined;

  private constructor(
    /** Path of the snapshot file, named in every error. */
    readonly path: string,
    snap: Snapshot,
  ) {
    this.revision = snap.revision;
    this.nextLeaseId = snap.nextLeaseId;
    for (const l of snap.leases) this.leases.set(l.id, { ttlSeconds: l.ttlSeconds, expiresAtMs: l.expiresAtMs, keys: new Set(), timer: undefined });
    for (const kv of snap.kvs) {
      const lease = kv.lease !== undefined && this.leases.has(kv.lease) ? kv.lease : undefined;
      this.data.set(kv.key, { key: kv.key, value: kv.value, createRevision: kv.createRevision, modRevision: kv.modRevision, lease });
      if (lease !== undefined) this.leases.get(lease)?.keys.add(kv.key);
    }
  }

  /**
   * Loads (or creates on first write) the store at `path`, locked to this instance; corrupt
   * files throw StoreCorruptError, a file held by a live process StoreRequestError.
   */
  static async open(path: string): Promise<EmbeddedStore> {
    const unlock = await lockStoreFile(path);
    let store: EmbeddedStore;
    try {
      store = new EmbeddedStore(path, await loadSnapshot(path));
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
    this.leases.set(id, { ttlSeconds, expiresAtMs: Date.now() + ttlSeconds * 1000, keys: new Set(), timer: undefined });
    await this.commit('grant lease', id, []);
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
    if (this.writing || this.waiters.length > 0) await new Promise<void>((r) => this.waiters.push({ resolve: r, reject: () => r() }));
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
  private async commit(verb: string, what: string, muts: readonly Mutation[]): Promise<void> {
    const events = this.apply(muts);
    if (events.length > 0) this.notify(events);
    try {
      await this.persist();
    } catch (err) {
      throw new StoreUnavailableError(`failed to ${verb} ${what}: cannot persist ${this.path}: ${causeText(err)}`, { cause: err });
    }
  }

  private apply(muts: readonly Mutation[]): WatchEvent[] {
    const events: WatchEvent[] = [];
    const rev = this.revision + 1;
    for (const m of muts) {
      const prev = this.data.get(m.key);
      if (prev?.lease !== undefined) this.leases.get(prev.lease)?.keys.delete(m.key);
      if (m.type === 'delete') {
        if (!prev) continue;
        this.data.delete(m.key);
        events.push({ type: 'delete', key: m.key, prev: publicKV(prev) });
        continue;
      }
      const next: Entry = { key: m.key, value: m.value, createRevision: prev?.createRevision ?? rev, modRevision: rev, lease: m.lease };
      this.data.set(m.key, next);
      if (m.lease !== undefined) this.leases.get(m.lease)?.keys.add(m.key);
      events.push({ type: 'put', kv: publicKV(next) as KV, prev: publicKV(prev) });
    }
    if (events.length > 0) this.revision = rev;
    return events;
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
    this.leases.delete(id);
    await this.commit('revoke lease', id, [...l.keys].sort().map((key) => ({ type: 'delete', key })));
  }

  private async scheduleExpiry(id: string): Promise<void> {
    const l = this.leases.get(id);
    if (!l) return;
    const left = l.expiresAtMs - Date.now();
    if (left <= 0) return this.revoke(id);
    l.timer = setTimeout(() => void this.revoke(id).catch(() => undefined), left);
    l.timer.unref();
  }

  /** Resolves once a snapshot taken after this call is on disk; same-tick calls share it. */
  private persist(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.waiters.length === 1 && !this.writing) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    if (this.writing || this.waiters.length === 0) return;
    const batch = this.waiters;
    this.waiters = [];
    this.writing = true;
    saveSnapshot(this.path, this.snapshot()).then(
      () => batch.forEach((w) => w.resolve()),
      (err: Error) => batch.forEach((w) => w.reject(err)),
    ).finally(() => {
      this.writing = false;
      this.flush();
    });
  }

  private snapshot(): Snapshot {
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
export function openEmbeddedStore(path: string): Promise<EmbeddedStore> {
  return EmbeddedStore.open(path);
}

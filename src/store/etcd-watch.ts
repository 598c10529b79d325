/**
 * A prefix watch on etcd that survives outages and compaction: it keeps the prefix's last
 * known contents, so when etcd cancels the watch (history compacted away while we were
 * disconnected) it re-reads the prefix, emits the difference as ordinary events, and watches
 * again from the revision it read at.
 */
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { KV, Watch, WatchEvent } from './types.js';

/** etcd's wire pair as a Store KV. */
export function toKV(kv: IKeyValue): KV {
  return { key: kv.key.toString(), value: kv.value.toString(), modRevision: Number(kv.mod_revision), createRevision: Number(kv.create_revision) };
}

/** Events that turn the contents `before` into `after` (both keyed by key); pure for testing. */
export function diffContents(before: ReadonlyMap<string, KV>, after: ReadonlyMap<string, KV>): WatchEvent[] {
  const events: WatchEvent[] = [];
  for (const [key, prev] of before) if (!after.has(key)) events.push({ type: 'delete', key, prev });
  for (const [key, kv] of after) {
    const prev = before.get(key);
    if (!prev || prev.modRevision !== kv.modRevision) events.push({ type: 'put', kv, prev });
  }
  return events;
}

/** Dependencies the watch needs from the store it belongs to. */
export interface PrefixWatchDeps {
  readonly client: Etcd3;
  /** Reads the prefix with the revision it was read at (throws StoreUnavailableError). */
  readonly read: (prefix: string) => Promise<{ kvs: KV[]; revision: number }>;
  /** Called on a resync failure so the store can report it; the watch keeps retrying. */
  readonly onTrouble: (err: unknown) => void;
  /** Called after each rebuild from a fresh read (compaction or cancel by etcd). */
  readonly onResync: () => void;
  readonly retryMs: { readonly min: number; readonly max: number };
}

/** Store.watch for the etcd backend. */
export class EtcdPrefixWatch implements Watch {
  private readonly contents = new Map<string, KV>();
  private watcher: Watcher | undefined;
  private closed = false;
  constructor(
    private readonly deps: PrefixWatchDeps,
    private readonly prefix: string,
    private readonly onEvent: (ev: WatchEvent) => void,
  ) {}

  /** Reads the prefix and starts watching just after that revision. */
  async start(): Promise<void> {
    const { kvs, revision } = await this.deps.read(this.prefix);
    for (const kv of kvs) this.contents.set(kv.key, kv);
    this.attach(revision + 1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.watcher;
    this.watcher = undefined;
    // Cancelling waits for etcd's acknowledgement, which never comes while it is down.
    if (w) await Promise.race([w.cancel(), new Promise((r) => setTimeout(r, 1000).unref())]).catch(() => undefined);
  }

  private attach(fromRevision: number): void {
    const w = this.deps.client.watch().prefix(this.prefix).withPreviousKV().startRevision(String(fromRevision)).watcher();
    this.watcher = w;
    w.on('put', (raw, rawPrev) => {
      if (this.watcher !== w || this.closed) return;
      const kv = toKV(raw);
      const prev = rawPrev ? toKV(rawPrev) : this.contents.get(kv.key);
      this.contents.set(kv.key, kv);
      this.onEvent({ type: 'put', kv, prev });
    });
    w.on('delete', (raw, rawPrev) => {
      if (this.watcher !== w || this.closed) return;
      const key = raw.key.toString();
      const prev = rawPrev ? toKV(rawPrev) : this.contents.get(key);
      this.contents.delete(key);
      this.onEvent({ type: 'delete', key, prev });
    });
    // etcd cancels a watch whose start revision was compacted; rebuild from a fresh read.
    w.on('error', () => {
      if (this.watcher !== w || this.closed) return;
      this.watcher = undefined;
      // etcd3 already dropped a cancelled watcher; cancelling it again would wait forever.
      w.removeAllListeners();
      w.on('error', () => undefined);
      void this.resync();
    });
  }

  private async resync(): Promise<void> {
    let delay = this.deps.retryMs.min;
    while (!this.closed) {
      try {
        const { kvs, revision } = await this.deps.read(this.prefix);
        if (this.closed) return;
        const after = new Map(kvs.map((kv) => [kv.key, kv]));
        const events = diffContents(this.contents, after);
        this.contents.clear();
        for (const [k, v] of after) this.contents.set(k, v);
        this.deps.onResync();
        for (const ev of events) this.onEvent(ev);
        this.attach(revision + 1);
        return;
      } catch (err) {
        this.deps.onTrouble(err);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.deps.retryMs.max);
      }
    }
  }
}

/**
 * etcd backend of the Store contract. Losing etcd is an event, not a crash: every call has a
 * short deadline and fails with a retryable StoreUnavailableError, a health probe with
 * backoff drives the connected/disconnected status, and watches resume on their own.
 */
import {
  ClientClosedError, Etcd3, EtcdLeaseInvalidError, EtcdPermissionDeniedError, GRPCFailedPreconditionError,
  GRPCInvalidArgumentError, GRPCNotImplementedError, GRPCOutOfRangeError, type IOptions, type ICompare, type IRequestOp,
} from 'etcd3';
import { StoreRequestError, StoreUnavailableError, causeText } from './errors.js';
import { EtcdPrefixWatch, toKV } from './etcd-watch.js';
import type { Compare, KV, Lease, Op, Store, StoreStatus, TxnResult, Watch, WatchEvent } from './types.js';

/** Tunables of the etcd backend; defaults suit an agent (fail fast, reconnect quickly). */
export interface EtcdStoreOptions {
  readonly endpoints: readonly string[];
  /** Deadline of every unary call; a call never hangs longer than this. Default 2000. */
  readonly callTimeoutMs?: number;
  /** Health probe period while connected. Default 1000. */
  readonly probeIntervalMs?: number;
  /** Backoff bounds for probes and watch re-establishment while disconnected. Default 100..2000. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

type FaultHandling = NonNullable<IOptions['faultHandling']>;

// etcd3's default retry + 5 s circuit breaker would keep failing calls for seconds after etcd
// is back; our deadline and probe loop replace them, so each call goes straight through.
const passThrough = {
  execute: async <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T) => fn({ signal: new AbortController().signal }),
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
} as unknown as NonNullable<FaultHandling['global']>;

class CappedBackoff {
  constructor(readonly duration: number, private readonly max: number) {}
  next(): CappedBackoff {
    return new CappedBackoff(Math.min(this.duration * 2, this.max), this.max);
  }
}

const requestErrors = [ClientClosedError, EtcdLeaseInvalidError, EtcdPermissionDeniedError, GRPCFailedPreconditionError,
  GRPCInvalidArgumentError, GRPCNotImplementedError, GRPCOutOfRangeError];

const buf = (s: string) => Buffer.from(s);

/** Store on a real etcd cluster (etcd3 client); create with `openEtcdStore`. */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly callTimeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly retry: { min: number; max: number };
  private readonly listeners = new Set<(s: StoreStatus) => void>();
  private readonly watches = new Set<EtcdPrefixWatch>();
  private status: StoreStatus | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly firstProbe: Promise<void>;
  private resyncCount = 0;

  constructor(opts: EtcdStoreOptions) {
    this.callTimeoutMs = opts.callTimeoutMs ?? 2000;
    this.probeIntervalMs = opts.probeIntervalMs ?? 1000;
    this.retry = { min: opts.retryMinMs ?? 100, max: opts.retryMaxMs ?? 2000 };
    this.client = new Etcd3({
      hosts: [...opts.endpoints],
      dialTimeout: this.callTimeoutMs,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + this.callTimeoutMs }),
      faultHandling: { host: () => passThrough, global: passThrough, watchBackoff: new CappedBackoff(this.retry.min, this.retry.max) },
    });
    this.firstProbe = new Promise((ready) => void this.probeLoop(ready));
  }

  /** Resolves after the first health probe settled (either way), so status is known. */
  ready(): Promise<void> {
    return this.firstProbe;
  }

  /** Watches rebuilt from a fresh read after etcd cancelled them (e.g. compaction); for diagnostics. */
  get watchResyncs(): number {
    return this.resyncCount;
  }

  async get(key: string): Promise<KV | undefined> {
    const res = await this.call('get', key, () => this.client.get(key).exec());
    const kv = res.kvs[0];
    return kv && toKV(kv);
  }

  async range(prefix: string): Promise<KV[]> {
    return (await this.readPrefix(prefix)).kvs;
  }

  async put(key: string, value: string): Promise<void> {
    await this.call('put', key, () => this.client.put(key).value(value).exec());
  }

  async delete(key: string): Promise<boolean> {
    const res = await this.call('delete', key, () => this.client.delete().key(key).exec());
    return Number(res.deleted) > 0;
  }

  async txn(compares: readonly Compare[], then: readonly Op[], otherwise: readonly Op[] = []): Promise<TxnResult> {
    const res = await this.call('commit txn on', compares[0]?.key ?? then[0]?.key ?? '', () => this.client.kv.txn({
      compare: compares.map(toCompare), success: then.map(toRequest), failure: otherwise.map(toRequest),
    }));
    return { succeeded: res.succeeded, revision: Number(res.header.revision) };
  }

  async watch(prefix: string, onEvent: (ev: WatchEvent) => void): Promise<Watch> {
    this.assertOpen('watch', prefix);
    const w = new EtcdPrefixWatch({
      client: this.client,
      read: (p) => this.readPrefix(p),
      onTrouble: () => this.kick(),
      onResync: () => void this.resyncCount++,
      retryMs: this.retry,
    }, prefix, onEvent);
    await w.start();
    this.watches.add(w);
    return { close: async () => { this.watches.delete(w); await w.close(); } };
  }

  async lease(ttlSeconds: number): Promise<Lease> {
    const lease = this.client.lease(ttlSeconds, { autoKeepAlive: false });
    lease.on('lost', () => undefined);
    const id = await this.call('grant lease', `ttl ${ttlSeconds}`, () => lease.grant());
    return {
      id,
      put: async (key, value) => void (await this.call('put', key, () => lease.put(key).value(value).exec())),
      revoke: () => this.call('revoke lease', id, () => lease.revoke()),
    };
  }

  onStatus(listener: (status: StoreStatus) => void): () => void {
    this.listeners.add(listener);
    const now = this.status;
    if (now) queueMicrotask(() => this.listeners.has(listener) && listener(now));
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await Promise.all([...this.watches].map((w) => w.close()));
    this.watches.clear();
    this.listeners.clear();
    this.client.close();
  }

  private async readPrefix(prefix: string): Promise<{ kvs: KV[]; revision: number }> {
    const res = await this.call('range', prefix, () => this.client.getAll().prefix(prefix).exec());
    return { kvs: res.kvs.map(toKV), revision: Number(res.header.revision) };
  }

  /** Runs one etcd call, translating failures into typed store errors with context. */
  private async call<T>(verb: string, what: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen(verb, what);
    try {
      return await fn();
    } catch (err) {
      const msg = `failed to ${verb} ${what}: ${causeText(err)}`;
      if (this.closed || requestErrors.some((c) => err instanceof c)) throw new StoreRequestError(msg, { cause: err });
      this.kick();
      throw new StoreUnavailableError(msg, { cause: err });
    }
  }

  private assertOpen(verb: string, what: string): void {
    if (this.closed) throw new StoreRequestError(`failed to ${verb} ${what}: etcd store is closed`);
  }

  /** A call failed: probe now instead of at the next tick, so status follows quickly. */
  private kick(): void {
    this.wake?.();
  }

  private setStatus(s: StoreStatus): void {
    if (this.status === s || this.closed) return;
    this.status = s;
    for (const l of [...this.listeners]) l(s);
  }

  /** Probes forever: every interval while connected, with growing backoff while not. */
  private async probeLoop(markReady: () => void): Promise<void> {
    let delay = this.retry.min;
    while (!this.closed) {
      let ok = true;
      try {
        await this.client.maintenance.status();
      } catch {
        ok = false;
      }
      this.setStatus(ok ? 'connected' : 'disconnected');
      markReady();
      const pause = ok ? this.probeIntervalMs : delay;
      delay = ok ? this.retry.min : Math.min(delay * 2, this.retry.max);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

function toCompare(c: Compare): ICompare {
  switch (c.op) {
    case 'absent': return { key: buf(c.key), result: 'Equal', target: 'Create', create_revision: 0 };
    case 'valueEquals': return { key: buf(c.key), result: 'Equal', target: 'Value', value: buf(c.value) };
    case 'modRevisionEquals': return { key: buf(c.key), result: 'Equal', target: 'Mod', mod_revision: c.revision };
  }
}

function toRequest(o: Op): IRequestOp {
  return o.type === 'put'
    ? { request_put: { key: buf(o.key), value: buf(o.value) } }
    : { request_delete_range: { key: buf(o.key) } };
}

/** Opens an etcd store and waits for its first health probe (it may start disconnected). */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const store = new EtcdStore(opts);
  await store.ready();
  return store;
}

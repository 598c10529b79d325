/**
 * Pod IP allocations that survive restarts and concurrent writers: the pure `PodIpPool`
 * decides, the Store records, and a transaction on the `ips/<ip>` key (see layout.ts) makes
 * sure no two writers ever record the same IP.
 */
import {
  IpamError, type AllocateOptions, type LivePod, type NodeAddressing, type PodAllocation, type PodId, type PodIpPool,
  podKey, rebuildAllocations,
} from '../ipam/index.js';
import { causeText } from '../store/errors.js';
import type { Compare, KV, Op, Store } from '../store/types.js';
import { IpamKeys, decodeRecord, encodeRecord, ipsOf, ownerValue, parseOwner } from './layout.js';

/** A store failure while reading or writing IPAM records (the pool is left unchanged). */
export class IpamStoreError extends IpamError {
  override readonly name: string = 'IpamStoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A reservation lost its IP (or its pod) to another writer between reserve and commit. */
export class IpRaceLostError extends IpamStoreError {
  override readonly name: string = 'IpRaceLostError';
}

/** An IP held in memory for a pod (see `PersistentIpam.reserve`). */
export interface IpReservation {
  readonly ip: string;
  /**
   * Records the allocation and `extra` ops in one store transaction. Throws IpamStoreError
   * when the store fails (the reservation stays held: cancel or release it), IpRaceLostError
   * when another writer recorded the IP or the pod first (the reservation is then gone).
   */
  commit(extra?: readonly Op[]): Promise<void>;
  /** Frees the IP again if it was never committed. */
  cancel(): void;
}

/** What `open` changed to reconcile the store with the live pods. */
export interface OpenReport {
  readonly released: readonly PodAllocation[];
  readonly adopted: readonly PodAllocation[];
}

const CHUNK = 64;

/** The node's pod IP allocator backed by the Store. */
export class PersistentIpam {
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Pods whose IP is held in memory but not yet in the store (see `reserve`). */
  private readonly reserved = new Set<string>();

  private constructor(
    private readonly store: Store,
    /** Key layout of this node's records. */
    readonly keys: IpamKeys,
    private readonly pool: PodIpPool,
    /** Outcome of the startup reconciliation. */
    readonly opened: OpenReport,
  ) {}

  /**
   * Loads this node's records, reconciles them with the live pods and writes the result back.
   * `livePods` undefined = no pod truth available: keep every persisted record of the subnet.
   */
  static async open(
    store: Store, nodeName: string, addressing: NodeAddressing, livePods: readonly LivePod[] | undefined,
  ): Promise<PersistentIpam> {
    const keys = new IpamKeys(nodeName);
    const kvs = await wrap(`load IPAM records of node ${nodeName}`, () => store.range(keys.prefix));
    const allocations: PodAllocation[] = [];
    let cursor: number | undefined;
    for (const kv of kvs) {
      const pod = keys.podOfKey(kv.key);
      const rec = pod && decodeRecord(pod, kv.value);
      if (rec) allocations.push(rec);
      if (kv.key === keys.cursor) cursor = Number(kv.value);
    }
    const r = rebuildAllocations({ allocations, cursor }, livePods, addressing);
    const ipam = new PersistentIpam(store, keys, r.pool, { released: r.released, adopted: r.adopted });
    await ipam.writeBack(kvs);
    return ipam;
  }

  /** Main IP of a pod: the recorded one if any, else a new one persisted before it is returned. */
  allocate(pod: PodId, opts: AllocateOptions = {}): Promise<string> {
    return this.serial(pod, () => this.doAllocate(pod, opts));
  }

  /**
   * Holds an IP for a pod in memory only (no other pod of this instance can get it) until the
   * caller records it with `commit`, together with its own ops, in one store transaction.
   */
  reserve(pod: PodId, opts: AllocateOptions = {}): Promise<IpReservation> {
    return this.serial(pod, async () => this.doReserve(pod, opts));
  }

  /** A new, persisted IP for a custom interface of a pod that has a main IP. */
  allocateCustomIf(pod: PodId, ifName: string, network = ''): Promise<string> {
    return this.serial(pod, () => this.doAllocateCustom(pod, ifName, network));
  }

  /** Frees a pod's IPs here and in the store; undefined when neither knew the pod. */
  release(pod: PodId): Promise<PodAllocation | undefined> {
    return this.serial(pod, () => this.doRelease(pod));
  }

  /** The pod's allocation as this instance knows it. */
  get(pod: PodId): PodAllocation | undefined {
    return this.pool.get(pod);
  }

  /** Owner of an assigned IP. */
  podFromIP(ip: string): PodId | undefined {
    return this.pool.podFromIP(ip);
  }

  /** All allocations, sorted by namespace then name (REST `allocations`). */
  list(): PodAllocation[] {
    return this.pool.list();
  }

  /** Round-robin cursor, allocatable capacity and usage (metrics, REST). */
  stats(): { cursor: number; capacity: number; inUse: number; subnet: string } {
    return { cursor: this.pool.cursor, capacity: this.pool.capacity, inUse: this.pool.inUse, subnet: this.pool.subnet };
  }

  private async doAllocate(pod: PodId, opts: AllocateOptions): Promise<string> {
    for (let attempt = 0; attempt <= this.pool.capacity + 1; attempt++) {
      const r = this.doReserve(pod, opts);
      try {
        await r.commit();
        return r.ip;
      } catch (err) {
        if (!(err instanceof IpRaceLostError)) {
          r.cancel();
          throw err;
        }
      }
      // the pod's own record may be the other writer's work: then that IP is the pod's
      const stored = await this.readRecord(pod);
      if (stored && this.pool.adopt(stored)) return stored.ip;
    }
    throw new IpamStoreError(`failed to allocate an IP for pod ${podKey(pod)}: every candidate was taken by another writer`);
  }

  private doReserve(pod: PodId, opts: AllocateOptions): IpReservation {
    const who = podKey(pod);
    const known = this.pool.get(pod);
    if (known && !this.pool.external && !this.reserved.has(who)) {
      return { ip: known.ip, commit: (extra = []) => this.commitExtra(who, extra), cancel: () => undefined };
    }
    // a reservation left open by a failed ADD whose revert could not release it is taken over
    const ip = this.pool.allocate(pod, opts);
    this.reserved.add(who);
    const alloc = this.pool.get(pod) as PodAllocation;
    const compares: Compare[] = [];
    const ops: Op[] = [{ type: 'put', key: this.keys.pod(pod), value: encodeRecord(alloc) }];
    if (!this.pool.external) {
      compares.push({ key: this.keys.pod(pod), op: 'absent' }, { key: this.keys.ip(ip), op: 'absent' });
      ops.push({ type: 'put', key: this.keys.ip(ip), value: ownerValue(pod) }, { type: 'put', key: this.keys.cursor, value: String(this.pool.cursor) });
    }
    const cancel = () => {
      if (this.reserved.delete(who)) this.pool.release(pod);
    };
    const commit = async (extra: readonly Op[] = []) => {
      let ok: boolean;
      try {
        ok = (await this.store.txn(compares, [...ops, ...extra])).succeeded;
      } catch (err) {
        throw new IpamStoreError(`failed to persist IP ${ip} of pod ${who}: ${causeText(err)}`, { cause: err });
      }
      if (ok) return void this.reserved.delete(who);
      cancel();
      await this.learnOwner(ip);
      throw new IpRaceLostError(`failed to persist IP ${ip} of pod ${who}: another writer recorded the IP or the pod first`);
    };
    return { ip, commit, cancel };
  }

  /** Commit of a reservation the store already holds: only the caller's ops are written. */
  private async commitExtra(who: string, extra: readonly Op[]): Promise<void> {
    if (extra.length === 0) return;
    await wrap(`record pod ${who}`, () => this.store.txn([], extra));
  }

  private async doAllocateCustom(pod: PodId, ifName: string, network: string): Promise<string> {
    const who = podKey(pod);
    let before = this.pool.get(pod);
    for (let attempt = 0; attempt <= this.pool.capacity + 1; attempt++) {
      const ip = this.pool.allocateCustomIf(pod, ifName, network);
      const after = this.pool.get(pod) as PodAllocation;
      const prev = before as PodAllocation;
      const compares: Compare[] = [
        { key: this.keys.pod(pod), op: 'valueEquals', value: encodeRecord(prev) },
        { key: this.keys.ip(ip), op: 'absent' },
      ];
      const ops: Op[] = [
        { type: 'put', key: this.keys.pod(pod), value: encodeRecord(after) },
        { type: 'put', key: this.keys.ip(ip), value: ownerValue(pod) },
        { type: 'put', key: this.keys.cursor, value: String(this.pool.cursor) },
      ];
      for (const gone of ipsOf(prev).filter((x) => !ipsOf(after).includes(x))) ops.push({ type: 'delete', key: this.keys.ip(gone) });
      const undo = () => this.replace(pod, prev);
      if (await this.tryTxn(`persist IP ${ip} of interface ${ifName} of pod ${who}`, compares, ops, undo)) return ip;
      const stored = await this.readRecord(pod);
      if (!stored) throw new IpamStoreError(`failed to allocate an IP for interface ${ifName} of pod ${who}: the pod has no stored record`);
      if (encodeRecord(stored) !== encodeRecord(prev)) {
        this.replace(pod, stored);
        before = stored;
      } else {
        await this.learnOwner(ip);
      }
    }
    throw new IpamStoreError(`failed to allocate an IP for interface ${ifName} of pod ${who}: every candidate was taken by another writer`);
  }

  private async doRelease(pod: PodId): Promise<PodAllocation | undefined> {
    const who = podKey(pod);
    this.reserved.delete(who);
    const local = this.pool.release(pod);
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.readRecord(pod);
      const ips = new Set([...(local ? ipsOf(local) : []), ...(stored ? ipsOf(stored) : [])]);
      const compares: Compare[] = [];
      const ops: Op[] = [{ type: 'delete', key: this.keys.pod(pod) }];
      for (const ip of ips) {
        const kv = await wrap(`read owner of IP ${ip}`, () => this.store.get(this.keys.ip(ip)));
        if (kv?.value !== ownerValue(pod)) continue; // someone else's now: leave it
        compares.push({ key: kv.key, op: 'valueEquals', value: kv.value });
        ops.push({ type: 'delete', key: kv.key });
      }
      const r = await wrap(`release IPs of pod ${who}`, () => this.store.txn(compares, ops));
      if (r.succeeded) return local ?? stored;
    }
    throw new IpamStoreError(`failed to release IPs of pod ${who}: their owner records kept changing`);
  }

  /** Swaps the pool's view of a pod for a known record (undo, or the store's newer version). */
  private replace(pod: PodId, alloc: PodAllocation): void {
    this.pool.release(pod);
    this.pool.adopt(alloc);
  }

  /** Runs a txn; on a store error undoes the local change and throws, on a lost compare undoes and returns false. */
  private async tryTxn(what: string, compares: Compare[], ops: Op[], undo: () => void): Promise<boolean> {
    let ok: boolean;
    try {
      ok = (await this.store.txn(compares, ops)).succeeded;
    } catch (err) {
      undo();
      throw new IpamStoreError(`failed to ${what}: ${causeText(err)}`, { cause: err });
    }
    if (!ok) undo();
    return ok;
  }

  private async readRecord(pod: PodId): Promise<PodAllocation | undefined> {
    const kv = await wrap(`read IPAM record of pod ${podKey(pod)}`, () => this.store.get(this.keys.pod(pod)));
    return kv && decodeRecord(pod, kv.value);
  }

  /** After a lost race on `ip`, records its owner so the next candidate is a different IP. */
  private async learnOwner(ip: string): Promise<void> {
    const kv = await wrap(`read owner of IP ${ip}`, () => this.store.get(this.keys.ip(ip)));
    const owner = kv && parseOwner(kv.value);
    if (!owner) return;
    const rec = await this.readRecord(owner);
    this.pool.adopt(rec ?? { pod: owner, ip, customIfIPs: {} });
  }

  /** Makes the store hold exactly the pool's records (compute, dump, diff). */
  private async writeBack(current: readonly KV[]): Promise<void> {
    const want = new Map<string, string>();
    for (const a of this.pool.list()) {
      want.set(this.keys.pod(a.pod), encodeRecord(a));
      if (!this.pool.external) for (const ip of ipsOf(a)) want.set(this.keys.ip(ip), ownerValue(a.pod));
    }
    want.set(this.keys.cursor, String(this.pool.cursor));
    const have = new Map(current.map((kv) => [kv.key, kv.value]));
    const ops: Op[] = [];
    for (const [key, value] of want) if (have.get(key) !== value) ops.push({ type: 'put', key, value });
    for (const key of have.keys()) if (!want.has(key)) ops.push({ type: 'delete', key });
    for (let i = 0; i < ops.length; i += CHUNK) {
      const chunk = ops.slice(i, i + CHUNK);
      await wrap(`write back IPAM records of node ${this.keys.nodeName}`, () => this.store.txn([], chunk));
    }
  }

  /** Runs operations on one pod one after another, whatever the previous outcome. */
  private serial<T>(pod: PodId, fn: () => Promise<T>): Promise<T> {
    const k = podKey(pod);
    const next = (this.queues.get(k) ?? Promise.resolve()).then(fn, fn);
    const tail = next.then(() => undefined, () => undefined);
    this.queues.set(k, tail);
    void tail.then(() => {
      if (this.queues.get(k) === tail) this.queues.delete(k);
    });
    return next;
  }
}

async function wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new IpamStoreError(`failed to ${what}: ${causeText(err)}`, { cause: err });
  }
}

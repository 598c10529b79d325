/**
 * Node identity on top of the Store (spec ipam-and-nodes §7): a stable cluster-unique node ID
 * allocated with create-if-absent transactions, this node's VPP addresses published in its
 * record, and peer records turned into node events for routing to other nodes.
 */
import { StoreError, StoreUnavailableError, causeText } from '../store/errors.js';
import type { KV, Store, Watch, WatchEvent } from '../store/types.js';
import {
  NODE_ID_PREFIX, decodeNodeRecord, encodeNodeRecord, ipVersion, nodeIdKey, parseNodeIdKey, sameAddressSet,
  smallestFreeId, type NodeRecord,
} from './record.js';

export type { NodeRecord } from './record.js';

/** A peer node appeared, changed its record, or was removed (its last known record). */
export type NodeEvent =
  | { readonly type: 'node.added'; readonly node: NodeRecord }
  | { readonly type: 'node.updated'; readonly node: NodeRecord; readonly prev: NodeRecord }
  | { readonly type: 'node.removed'; readonly node: NodeRecord };

/** Allocation gave up after the spec's attempt limit; fatal for the agent (not retryable). */
export class NodeIdAllocationError extends StoreError {
  readonly retryable = false;
}

/** Tunables; defaults follow the spec (11 tries) with jittered waits between lost races. */
export interface NodeSyncOptions {
  readonly maxTries?: number;
  /** Milliseconds to wait before try `attempt` (2, 3, …) after a lost race. */
  readonly backoffMs?: (attempt: number) => number;
  /** Sink for skipped invalid records (spec: skipped with a warning). */
  readonly warn?: (msg: string) => void;
}

// Every contender targets the same smallest free ID; random spreading lets them line up
// instead of colliding again on each retry.
const defaultBackoff = (attempt: number) => Math.random() * Math.min(200, 5 * 2 ** attempt);

/** Node-ID allocation, VPP-IP publishing and peer watching for the node `nodeName`. */
export class NodeSync {
  private mine: NodeRecord | undefined;
  private readonly maxTries: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly warn: (msg: string) => void;

  constructor(
    private readonly store: Store,
    /** This node's name (the agent label); records with this name are "mine", not peers. */
    readonly nodeName: string,
    opts: NodeSyncOptions = {},
  ) {
    this.maxTries = opts.maxTries ?? 11;
    this.backoffMs = opts.backoffMs ?? defaultBackoff;
    this.warn = opts.warn ?? (() => undefined);
  }

  /** This node's ID, 0 before `allocateId` succeeded. */
  get nodeId(): number {
    return this.mine?.id ?? 0;
  }

  /**
   * Reuses the ID recorded for this node name, else claims the smallest free one with a
   * create-if-absent txn, re-listing after each lost race (spec §7.2).
   */
  async allocateId(): Promise<number> {
    for (let attempt = 1; attempt <= this.maxTries; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, this.backoffMs(attempt)));
      const kvs = await this.guard(() => this.store.range(NODE_ID_PREFIX));
      const existing = kvs.map((kv) => this.toNode(kv)).find((n) => n?.name === this.nodeName);
      if (existing) {
        this.mine = existing;
        return existing.id;
      }
      // A key with an unreadable value still occupies its ID.
      const id = smallestFreeId(kvs.map((kv) => parseNodeIdKey(kv.key)));
      const rec: NodeRecord = { id, name: this.nodeName, vppIPs: [] };
      const key = nodeIdKey(id);
      const res = await this.guard(() => this.store.txn([{ key, op: 'absent' }], [{ type: 'put', key, value: encodeNodeRecord(rec) }]));
      if (res.succeeded) {
        this.mine = rec;
        return id;
      }
    }
    throw new NodeIdAllocationError('unable to allocate node ID: max. attempt limit reached');
  }

  /**
   * Publishes this node's VPP addresses of one IP version, keeping those of the other
   * (spec §7.3); an unchanged set writes nothing. Requires `allocateId` first.
   */
  async publishNodeIPs(addrs: readonly string[], version: 4 | 6 = 4): Promise<void> {
    const mine = this.mine;
    if (!mine) throw new NodeIdAllocationError(`failed to publish node IPs of ${this.nodeName}: node ID not allocated yet`);
    const next = [...new Set([...mine.vppIPs.filter((a) => ipVersion(a) !== version), ...addrs])];
    if (sameAddressSet(next, mine.vppIPs)) return;
    const rec: NodeRecord = { ...mine, vppIPs: next };
    await this.guard(() => this.store.put(nodeIdKey(rec.id), encodeNodeRecord(rec)), `publish node IPs of ${this.nodeName}`);
    this.mine = rec;
  }

  /** Every valid node record (this node included), sorted by ID. */
  async listNodes(): Promise<NodeRecord[]> {
    return this.guard(() => this.readAll(), 'list nodes');
  }

  /**
   * Deletes the records named `name` (what KSR does when a k8s Node goes away) so their IDs
   * are reused; returns the released IDs.
   */
  async releaseId(name: string): Promise<number[]> {
    const nodes = await this.guard(() => this.readAll(), `release node ID of ${name}`);
    const released: number[] = [];
    for (const n of nodes.filter((x) => x.name === name)) {
      if (await this.guard(() => this.store.delete(nodeIdKey(n.id)), `release node ID of ${name}`)) released.push(n.id);
    }
    if (name === this.nodeName) this.mine = undefined;
    return released;
  }

  /**
   * Calls `onEvent` with `node.added` for every current peer, then for every change to a
   * peer's record. This node's own record never produces events.
   */
  async watchPeers(onEvent: (ev: NodeEvent) => void): Promise<Watch> {
    const view = new Map<string, { kv: KV; node: NodeRecord }>();
    let buffered: WatchEvent[] | undefined = [];
    const apply = (ev: WatchEvent) => {
      const key = ev.type === 'put' ? ev.kv.key : ev.key;
      const known = view.get(key);
      if (ev.type === 'delete') {
        // A delete older than what the initial listing showed is already reflected there.
        if (!known || (ev.prev && ev.prev.modRevision !== known.kv.modRevision)) return;
        view.delete(key);
        if (known.node.name !== this.nodeName) onEvent({ type: 'node.removed', node: known.node });
        return;
      }
      if (known && ev.kv.modRevision <= known.kv.modRevision) return;
      const node = this.toNode(ev.kv);
      if (!node) return;
      view.set(key, { kv: ev.kv, node });
      if (node.name === this.nodeName) return;
      if (known && known.node.name !== this.nodeName) onEvent({ type: 'node.updated', node, prev: known.node });
      else onEvent({ type: 'node.added', node });
    };
    const watch = await this.guard(() => this.store.watch(NODE_ID_PREFIX, (ev) => (buffered ? buffered.push(ev) : apply(ev))), 'watch nodes');
    try {
      const kvs = await this.guard(() => this.store.range(NODE_ID_PREFIX), 'list nodes');
      for (const kv of kvs) apply({ type: 'put', kv, prev: undefined });
    } catch (err) {
      await watch.close();
      throw err;
    }
    const early = buffered;
    buffered = undefined;
    for (const ev of early) apply(ev);
    return watch;
  }

  private async readAll(): Promise<NodeRecord[]> {
    const kvs = await this.store.range(NODE_ID_PREFIX);
    return kvs.flatMap((kv) => this.toNode(kv) ?? []).sort((a, b) => a.id - b.id);
  }

  /** The record at `kv`, with the ID taken from its key; undefined (and a warning) if invalid. */
  private toNode(kv: KV): NodeRecord | undefined {
    const id = parseNodeIdKey(kv.key);
    const rec = id === 0 ? undefined : decodeNodeRecord(kv.value);
    if (!rec) {
      this.warn(`skipping invalid node record ${kv.key}: ${JSON.stringify(kv.value)}`);
      return undefined;
    }
    return { ...rec, id };
  }

  /** Rewords store outages with the spec's message; other errors pass through. */
  private async guard<T>(fn: () => Promise<T>, doing = 'allocate node ID'): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        const msg = doing === 'allocate node ID' ? 'unable to allocate node ID: database is not connected' : `failed to ${doing}: database is not connected`;
        throw new StoreUnavailableError(`${msg}: ${causeText(err)}`, { cause: err });
      }
      throw err;
    }
  }
}

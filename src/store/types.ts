/**
 * One key-value contract for IPAM allocations, node IDs and peer records, so the agent runs
 * on etcd in a cluster and on the embedded file store standalone with the same semantics.
 */

/** A stored pair with etcd-style revisions (the embedded store keeps its own counter). */
export interface KV {
  readonly key: string;
  readonly value: string;
  /** Store revision at which this key was last modified. */
  readonly modRevision: number;
  /** Store revision at which this key was created (0 = absent, in compares). */
  readonly createRevision: number;
}

/** A condition of a transaction: all must hold for the `then` branch. */
export type Compare =
  | { readonly key: string; readonly op: 'absent' }
  | { readonly key: string; readonly op: 'valueEquals'; readonly value: string }
  | { readonly key: string; readonly op: 'modRevisionEquals'; readonly revision: number };

/** A write inside a transaction. */
export type Op =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'delete'; readonly key: string };

/** Outcome of `txn`: whether the compares held, and the store revision afterwards. */
export interface TxnResult {
  readonly succeeded: boolean;
  readonly revision: number;
}

/** A change seen by a prefix watch. */
export type WatchEvent =
  | { readonly type: 'put'; readonly kv: KV; readonly prev: KV | undefined }
  | { readonly type: 'delete'; readonly key: string; readonly prev: KV | undefined };

/** Handle to stop a watch. */
export interface Watch {
  close(): Promise<void>;
}

/** A lease: keys put under it vanish when it expires or is revoked. */
export interface Lease {
  readonly id: string;
  put(key: string, value: string): Promise<void>;
  revoke(): Promise<void>;
}

/** Connection state changes: losing the store is an event, not a crash. */
export type StoreStatus = 'connected' | 'disconnected';

/** The KV interface both backends implement (same contract test suite). */
export interface Store {
  get(key: string): Promise<KV | undefined>;
  /** All pairs whose key starts with `prefix`, sorted by key. */
  range(prefix: string): Promise<KV[]>;
  put(key: string, value: string): Promise<void>;
  /** Returns whether the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomic compare-and-write: `then` ops if every compare holds, else `otherwise` ops. */
  txn(compares: readonly Compare[], then: readonly Op[], otherwise?: readonly Op[]): Promise<TxnResult>;
  /** Watch every key under `prefix`; events arrive in revision order. */
  watch(prefix: string, onEvent: (ev: WatchEvent) => void): Promise<Watch>;
  lease(ttlSeconds: number): Promise<Lease>;
  /** Subscribe to connection changes; returns an unsubscribe function. */
  onStatus(listener: (status: StoreStatus) => void): () => void;
  close(): Promise<void>;
}

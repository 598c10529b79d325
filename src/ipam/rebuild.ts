/**
 * Startup reconciliation (spec §5, extended with our own persisted records): persisted
 * allocations are kept only for pods that still exist, and live pods whose IP lies in this
 * node's subnet are adopted even if nothing was persisted for them.
 */
import type { NodeAddressing } from './addressing.js';
import { type PodAllocation, type PodId, PodIpPool, podKey } from './pool.js';

/** What the store held for this node. */
export interface PersistedIpam {
  readonly allocations: readonly PodAllocation[];
  /** Persisted round-robin cursor, if one was written. */
  readonly cursor?: number | undefined;
}

/** A pod known to exist (Kubernetes state, or the local runtime), with its reported IP if any. */
export interface LivePod {
  readonly pod: PodId;
  /** `ip_address` as reported; empty/undefined when not yet known. */
  readonly ip?: string | undefined;
}

/** Outcome of the rebuild: the pool to run with and what the store must be told. */
export interface RebuildResult {
  readonly pool: PodIpPool;
  /** Persisted allocations dropped: pod gone, IP outside this subnet, clash, or superseded. */
  readonly released: readonly PodAllocation[];
  /** Live pods recorded from their reported IP without a persisted record. */
  readonly adopted: readonly PodAllocation[];
}

/**
 * Rebuilds the allocator. The cursor is the persisted one when it is valid (so a restart
 * does not reuse just-freed IPs); without it, the spec's rule: the highest kept sequence.
 * `livePods` undefined means "no source of truth about pods" (standalone start before any
 * CNI request): every persisted record of this subnet is kept and nothing is adopted.
 */
export function rebuildAllocations(
  persisted: PersistedIpam,
  livePods: readonly LivePod[] | undefined,
  addressing: NodeAddressing,
): RebuildResult {
  const pool = PodIpPool.forNode(addressing);
  const live = new Map<string, LivePod>();
  const known = livePods ?? persisted.allocations.map((a) => ({ pod: a.pod }));
  for (const p of known) if (!live.has(podKey(p.pod))) live.set(podKey(p.pod), p);

  const released: PodAllocation[] = [];
  const sorted = [...persisted.allocations].sort((a, b) => cmp(podKey(a.pod), podKey(b.pod)));
  for (const alloc of sorted) {
    const l = live.get(podKey(alloc.pod));
    // A live pod reporting another IP of this subnet is the truth: its record is superseded.
    const superseded = l?.ip && l.ip !== alloc.ip && addressing.inPodSubnet(l.ip);
    if (!l || superseded || !addressing.inPodSubnet(alloc.ip) || !pool.adopt(alloc)) released.push(alloc);
  }

  const adopted: PodAllocation[] = [];
  for (const l of live.values()) {
    if (!l.ip || !addressing.inPodSubnet(l.ip) || pool.get(l.pod)) continue;
    const alloc: PodAllocation = { pod: l.pod, ip: l.ip, customIfIPs: {} };
    if (pool.adopt(alloc)) adopted.push(alloc);
  }

  pool.setCursor(restoredCursor(pool, persisted.cursor));
  return { pool, released, adopted };
}

function restoredCursor(pool: PodIpPool, persistedCursor: number | undefined): number {
  const maxSeq = pool.capacity + 1;
  if (persistedCursor !== undefined && Number.isInteger(persistedCursor) && persistedCursor >= 1 && persistedCursor <= maxSeq) {
    return persistedCursor;
  }
  let last = 1;
  for (const a of pool.list()) {
    for (const ip of [a.ip, ...Object.values(a.customIfIPs)]) last = Math.max(last, pool.seqOf(ip) ?? 1);
  }
  return last;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The round-robin pod IP allocator of spec §3, free of I/O so it can be rebuilt, tested as
 * data and wrapped by the persistence layer. Synchronous methods: a caller never sees a
 * half-applied allocation.
 */
import type { NodeAddressing } from './addressing.js';
import { ExternalIpamError, IpamError, PoolExhaustedError } from './errors.js';
import { type Cidr, cidrContains, formatCidr, formatIPv4, sizeOf, tryParseIPv4 } from './ipv4.js';

/** Identity of a pod (Kubernetes namespace + name). */
export interface PodId {
  readonly name: string;
  readonly namespace: string;
}

/** Stable string key of a pod, `namespace/name`. */
export function podKey(pod: PodId): string {
  return `${pod.namespace}/${pod.name}`;
}

/** Everything IPAM holds for one pod; also the persisted record. */
export interface PodAllocation {
  readonly pod: PodId;
  /** Main IP, no mask. */
  readonly ip: string;
  /** Container ID of the CNI ADD that allocated it, when known. */
  readonly container?: string | undefined;
  /** Custom interface IPs keyed by `ifName` or `ifName/network`. */
  readonly customIfIPs: Readonly<Record<string, string>>;
}

/** Options of a main-IP allocation. */
export interface AllocateOptions {
  readonly container?: string | undefined;
  /** External IPAM: the CNI IPConfig JSON the runtime handed over. */
  readonly ipamData?: string | undefined;
}

interface Entry {
  pod: PodId;
  ip: string;
  container: string | undefined;
  custom: Map<string, string>;
}

/** Pod IP allocator state of one node: assigned IPs, pod → IPs, round-robin cursor. */
export class PodIpPool {
  /** This node's pod subnet as text (error messages, REST). */
  readonly subnet: string;
  private readonly cidr: Cidr;
  private readonly maxSeq: number;
  private readonly assigned = new Map<number, string>(); // ip value → pod key
  private readonly pods = new Map<string, Entry>();
  private last = 1;
  private used = 0;

  /** An empty pool over a pod subnet; `external` = IPs come from an external IPAM. */
  constructor(cidr: Cidr, readonly external = false) {
    this.cidr = cidr;
    this.subnet = formatCidr(cidr);
    this.maxSeq = sizeOf(cidr.len) - 3;
  }

  /** An empty pool for this node's pod subnet. */
  static forNode(addressing: NodeAddressing): PodIpPool {
    return new PodIpPool(addressing.podCidr, addressing.config.useExternalIPAM);
  }

  /** Round-robin cursor `last` (sequence number of the latest allocation). */
  get cursor(): number {
    return this.last;
  }

  /** Number of allocatable addresses (2^h − 4, never negative). */
  get capacity(): number {
    return Math.max(0, this.maxSeq - 1);
  }

  /** Allocatable addresses currently assigned (main and custom). */
  get inUse(): number {
    return this.used;
  }

  /** Restores the cursor (rebuild); out-of-range values are clamped to the spec's start. */
  setCursor(seq: number): void {
    this.last = Number.isInteger(seq) && seq >= 1 && seq <= this.maxSeq ? seq : 1;
  }

  /** Sequence number of an IP in this subnet, or undefined if it is not inside. */
  seqOf(ip: string): number | undefined {
    const v = tryParseIPv4(ip);
    return v !== undefined && cidrContains(this.cidr, v) ? v - this.cidr.base : undefined;
  }

  /** Main IP for a pod: idempotent, round-robin from the cursor, or the external IPAM result. */
  allocate(pod: PodId, opts: AllocateOptions = {}): string {
    const key = podKey(pod);
    if (this.external) {
      const ip = parseExternal(opts.ipamData);
      const prev = this.pods.get(key);
      this.pods.set(key, { pod, ip, container: opts.container, custom: prev?.custom ?? new Map() });
      return ip;
    }
    const existing = this.pods.get(key);
    if (existing) return existing.ip;
    const ip = this.take(key);
    this.pods.set(key, { pod, ip, container: opts.container, custom: new Map() });
    return ip;
  }

  /** A new IP for a custom pod interface (never idempotent, as the original). */
  allocateCustomIf(pod: PodId, ifName: string, network = ''): string {
    const entry = this.pods.get(podKey(pod));
    if (!entry) {
      throw new IpamError(`failed to allocate an IP for interface ${ifName} of pod ${podKey(pod)}: pod has no main IP`);
    }
    const ip = this.take(podKey(pod));
    const slot = network ? `${ifName}/${network}` : ifName;
    // A repeated request for the same slot replaces its IP; the old one must not leak.
    const previous = entry.custom.get(slot);
    if (previous !== undefined) this.unmark(tryParseIPv4(previous) as number);
    entry.custom.set(slot, ip);
    return ip;
  }

  /** Records an allocation made elsewhere (rebuild, another writer); false on an IP clash. */
  adopt(alloc: PodAllocation): boolean {
    const key = podKey(alloc.pod);
    const known = this.pods.get(key);
    if (known) return known.ip === alloc.ip;
    if (!this.external) {
      const v = tryParseIPv4(alloc.ip);
      if (v === undefined || !cidrContains(this.cidr, v) || this.assigned.has(v)) return false;
      this.mark(v, key);
    }
    const custom = new Map<string, string>();
    for (const [name, ip] of Object.entries(alloc.customIfIPs)) {
      const v = tryParseIPv4(ip);
      if (this.external || v === undefined || !cidrContains(this.cidr, v) || this.assigned.has(v)) continue;
      this.mark(v, key);
      custom.set(name, ip);
    }
    this.pods.set(key, { pod: alloc.pod, ip: alloc.ip, container: alloc.container, custom });
    return true;
  }

  /** Forgets a pod and frees its IPs (cursor unchanged); undefined if it was unknown. */
  release(pod: PodId): PodAllocation | undefined {
    const key = podKey(pod);
    const entry = this.pods.get(key);
    if (!entry) return undefined;
    this.pods.delete(key);
    if (!this.external) {
      for (const ip of [entry.ip, ...entry.custom.values()]) this.unmark(tryParseIPv4(ip) as number);
    }
    return toAllocation(entry);
  }

  /** The pod's allocation, if any. */
  get(pod: PodId): PodAllocation | undefined {
    const entry = this.pods.get(podKey(pod));
    return entry ? toAllocation(entry) : undefined;
  }

  /** Owner of an assigned IP (`GetPodFromIP`). */
  podFromIP(ip: string): PodId | undefined {
    const v = tryParseIPv4(ip);
    const key = v === undefined ? undefined : this.assigned.get(v);
    return key === undefined ? undefined : this.pods.get(key)?.pod;
  }

  /** All allocations, sorted by namespace then name. */
  list(): PodAllocation[] {
    return [...this.pods.keys()].sort().map((k) => toAllocation(this.pods.get(k) as Entry));
  }

  /** Next free seq after the cursor, wrapping; undefined when the pool is full. */
  private nextFree(): number | undefined {
    const base = this.cidr.base;
    for (let j = this.last + 1; j <= this.maxSeq; j++) if (!this.assigned.has(base + j)) return j;
    for (let j = 2; j <= Math.min(this.last, this.maxSeq); j++) if (!this.assigned.has(base + j)) return j;
    return undefined;
  }

  private take(key: string): string {
    const seq = this.nextFree();
    if (seq === undefined) throw new PoolExhaustedError(this.subnet, this.used, this.capacity);
    this.last = seq;
    this.mark(this.cidr.base + seq, key);
    return formatIPv4(this.cidr.base + seq);
  }

  private mark(v: number, key: string): void {
    this.assigned.set(v, key);
    if (this.allocatable(v)) this.used++;
  }

  private unmark(v: number): void {
    if (this.assigned.delete(v) && this.allocatable(v)) this.used--;
  }

  private allocatable(v: number): boolean {
    const seq = v - this.cidr.base;
    return seq >= 2 && seq <= this.maxSeq;
  }
}

function toAllocation(e: Entry): PodAllocation {
  return { pod: e.pod, ip: e.ip, container: e.container, customIfIPs: Object.fromEntries(e.custom) };
}

/** Spec §3 step 1: the pod IP is the address of the CNI IPConfig, mask dropped. */
function parseExternal(ipamData: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(ipamData ?? '');
  } catch (err) {
    throw new ExternalIpamError(`error by unmarshalling external IPAM result: ${(err as Error).message}`);
  }
  const address = (parsed as { address?: unknown } | null)?.address;
  const ip = typeof address === 'string' ? address.split('/')[0] ?? '' : '';
  if (tryParseIPv4(ip) === undefined) {
    throw new ExternalIpamError(`error by unmarshalling external IPAM result: no valid "address" in ${JSON.stringify(ipamData)}`);
  }
  return ip;
}

/**
 * The simulated VPP's tables as plain data, plus the allocators whose order a client can
 * observe (sw_if_index reuse, loopback instances, tap ids, vxlan pool indices). Feature files
 * operate on one `SimState`; nothing here does I/O.
 */
import type { Prefix } from './addr.js';

/** Which driver an interface belongs to; decides its name, dev type and what it refuses. */
export type IfKind = 'local' | 'loopback' | 'tap' | 'tun' | 'af_packet' | 'vxlan';

/** Host-side settings of a TAP, as `sw_interface_tap_v2_details` reports them. */
export interface TapInfo {
  id: number;
  txRingSz: number;
  rxRingSz: number;
  hostMtuSize: number;
  hostMac: string;
  hostIp4Prefix: Prefix | undefined;
  hostIp6Prefix: Prefix | undefined;
  tapFlags: number;
  hostIfName: string;
  hostNamespace: string;
  hostBridge: string;
}

/** L2 membership of an interface (sw_interface_set_l2_bridge). */
export interface L2Port {
  bdId: number;
  shg: number;
  bvi: boolean;
}

/** One software interface. `uid` is never reused, unlike `swIfIndex`. */
export interface SimInterface {
  readonly uid: number;
  readonly swIfIndex: number;
  readonly kind: IfKind;
  readonly name: string;
  readonly devType: string;
  /** loopback instance, tap id, vxlan instance; 0 for others. */
  readonly instance: number;
  mac: string;
  adminUp: boolean;
  linkUp: boolean;
  linkMtu: number;
  mtu: [number, number, number, number];
  rxMode: number;
  tag: string;
  table4: number;
  table6: number;
  addresses: Prefix[];
  /** sw_if_index of the interface whose address this one borrows. */
  unnumberedTo: number | undefined;
  l2: L2Port | undefined;
  proxyArp: boolean;
  tap: TapInfo | undefined;
  hostIfName: string | undefined;
}

/** One FIB path as stored (after VPP's normalisation). */
export interface SimPath {
  swIfIndex: number;
  /** uid of the interface the path was resolved against; a later re-use of the index does not revive it. */
  ifUid: number | undefined;
  tableId: number;
  rpfId: number;
  weight: number;
  preference: number;
  type: number;
  flags: number;
  proto: number;
  nh: string;
}

/** A route the API installed. */
export interface ApiRoute {
  prefix: Prefix;
  paths: SimPath[];
  statsIndex: number;
}

/** An IP table (VRF) of one family. */
export interface SimTable {
  readonly id: number;
  readonly ip6: boolean;
  name: string;
  /** The API's single lock ("add many times, delete once"). */
  apiLocked: boolean;
  routes: Map<string, ApiRoute>;
}

/** A neighbour (ARP) entry. */
export interface SimNeighbor {
  swIfIndex: number;
  ifUid: number;
  ip: string;
  mac: string;
  isStatic: boolean;
  noFibEntry: boolean;
  updatedAt: number;
}

/** An L2 FIB entry of a bridge domain. */
export interface L2FibEntry {
  mac: string;
  swIfIndex: number;
  ifUid: number | undefined;
  staticMac: boolean;
  filterMac: boolean;
  bviMac: boolean;
}

/** A bridge domain; members live on the interfaces (`SimInterface.l2`). */
export interface SimBridgeDomain {
  readonly bdId: number;
  flood: boolean;
  uuFlood: boolean;
  forward: boolean;
  learn: boolean;
  arpTerm: boolean;
  arpUfwd: boolean;
  macAge: number;
  tag: string;
  /** Edited through l2fib.ts only, which keeps `fibByPort` in step. */
  fib: Map<string, L2FibEntry>;
  /** The MACs of `fib` by sw_if_index. */
  readonly fibByPort: Map<number, Set<string>>;
}

/** A VXLAN tunnel; `poolIndex` drives automatic instance numbers. */
export interface SimVxlan {
  readonly poolIndex: number;
  readonly swIfIndex: number;
  readonly instance: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly mcastSwIfIndex: number;
  readonly encapVrfId: number;
  readonly decapNextIndex: number;
  readonly vni: number;
  readonly isL3: boolean;
}

/** A proxy-ARP range. */
export interface ProxyArpRange {
  tableId: number;
  low: string;
  hi: string;
}

/** Per-interface change seen during one request, sent as one `sw_interface_event`. */
export interface PendingEvent {
  swIfIndex: number;
  adminUp: boolean;
  linkUp: boolean;
  deleted: boolean;
}

/** A vppinfra-style pool: freed indices come back most-recently-freed first. */
export class IndexPool {
  private next = 0;
  private readonly free: number[] = [];

  /** Takes the next index as a vppinfra pool would. */
  get(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    return this.next++;
  }

  /** Returns an index to the pool. */
  put(index: number): void {
    this.free.push(index);
  }
}

/**
 * Ids handed out lowest-free-first (TAP ids). `floor` is never above the lowest free id, so
 * a run of creates costs O(1) each instead of a scan from 0.
 */
export class LowestFreeIds {
  private readonly used = new Set<number>();
  private floor = 0;

  has(id: number): boolean {
    return this.used.has(id);
  }

  /** The lowest id not in use (not yet taken). */
  lowest(): number {
    while (this.used.has(this.floor)) this.floor++;
    return this.floor;
  }

  take(id: number): void {
    this.used.add(id);
  }

  release(id: number): void {
    if (this.used.delete(id) && id < this.floor) this.floor = id;
  }
}

/** A deterministic PRNG (xorshift32), so random MACs are reproducible per seed. */
export function makeRng(seed: number): () => number {
  let x = (seed >>> 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/** Lowest number ≥ `from` not in `used`. */
export function lowestFree(used: Iterable<number>, from = 0): number {
  const set = new Set(used);
  let n = from;
  while (set.has(n)) n++;
  return n;
}

/** Adds `value` to the set under `key`, creating the set on first use (the sim's side indexes). */
export function addToSetIn<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set === undefined) index.set(key, new Set([value]));
  else set.add(value);
}

/** Removes `value` from the set under `key`, dropping the set once it is empty. */
export function removeFromSetIn<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

/**
 * One simulated VPP's whole state: what `restart()` throws away. Boot state is 24.02's:
 * `local0` at index 0 (admin-down), IPv4/IPv6 table 0, hidden bridge domain 0.
 */
import { macString } from '../binapi/addr.js';
import { ZERO_MAC } from './addr.js';
import { AddressIndex } from './address-index.js';
import { fibFlushPort } from './l2fib.js';
import {
  IndexPool, LowestFreeIds, addToSetIn, makeRng, removeFromSetIn,
  type IfKind, type PendingEvent, type ProxyArpRange, type SimBridgeDomain, type SimInterface,
  type SimNeighbor, type SimPath, type SimTable, type SimVxlan,
} from './model.js';
import { TableRefs, tableKey } from './table-refs.js';

/** The Linux side of a TAP, as VPP would configure it over netlink. */
export interface HostTapSpec {
  readonly name: string;
  /** netns name, `/var/run/netns/<name>` path, or '' for the simulator's own namespace. */
  readonly namespace: string;
  readonly tun: boolean;
  readonly mac: string | undefined;
  readonly mtu: number | undefined;
  readonly ip4: { address: string; len: number } | undefined;
  readonly ip4Gw: string | undefined;
}

/** Things about the simulated host that VPP handlers depend on (Linux side). */
export interface SimHostView {
  /** Whether `/dev/vhost-net` exists; without it a real VPP refuses TAPs with −11. */
  readonly vhostNet: boolean;
  /** Whether a Linux interface of this name exists (af_packet binds to it). */
  hostLinkExists(name: string): boolean;
  /** Optional effect: make the TAP's Linux side real; returns 0 or VPP's retval (−12 netns, −145 netlink). */
  createTap?(spec: HostTapSpec): number;
  /** Optional effect: remove the Linux side again (tap delete, VPP exit). */
  deleteTap?(spec: { name: string; namespace: string }): void;
}

/** Neighbour-table limits per family (`ip_neighbor_config`). */
export interface NeighborConfig {
  maxNumber: number;
  maxAge: number;
  recycle: boolean;
}

/** An STN rule (kept so contiv's STN items round-trip). */
export interface StnRule {
  ip: string;
  swIfIndex: number;
}

/** An IP punt redirect: traffic punted on `rxSwIfIndex` (~0 = any) goes out these paths. */
export interface PuntRedirect {
  rxSwIfIndex: number;
  ip6: boolean;
  paths: { swIfIndex: number; nh: string }[];
}

export { tableKey } from './table-refs.js';

/** The tables, allocators and pending events of one simulated VPP. */
export class SimState {
  readonly interfaces = new Map<number, SimInterface>();
  readonly tables = new Map<string, SimTable>();
  /** Edited through setNeighbor / deleteNeighbor, which keep `neighborsByIf` in step. */
  readonly neighbors: ReadonlyMap<string, SimNeighbor> = new Map();
  readonly neighborConfig: Record<4 | 6, NeighborConfig> = {
    4: { maxNumber: 50000, maxAge: 0, recycle: false },
    6: { maxNumber: 50000, maxAge: 0, recycle: false },
  };
  readonly proxyArpRanges: ProxyArpRange[] = [];
  readonly bds = new Map<number, SimBridgeDomain>();
  readonly vxlans = new Map<string, SimVxlan>();
  /** The tunnels of `vxlans` by sw_if_index and by instance (vxlan.ts keeps them in step). */
  readonly vxlanBySw = new Map<number, SimVxlan>();
  readonly vxlanByInstance = new Map<number, SimVxlan>();
  /** af_packet interfaces by the Linux interface they bind. */
  readonly afPacketByHost = new Map<string, number>();
  /** Loopback instances in use. */
  readonly loopInstances = new LowestFreeIds();
  readonly stnRules: StnRule[] = [];
  readonly puntRedirects: PuntRedirect[] = [];
  readonly vxlanPool = new IndexPool();
  readonly pendingEvents = new Map<number, PendingEvent>();
  /** TAP/TUN ids in use, kept beside `interfaces` so a create does not scan every interface. */
  readonly tapIds = new LowestFreeIds();
  readonly rng: () => number;
  private readonly ifPool = new IndexPool();
  private readonly neighborsByIf = new Map<number, Set<string>>();
  /** Borrowers (sw_if_index) of each unnumbered owner's address. */
  private readonly borrowers = new Map<number, Set<number>>();
  private readonly tableRefs = new TableRefs();
  /** The addresses of live interfaces, for the overlap check of an address add. */
  readonly addressIndex = new AddressIndex();
  private uidCounter = 0;
  private statsCounter = 0;

  constructor(
    readonly host: SimHostView,
    seed: number,
    readonly now: () => number = () => Date.now(),
  ) {
    this.rng = makeRng(seed);
    this.addInterface('local', 'local0', 'local', 0, ZERO_MAC);
    this.ensureTable(false, 0, true);
    this.ensureTable(true, 0, true);
    this.bds.set(0, newBridgeDomain(0, {}));
  }

  /** Allocates a sw_if_index and registers the interface (admin-down, as VPP creates them). */
  addInterface(kind: IfKind, name: string, devType: string, instance: number, mac: string): SimInterface {
    const hw = kind !== 'local';
    const iface: SimInterface = {
      uid: ++this.uidCounter,
      swIfIndex: this.ifPool.get(),
      kind, name, devType, instance, mac,
      adminUp: false, linkUp: false,
      linkMtu: hw ? 9000 : 0,
      mtu: [hw ? 9000 : 0, 0, 0, 0],
      rxMode: 0, tag: '', table4: 0, table6: 0, addresses: [],
      unnumberedTo: undefined, l2: undefined, proxyArp: false, tap: undefined, hostIfName: undefined,
    };
    this.interfaces.set(iface.swIfIndex, iface);
    this.tableRefs.bind(false, 0, 1);
    this.tableRefs.bind(true, 0, 1);
    if (kind !== 'local') this.event(iface.swIfIndex, {});
    return iface;
  }

  /**
   * Frees an interface as VPP's delete paths do: leaves its bridge, drops addresses,
   * dynamic neighbours and borrowers' unnumbered links. Static neighbours and routes through
   * it stay behind (24.02 behaviour).
   */
  removeInterface(swIfIndex: number): void {
    const iface = this.interfaces.get(swIfIndex);
    if (iface === undefined) return;
    this.dropDynamicNeighbors(swIfIndex);
    for (const b of this.borrowers.get(swIfIndex) ?? []) this.setUnnumbered(b, undefined);
    this.setUnnumbered(swIfIndex, undefined);
    if (iface.l2 !== undefined) {
      const bd = this.bds.get(iface.l2.bdId);
      if (bd !== undefined) fibFlushPort(bd, swIfIndex);
    }
    this.interfaces.delete(swIfIndex);
    for (const a of iface.addresses) this.addressIndex.remove(iface, a);
    this.tableRefs.bind(false, iface.table4, -1);
    this.tableRefs.bind(true, iface.table6, -1);
    if (iface.tap !== undefined) this.tapIds.release(iface.tap.id);
    if (iface.kind === 'loopback') this.loopInstances.release(iface.instance);
    if (iface.hostIfName !== undefined && this.afPacketByHost.get(iface.hostIfName) === swIfIndex) this.afPacketByHost.delete(iface.hostIfName);
    this.ifPool.put(swIfIndex);
    this.pendingEvents.set(swIfIndex, { swIfIndex, adminUp: false, linkUp: false, deleted: true });
    this.collectTables();
  }

  /** The interface at an index, if it exists. */
  iface(swIfIndex: number): SimInterface | undefined {
    return this.interfaces.get(swIfIndex);
  }

  /** Adds or replaces the neighbour under `key` (`neighborKey(n.swIfIndex, n.ip)`). */
  setNeighbor(key: string, n: SimNeighbor): void {
    (this.neighbors as Map<string, SimNeighbor>).set(key, n);
    addToSetIn(this.neighborsByIf, n.swIfIndex, key);
  }

  /** Removes the neighbour under `key`; false if there was none. */
  deleteNeighbor(key: string): boolean {
    const n = this.neighbors.get(key);
    if (n === undefined) return false;
    (this.neighbors as Map<string, SimNeighbor>).delete(key);
    removeFromSetIn(this.neighborsByIf, n.swIfIndex, key);
    return true;
  }

  /** Forgets what was learned on an interface (admin-down, delete); static entries stay. */
  dropDynamicNeighbors(swIfIndex: number): void {
    for (const key of this.neighborsByIf.get(swIfIndex) ?? []) {
      if (this.neighbors.get(key)?.isStatic === false) this.deleteNeighbor(key);
    }
  }

  /** Makes `borrower` use `owner`'s address, or (undefined) none. */
  setUnnumbered(borrower: number, owner: number | undefined): void {
    const b = this.interfaces.get(borrower);
    if (b === undefined) return;
    if (b.unnumberedTo !== undefined) removeFromSetIn(this.borrowers, b.unnumberedTo, borrower);
    b.unnumberedTo = owner;
    if (owner !== undefined) addToSetIn(this.borrowers, owner, borrower);
  }

  /** Binds an interface to a VRF of one family. */
  bindTable(iface: SimInterface, ip6: boolean, vrfId: number): void {
    this.tableRefs.bind(ip6, ip6 ? iface.table6 : iface.table4, -1);
    if (ip6) iface.table6 = vrfId;
    else iface.table4 = vrfId;
    this.tableRefs.bind(ip6, vrfId, 1);
  }

  /** Brackets a change of a route's paths in `table`, so the tables it looks up into stay counted. */
  routePaths(table: SimTable, paths: readonly SimPath[], delta: 1 | -1): void {
    this.tableRefs.paths(table, paths, delta);
  }

  /** Records a state change for the interface-event batch of the current request. */
  event(swIfIndex: number, change: { adminUp?: boolean; linkUp?: boolean }): void {
    const prev = this.pendingEvents.get(swIfIndex) ?? { swIfIndex, adminUp: false, linkUp: false, deleted: false };
    prev.adminUp ||= change.adminUp === true;
    prev.linkUp ||= change.linkUp === true;
    this.pendingEvents.set(swIfIndex, prev);
  }

  /** Takes the events of the request just handled. */
  takeEvents(): PendingEvent[] {
    if (this.pendingEvents.size === 0) return [];
    const out = [...this.pendingEvents.values()];
    this.pendingEvents.clear();
    return out;
  }

  /** The table, if it exists. */
  table(ip6: boolean, id: number): SimTable | undefined {
    return this.tables.get(tableKey(ip6, id));
  }

  /** Creates the table if missing; `apiLock` takes the API's lock. */
  ensureTable(ip6: boolean, id: number, apiLock: boolean, name = ''): SimTable {
    let t = this.tables.get(tableKey(ip6, id));
    if (t === undefined) {
      t = { id, ip6, name: name !== '' ? name : `ipv${ip6 ? 6 : 4}-VRF:${id}`, apiLocked: false, routes: new Map() };
      this.tables.set(tableKey(ip6, id), t);
    }
    if (apiLock) t.apiLocked = true;
    return t;
  }

  /** Destroys non-zero tables nobody locks any more: no API lock, no bound interface, no lookup into them. */
  collectTables(): void {
    for (const [key, t] of this.tables) {
      if (t.id === 0 || t.apiLocked || this.tableRefs.held(key)) continue;
      this.tables.delete(key);
      // a destroyed table's routes no longer hold the tables they looked up into
      for (const r of t.routes.values()) this.tableRefs.paths(t, r.paths, -1);
    }
  }

  /** A fresh stats-segment index for a new FIB entry or adjacency. */
  nextStatsIndex(): number {
    return this.statsCounter++;
  }

  /** A random MAC as VPP's drivers make them (`02:fe:` + 4 random bytes). */
  randomMac(): string {
    const r = this.rng();
    return macString(Uint8Array.of(2, 0xfe, r >>> 24, (r >>> 16) & 255, (r >>> 8) & 255, r & 255));
  }
}

/** A bridge domain with VPP's defaults for anything not given. */
export function newBridgeDomain(bdId: number, f: Partial<Omit<SimBridgeDomain, 'bdId' | 'fib' | 'fibByPort'>>): SimBridgeDomain {
  return {
    bdId,
    flood: f.flood ?? true, uuFlood: f.uuFlood ?? true, forward: f.forward ?? true, learn: f.learn ?? true,
    arpTerm: f.arpTerm ?? false, arpUfwd: f.arpUfwd ?? false, macAge: f.macAge ?? 0, tag: f.tag ?? '',
    fib: new Map(), fibByPort: new Map(),
  };
}

/**
 * One simulated VPP's whole state: what `restart()` throws away. Boot state is 24.02's:
 * `local0` at index 0 (admin-down), IPv4/IPv6 table 0, hidden bridge domain 0.
 */
import { ZERO_MAC } from './addr.js';
import {
  IndexPool, LowestFreeIds, makeRng,
  type IfKind, type PendingEvent, type ProxyArpRange, type SimBridgeDomain, type SimInterface,
  type SimNeighbor, type SimTable, type SimVxlan,
} from './model.js';

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

/** Key of a table in `SimState.tables`. */
export function tableKey(ip6: boolean, id: number): string {
  return `${ip6 ? 6 : 4}:${id}`;
}

/** The tables, allocators and pending events of one simulated VPP. */
export class SimState {
  readonly interfaces = new Map<number, SimInterface>();
  readonly tables = new Map<string, SimTable>();
  readonly neighbors = new Map<string, SimNeighbor>();
  readonly neighborConfig: Record<4 | 6, NeighborConfig> = {
    4: { maxNumber: 50000, maxAge: 0, recycle: false },
    6: { maxNumber: 50000, maxAge: 0, recycle: false },
  };
  readonly proxyArpRanges: ProxyArpRange[] = [];
  readonly bds = new Map<number, SimBridgeDomain>();
  readonly vxlans = new Map<string, SimVxlan>();
  readonly stnRules: StnRule[] = [];
  readonly puntRedirects: PuntRedirect[] = [];
  readonly vxlanPool = new IndexPool();
  readonly pendingEvents = new Map<number, PendingEvent>();
  /** TAP/TUN ids in use, kept beside `interfaces` so a create does not scan every interface. */
  readonly tapIds = new LowestFreeIds();
  readonly rng: () => number;
  private readonly ifPool = new IndexPool();
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
    for (const [key, n] of this.neighbors) if (n.swIfIndex === swIfIndex && !n.isStatic) this.neighbors.delete(key);
    for (const other of this.interfaces.values()) if (other.unnumberedTo === swIfIndex) other.unnumberedTo = undefined;
    if (iface.l2 !== undefined) {
      const bd = this.bds.get(iface.l2.bdId);
      if (bd !== undefined) for (const [mac, e] of bd.fib) if (e.swIfIndex === swIfIndex && (!e.staticMac || e.bviMac)) bd.fib.delete(mac);
    }
    this.interfaces.delete(swIfIndex);
    if (iface.tap !== undefined) this.tapIds.release(iface.tap.id);
    this.ifPool.put(swIfIndex);
    this.pendingEvents.set(swIfIndex, { swIfIndex, adminUp: false, linkUp: false, deleted: true });
    this.collectTables();
  }

  /** The interface at an index, if it exists. */
  iface(swIfIndex: number): SimInterface | undefined {
    return this.interfaces.get(swIfIndex);
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
      if (t.id === 0 || t.apiLocked) continue;
      const bound = [...this.interfaces.values()].some((i) => (t.ip6 ? i.table6 : i.table4) === t.id);
      if (bound || this.lookedUpInto(t)) continue;
      this.tables.delete(key);
    }
  }

  private lookedUpInto(t: SimTable): boolean {
    for (const other of this.tables.values()) {
      if (other === t || other.ip6 !== t.ip6) continue;
      for (const r of other.routes.values()) if (r.paths.some((p) => p.swIfIndex === 0xffffffff && p.tableId === t.id && p.type !== 2)) return true;
    }
    return false;
  }

  /** A fresh stats-segment index for a new FIB entry or adjacency. */
  nextStatsIndex(): number {
    return this.statsCounter++;
  }

  /** A random MAC as VPP's drivers make them (`02:fe:` + 4 random bytes). */
  randomMac(): string {
    const r = this.rng();
    const b = [2, 0xfe, r >>> 24, (r >>> 16) & 255, (r >>> 8) & 255, r & 255];
    return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  }
}

/** A bridge domain with VPP's defaults for anything not given. */
export function newBridgeDomain(bdId: number, f: Partial<Omit<SimBridgeDomain, 'bdId' | 'fib'>>): SimBridgeDomain {
  return {
    bdId,
    flood: f.flood ?? true, uuFlood: f.uuFlood ?? true, forward: f.forward ?? true, learn: f.learn ?? true,
    arpTerm: f.arpTerm ?? false, arpUfwd: f.arpUfwd ?? false, macAge: f.macAge ?? 0, tag: f.tag ?? '',
    fib: new Map(),
  };
}

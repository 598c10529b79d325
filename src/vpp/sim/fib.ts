/**
 * IP tables and the FIB: API routes plus the entries VPP owns (specials, interface
 * connected/local, neighbour adjacencies), merged per prefix by source priority, with
 * longest-prefix match for the tracer (vpp-api.md §2.6).
 */
import {
  addressToBigint, addressToBytes, broadcastOf, isIp6, networkOf, peerOf31, prefixContains, prefixKey, type Prefix,
} from './addr.js';
import { lowestFree, type SimPath, type SimTable } from './model.js';
import { NONE, RV } from './retval.js';
import type { SimState } from './state.js';

/** fib_path_type values the simulator distinguishes. */
export const PATH_TYPE = { NORMAL: 0, LOCAL: 1, DROP: 2 } as const;

/** Where a FIB entry comes from, highest priority first (as VPP's FIB sources rank). */
export type FibSource = 'special' | 'interface' | 'api' | 'adj' | 'default-route';
const RANK: Readonly<Record<FibSource, number>> = { special: 0, interface: 1, api: 2, adj: 3, 'default-route': 4 };

/** One FIB entry as dumps and lookups see it. */
export interface FibEntry {
  prefix: Prefix;
  source: FibSource;
  paths: SimPath[];
  /** Stats-segment index (API routes keep the one their add reply carried). */
  statsIndex?: number;
}

/** A path as a request carries it (before normalisation). */
export type PathIn = Omit<SimPath, 'ifUid'>;

/** The route part of ip_route_add_del. */
export interface RouteIn {
  tableId: number;
  prefix: Prefix;
  paths: PathIn[];
}

const zero = (ip6: boolean): string => (ip6 ? '::' : '0.0.0.0');

/** ip_table_add_del: table 0 is ignored, add takes the API lock, delete drops it. */
export function tableAddDel(s: SimState, isAdd: boolean, ip6: boolean, id: number, name: string): number {
  if (id === 0) return RV.OK;
  if (isAdd) s.ensureTable(ip6, id, true, name);
  else {
    const t = s.table(ip6, id);
    if (t !== undefined) t.apiLocked = false;
    s.collectTables();
  }
  return RV.OK;
}

/** ip_table_allocate: `~0` picks the lowest free id of that family. */
export function tableAllocate(s: SimState, ip6: boolean, id: number, name: string): SimTable {
  const used = [...s.tables.values()].filter((t) => t.ip6 === ip6).map((t) => t.id);
  const realId = id === NONE ? lowestFree(used, 1) : id;
  return s.ensureTable(ip6, realId, true, name);
}

function samePath(a: SimPath, b: SimPath): boolean {
  return a.swIfIndex === b.swIfIndex && a.tableId === b.tableId && a.type === b.type && a.nh === b.nh;
}

function comparePaths(a: SimPath, b: SimPath): number {
  return a.type - b.type || a.swIfIndex - b.swIfIndex || a.tableId - b.tableId || a.nh.localeCompare(b.nh);
}

/** ip_route_add_del: replace / multipath add / delete (deleting a missing route answers 0). */
export function routeAddDel(s: SimState, isAdd: boolean, isMultipath: boolean, r: RouteIn): { retval: number; statsIndex: number } {
  const ip6 = isIp6(r.prefix.address);
  const out = (retval: number, statsIndex = NONE) => ({ retval, statsIndex });
  if (r.prefix.len > (ip6 ? 128 : 32)) return out(RV.INVALID_PREFIX_LENGTH);
  const table = s.table(ip6, r.tableId);
  if (table === undefined) return out(RV.NO_SUCH_FIB);
  if (isAdd && r.paths.length === 0) return out(RV.NO_PATHS_IN_ROUTE);
  const paths: SimPath[] = [];
  for (const p of r.paths) {
    let ifUid: number | undefined;
    if (p.swIfIndex !== NONE) {
      const iface = s.iface(p.swIfIndex);
      if (iface === undefined) return out(RV.NO_MATCHING_INTERFACE);
      ifUid = iface.uid;
    } else if (p.type === PATH_TYPE.NORMAL && s.table(ip6, p.tableId) === undefined) return out(RV.NO_SUCH_FIB);
    const glean32 = p.swIfIndex !== NONE && p.nh === zero(ip6) && r.prefix.len === (ip6 ? 128 : 32);
    // built field by field: a spread with overrides is V8's slow path, and this runs per route
    paths.push({
      swIfIndex: p.swIfIndex, tableId: p.tableId, rpfId: p.rpfId, weight: p.weight === 0 ? 1 : p.weight,
      preference: p.preference, type: p.type, flags: p.flags, proto: p.proto, nh: glean32 ? r.prefix.address : p.nh, ifUid,
    });
  }
  const key = prefixKey(r.prefix);
  const existing = table.routes.get(key);
  if (existing !== undefined) s.routePaths(table, existing.paths, -1);
  if (!isAdd) {
    if (existing !== undefined) {
      existing.paths = isMultipath ? existing.paths.filter((e) => !paths.some((p) => samePath(e, p))) : [];
      if (existing.paths.length === 0) table.routes.delete(key);
      else s.routePaths(table, existing.paths, 1);
    }
    s.collectTables();
    return out(RV.OK, existing?.statsIndex ?? NONE);
  }
  const route = existing ?? { prefix: { ...r.prefix }, paths: [], statsIndex: s.nextStatsIndex() };
  if (isMultipath) {
    for (const p of paths) if (!route.paths.some((e) => samePath(e, p))) route.paths.push(p);
  } else route.paths = paths;
  route.paths.sort(comparePaths);
  table.routes.set(key, route);
  s.routePaths(table, route.paths, 1);
  return out(RV.OK, route.statsIndex);
}

function path(swIfIndex: number, type: number, nh: string, ifUid?: number, tableId = 0): SimPath {
  return { swIfIndex, ifUid, tableId, rpfId: 0, weight: 1, preference: 0, type, flags: 0, proto: isIp6(nh) ? 1 : 0, nh };
}

function vppOwned(s: SimState, table: SimTable): FibEntry[] {
  const out: FibEntry[] = [];
  const add = (address: string, len: number, source: FibSource, p: SimPath): void => {
    out.push({ prefix: { address, len }, source, paths: [p] });
  };
  const z = zero(table.ip6);
  const drop = (): SimPath => path(NONE, PATH_TYPE.DROP, z);
  add(z, 0, 'default-route', drop());
  if (!table.ip6) {
    add('0.0.0.0', 32, 'special', drop());
    add('224.0.0.0', 4, 'special', drop());
    add('240.0.0.0', 4, 'special', drop());
    add('255.255.255.255', 32, 'special', drop());
  }
  for (const i of s.interfaces.values()) {
    if (!i.adminUp || (table.ip6 ? i.table6 : i.table4) !== table.id) continue;
    for (const a of i.addresses) {
      if (isIp6(a.address) !== table.ip6) continue;
      const host = table.ip6 ? 128 : 32;
      if (a.len < host) add(networkOf(a), a.len, 'interface', path(i.swIfIndex, PATH_TYPE.NORMAL, z, i.uid));
      add(a.address, host, 'interface', path(i.swIfIndex, PATH_TYPE.LOCAL, z, i.uid));
      if (!table.ip6 && a.len <= 30) {
        add(networkOf(a), 32, 'interface', drop());
        add(broadcastOf(a), 32, 'interface', drop());
      }
      if (!table.ip6 && a.len === 31) add(peerOf31(a.address), 32, 'interface', path(i.swIfIndex, PATH_TYPE.NORMAL, peerOf31(a.address), i.uid));
    }
  }
  for (const n of s.neighbors.values()) {
    const i = s.iface(n.swIfIndex);
    if (n.noFibEntry || i === undefined || i.uid !== n.ifUid || isIp6(n.ip) !== table.ip6) continue;
    if ((table.ip6 ? i.table6 : i.table4) !== table.id) continue;
    add(n.ip, table.ip6 ? 128 : 32, 'adj', path(i.swIfIndex, PATH_TYPE.NORMAL, n.ip, i.uid));
  }
  return out;
}

/** Entries ordered by address then length, as dumps list them; each address becomes a number once. */
function inDumpOrder(list: FibEntry[], ip6: boolean): FibEntry[] {
  if (ip6) {
    const keyed = list.map((e) => ({ e, at: addressToBigint(e.prefix.address) }));
    keyed.sort((x, y) => (x.at === y.at ? x.e.prefix.len - y.e.prefix.len : x.at < y.at ? -1 : 1));
    return keyed.map((k) => k.e);
  }
  // an IPv4 address and a length fit one exact double: one subtraction per comparison
  const keyed = list.map((e) => {
    const b = addressToBytes(e.prefix.address);
    return { e, at: ((b[0] ?? 0) * 2 ** 24 + ((b[1] ?? 0) << 16) + ((b[2] ?? 0) << 8) + (b[3] ?? 0)) * 64 + e.prefix.len };
  });
  keyed.sort((x, y) => x.at - y.at);
  return keyed.map((k) => k.e);
}

/** Every entry of a table, one per prefix (best source wins), in dump order. */
export function fibEntries(s: SimState, table: SimTable): FibEntry[] {
  const owned = new Map<string, FibEntry>();
  for (const e of vppOwned(s, table)) {
    const key = prefixKey(e.prefix);
    const cur = owned.get(key);
    if (cur === undefined || RANK[e.source] < RANK[cur.source]) owned.set(key, e);
  }
  // API routes (keyed by prefixKey already) are merged into VPP's own entries rather than all
  // put through one map: a table holds far more routes than VPP-owned entries
  const all: FibEntry[] = [];
  for (const [key, r] of table.routes) {
    const own = owned.get(key);
    if (own !== undefined && RANK[own.source] < RANK.api) continue;
    if (own !== undefined) owned.delete(key);
    all.push({ prefix: r.prefix, source: 'api', paths: r.paths, statsIndex: r.statsIndex });
  }
  for (const e of owned.values()) all.push(e);
  return inDumpOrder(all, table.ip6);
}

/** Longest-prefix match of `dst` in a table (best source wins between equal prefixes). */
export function lookup(s: SimState, table: SimTable, dst: string): FibEntry | undefined {
  let hit: FibEntry | undefined;
  const consider = (e: FibEntry): void => {
    if (!prefixContains(e.prefix, dst)) return;
    if (hit === undefined || e.prefix.len > hit.prefix.len
      || (e.prefix.len === hit.prefix.len && RANK[e.source] < RANK[hit.source])) hit = e;
  };
  for (const e of vppOwned(s, table)) consider(e);
  for (const r of table.routes.values()) consider({ prefix: r.prefix, source: 'api', paths: r.paths });
  return hit;
}

/**
 * VRF tables and routes back into items. 24.02's `ip_route_details` carries no route source,
 * so VPP's own entries are recognised by shape and filtered out: the special prefixes of a
 * new table (drop), every entry an interface address installs (connected, local, network,
 * broadcast, /31 peer) in the interface's VRF while it is up, local (receive) paths, and the
 * /32 adjacency of each neighbour. An API route identical to a neighbour's adjacency cannot
 * be told apart from it; it is reported only when the desired set has that key (forwarding
 * is the same either way) or when its interface is an ipnet leftover. Everything else in an
 * IPv4 table is an ipnet route; a route out of an untagged interface is not ipnet's and is
 * not reported.
 */
import { NONE, type VppChannel } from '../api/channel.js';
import { dumpRoutes, dumpTables, PATH, type Route, type RoutePath, type TableDetails } from '../api/ip.js';
import type { NameIndex } from '../api/names.js';
import type { Neighbor } from '../api/neighbors.js';
import { item, vppRoute } from '../../desired/items.js';
import type { ItemSet } from '../../desired/itemset.js';
import { ipOf, lenOf, networkOf, vppInterfaceKey, vppRouteKey, vppVrfTableKey } from '../../desired/keys.js';
import { isIpnetInterfaceName } from '../../desired/naming.js';
import { NODE_OWNER, type Item, type VppRouteValue } from '../../desired/model.js';
import { compact } from '../../desired/items.js';
import { adopt, adoptAs, desiredTwin } from './adopt.js';
import type { InterfaceView } from './interfaces.js';

const ANY = '0.0.0.0';
const SPECIALS = new Set(['0.0.0.0/0', '0.0.0.0/32', '224.0.0.0/4', '240.0.0.0/4', '255.255.255.255/32']);

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}

function intToIp(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

/** Prefixes an interface address makes VPP install (vpp-api §2.3). */
export function addressPrefixes(cidr: string): string[] {
  const ip = ipOf(cidr);
  const len = lenOf(cidr);
  const net = networkOf(cidr);
  const out = [`${ip}/32`];
  if (len < 32) out.push(net);
  if (len <= 30) {
    out.push(`${ipOf(net)}/32`);
    out.push(`${intToIp(ipToInt(ipOf(net)) + 2 ** (32 - len) - 1)}/32`);
  }
  if (len === 31) {
    const v = ipToInt(ip);
    out.push(`${intToIp(v % 2 === 0 ? v + 1 : v - 1)}/32`);
  }
  return out;
}

function vppOwnedPrefixes(table: number, views: Iterable<InterfaceView>): Set<string> {
  const out = new Set<string>();
  for (const v of views) {
    if (!v.details.adminUp || v.vrf !== table) continue;
    for (const a of v.addresses) for (const p of addressPrefixes(a)) out.add(p);
  }
  return out;
}

function valueOf(r: Route, p: RoutePath, index: NameIndex): VppRouteValue | undefined {
  if (p.type === PATH.LOCAL) return undefined;
  if (p.type === PATH.DROP) return { type: 'DROP', vrf_id: r.table, dst_network: r.prefix, next_hop_addr: ANY };
  if (p.swIfIndex === NONE) {
    if (p.nextHop === ANY) return { type: 'INTER_VRF', vrf_id: r.table, via_vrf_id: p.tableId, dst_network: r.prefix, next_hop_addr: ANY };
    return compact({ vrf_id: r.table, dst_network: r.prefix, next_hop_addr: p.nextHop, via_vrf_id: p.tableId !== r.table ? p.tableId : undefined });
  }
  const name = index.ifName(p.swIfIndex);
  if (name === undefined) return undefined;
  return { vrf_id: r.table, dst_network: r.prefix, next_hop_addr: p.nextHop, outgoing_interface: name };
}

/**
 * Whether a route goes out of an ipnet interface nothing desires (left by a crash mid-ADD).
 * Its twin of a neighbour's adjacency is reported then: the resync deletes it before the
 * interface, because VPP keeps routes through a deleted interface and a later interface
 * reusing the index would inherit them. Deleting a route that was only the adjacency is a no-op.
 */
function leftover(v: VppRouteValue, correlate: ItemSet | undefined): boolean {
  const name = v.outgoing_interface;
  return correlate !== undefined && name !== undefined && isIpnetInterfaceName(name) && !correlate.has(vppInterfaceKey(name));
}

/** Every IPv4 table and its routes, as VPP reports them. */
export interface RouteDump {
  readonly tables: readonly TableDetails[];
  /** `routes[i]` are the routes of `tables[i]`. */
  readonly routes: readonly (readonly Route[])[];
}

/** Reads every IPv4 table and its routes (needs nothing from the other dumps, so it runs beside them). */
export async function dumpAllRoutes(ch: VppChannel): Promise<RouteDump> {
  const tables = await dumpTables(ch);
  return { tables, routes: await Promise.all(tables.map((t) => dumpRoutes(ch, t.id))) };
}

/** Tables and routes into items. */
export function retrieveRoutes(
  { tables, routes }: RouteDump, index: NameIndex, views: ReadonlyMap<number, InterfaceView>, neighbors: readonly Neighbor[], correlate: ItemSet | undefined,
): Item[] {
  const adjacency = new Set(neighbors.map((n) => `${n.ip}/32|${n.swIfIndex}|${n.ip}`));
  const out: Item[] = [];
  for (const t of tables) {
    const key = vppVrfTableKey(t.id);
    const want = correlate?.get(key);
    // VPP keeps no label for table 0 (adds and deletes of it are ignored): the desired one stands.
    const label = t.id === 0 && want?.kind === 'vpp-vrf-table' ? want.value.label : t.name;
    out.push(adopt(item('vpp-vrf-table', key, { id: t.id, protocol: 'IPV4', label }, [], NODE_OWNER), correlate, t.id === 0));
  }
  tables.forEach((t, i) => {
    const owned = vppOwnedPrefixes(t.id, views.values());
    for (const r of routes[i] ?? []) {
      if (owned.has(r.prefix)) continue;
      if (SPECIALS.has(r.prefix) && r.paths.every((p) => p.type === PATH.DROP)) continue;
      for (const p of r.paths) {
        const v = valueOf(r, p, index);
        if (v === undefined) continue;
        // the key is built once (with its address arithmetic) and looked up once: three of
        // each per route were a tenth of a start-up resync's conversion
        const want = correlate?.get(vppRouteKey(v.vrf_id, v.dst_network, v.next_hop_addr));
        if (want === undefined && adjacency.has(`${r.prefix}|${p.swIfIndex}|${p.nextHop}`) && !leftover(v, correlate)) continue;
        const twin = desiredTwin(want, 'vpp-route', v);
        if (twin !== undefined) {
          out.push(twin);
          continue;
        }
        // the desired value may write the destination with host bits: the same route, as desired
        const dst = want?.kind === 'vpp-route' && want.value.dst_network !== v.dst_network && networkOf(want.value.dst_network) === r.prefix ? want.value.dst_network : v.dst_network;
        out.push(adoptAs(vppRoute({ ...v, dst_network: dst }, NODE_OWNER), want));
      }
    }
  });
  return out;
}

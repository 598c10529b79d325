/**
 * IPv4 tables and routes (ip module). A route is ipnet's one-path shape: via a next hop out
 * of an interface, recursive via a next hop, a lookup in another VRF, or a drop.
 */
import { ip4Bytes, ip4String, prefix4, prefixString } from '../binapi/addr.js';
import type { Prefix } from '../binapi/types.js';
import { attempt, num, str, sub, type VppChannel, type VppMsg } from './channel.js';

/** fib_path_type values ipnet uses. */
export const PATH = { NORMAL: 0, LOCAL: 1, DROP: 2 } as const;

/** One path in text form; `swIfIndex` NONE = no interface. */
export interface RoutePath {
  readonly swIfIndex: number;
  readonly tableId: number;
  readonly type: number;
  readonly nextHop: string;
}

/** One route: table, destination (normalised network), its paths. */
export interface Route {
  readonly table: number;
  readonly prefix: string;
  readonly paths: readonly RoutePath[];
}

/** One IPv4 table as VPP lists it. */
export interface TableDetails {
  readonly id: number;
  readonly name: string;
}

/** Creates (takes the API lock on) an IPv4 table, or drops that lock. */
export function tableAddDel(ch: VppChannel, id: number, name: string, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} IPv4 table ${id}`,
    () => ch.request('ip_table_add_del', { is_add: add, table: { table_id: id, is_ip6: false, name } }));
}

/** Every IPv4 table. */
export async function dumpTables(ch: VppChannel): Promise<TableDetails[]> {
  const list = await attempt('dump IP tables', () => ch.dump('ip_table_dump', {}));
  return list.map((d) => sub(d, 'table')).filter((t) => t.is_ip6 !== true).map((t) => ({ id: num(t, 'table_id'), name: str(t, 'name') }));
}

function pathBody(p: RoutePath): VppMsg {
  return {
    sw_if_index: p.swIfIndex, table_id: p.tableId, rpf_id: 0, weight: 1, preference: 0, type: p.type, flags: 0, proto: 0,
    nh: { address: { ip4: ip4Bytes(p.nextHop) }, via_label: 0, obj_id: 0, classify_table_index: 0 }, n_labels: 0,
  };
}

/** Adds (replacing the paths) or deletes a route. */
export function routeAddDel(ch: VppChannel, r: Route, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} route ${r.prefix} in VRF ${r.table}`, () => ch.request('ip_route_add_del', {
    is_add: add, is_multipath: false,
    route: { table_id: r.table, stats_index: 0, prefix: prefix4(r.prefix), n_paths: r.paths.length, paths: r.paths.map(pathBody) },
  }));
}

/** Every entry of one IPv4 table, VPP's own included (callers filter). */
export async function dumpRoutes(ch: VppChannel, table: number): Promise<Route[]> {
  const list = await attempt(`dump routes of VRF ${table}`, () => ch.dump('ip_route_dump', { table: { table_id: table, is_ip6: false, name: '' } }));
  return list.map((d) => {
    const r = sub(d, 'route');
    const paths = Array.isArray(r.paths) ? (r.paths as VppMsg[]) : [];
    return {
      table, prefix: prefixString(r.prefix as Prefix),
      paths: paths.map((p) => ({
        swIfIndex: num(p, 'sw_if_index'), tableId: num(p, 'table_id'), type: num(p, 'type'),
        nextHop: ip4String(sub(sub(p, 'nh'), 'address').ip4 as Uint8Array),
      })),
    };
  });
}


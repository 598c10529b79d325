/**
 * Wire handlers of ip.api (tables, routes), ip_neighbor.api and arp.api (proxy ARP).
 */
import { isIp6 } from './addr.js';
import { fibEntries, routeAddDel, tableAddDel, tableAllocate, type PathIn } from './fib.js';
import { addressIn, addressOut, flag, ip4In, ipBytesOut, macIn, macOut, num, prefixIn, prefixOut, sub, text, unionIn, unionOut, type Msg } from './fields.js';
import { rv, type Handler } from './handler.js';
import type { SimPath, SimTable } from './model.js';
import { neighborAddDel, neighborConfig, proxyArpAddDel, proxyArpIntfc } from './neighbors.js';
import { NONE } from './retval.js';

function pathIn(p: Msg, ip6: boolean): PathIn {
  return {
    swIfIndex: num(p, 'sw_if_index'), tableId: num(p, 'table_id'), rpfId: num(p, 'rpf_id'),
    weight: num(p, 'weight'), preference: num(p, 'preference'), type: num(p, 'type'), flags: num(p, 'flags'),
    proto: num(p, 'proto'), nh: unionIn(sub(p, 'nh').address, ip6),
  };
}

function pathOut(p: SimPath): Msg {
  return {
    sw_if_index: p.swIfIndex, table_id: p.tableId, rpf_id: p.rpfId, weight: p.weight, preference: p.preference,
    type: p.type, flags: p.flags, proto: p.proto, nh: { address: unionOut(p.nh) }, n_labels: 0,
  };
}

function tableOut(t: SimTable): Msg {
  return { table_id: t.id, is_ip6: t.ip6, name: t.name };
}

/** Handlers by message name. */
export const ipHandlers: Record<string, Handler> = {
  ip_table_add_del: ({ s }, m) => {
    const t = sub(m, 'table');
    return rv(tableAddDel(s, flag(m, 'is_add'), flag(t, 'is_ip6'), num(t, 'table_id'), text(t, 'name')));
  },
  ip_table_allocate: ({ s }, m) => {
    const t = sub(m, 'table');
    return { retval: 0, reply: { table: tableOut(tableAllocate(s, flag(t, 'is_ip6'), num(t, 'table_id'), text(t, 'name'))) } };
  },
  ip_table_dump: ({ s }) => ({
    details: [...s.tables.values()].sort((a, b) => Number(a.ip6) - Number(b.ip6) || a.id - b.id)
      .map((t) => ({ name: 'ip_table_details', body: { table: tableOut(t) } })),
  }),
  ip_route_add_del: ({ s }, m) => {
    const r = sub(m, 'route');
    const prefix = prefixIn(r.prefix);
    const ip6 = isIp6(prefix.address);
    const paths = Array.isArray(r.paths) ? (r.paths as Msg[]).map((p) => pathIn(p, ip6)) : [];
    const out = routeAddDel(s, flag(m, 'is_add'), flag(m, 'is_multipath'), { tableId: num(r, 'table_id'), prefix, paths });
    return { retval: out.retval, reply: { stats_index: out.statsIndex } };
  },
  ip_route_dump: ({ s }, m) => {
    const t = sub(m, 'table');
    const table = s.table(flag(t, 'is_ip6'), num(t, 'table_id'));
    if (table === undefined) return { details: [] };
    return {
      details: fibEntries(s, table).map((e) => ({
        name: 'ip_route_details',
        body: { route: { table_id: table.id, stats_index: e.statsIndex ?? 0, prefix: prefixOut(e.prefix), n_paths: e.paths.length, paths: e.paths.map(pathOut) } },
      })),
    };
  },
  ip_neighbor_add_del: ({ s }, m) => {
    const n = sub(m, 'neighbor');
    const out = neighborAddDel(s, flag(m, 'is_add'), {
      swIfIndex: num(n, 'sw_if_index'), flags: num(n, 'flags'), mac: macIn(n.mac_address), ip: addressIn(n.ip_address),
    });
    return { retval: out.retval, reply: { stats_index: out.statsIndex } };
  },
  ip_neighbor_dump: ({ s }, m) => {
    const idx = num(m, 'sw_if_index');
    const ip6 = num(m, 'af') === 1;
    const list = [...s.neighbors.values()]
      .filter((n) => isIp6(n.ip) === ip6 && (idx === NONE || n.swIfIndex === idx))
      .sort((a, b) => a.swIfIndex - b.swIfIndex || a.ip.localeCompare(b.ip));
    return {
      details: list.map((n) => ({
        name: 'ip_neighbor_details',
        body: {
          age: Math.max(0, (s.now() - n.updatedAt) / 1000),
          neighbor: { sw_if_index: n.swIfIndex, flags: (n.isStatic ? 1 : 0) | (n.noFibEntry ? 2 : 0), mac_address: macOut(n.mac), ip_address: addressOut(n.ip) },
        },
      })),
    };
  },
  ip_neighbor_config: ({ s }, m) => rv(neighborConfig(s, num(m, 'af') === 1, num(m, 'max_number'), num(m, 'max_age'), flag(m, 'recycle'))),
  proxy_arp_add_del: ({ s }, m) => {
    const p = sub(m, 'proxy');
    return rv(proxyArpAddDel(s, flag(m, 'is_add'), num(p, 'table_id'), ip4In(p.low), ip4In(p.hi)));
  },
  proxy_arp_intfc_enable_disable: ({ s }, m) => rv(proxyArpIntfc(s, num(m, 'sw_if_index'), flag(m, 'enable'))),
  proxy_arp_dump: ({ s }) => ({
    details: s.proxyArpRanges.map((r) => ({ name: 'proxy_arp_details', body: { proxy: { table_id: r.tableId, low: ipBytesOut(r.low), hi: ipBytesOut(r.hi) } } })),
  }),
  proxy_arp_intfc_dump: ({ s }) => ({
    details: [...s.interfaces.values()].filter((i) => i.proxyArp).map((i) => ({ name: 'proxy_arp_intfc_details', body: { sw_if_index: i.swIfIndex } })),
  }),
};

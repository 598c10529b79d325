/**
 * `dump()`: every table of one simulated VPP as plain JSON, stable in order and free of
 * run-specific values (pid, ages), so tests can assert "VPP exactly as before".
 */
import { fibEntries } from './fib.js';
import { bdMembers } from './l2.js';
import type { SimState } from './state.js';

/** The JSON snapshot type (kept loose: it is compared, not navigated). */
export type SimSnapshot = Record<string, unknown>;

/** Builds the snapshot of a state. */
export function snapshot(s: SimState): SimSnapshot {
  const ifaces = [...s.interfaces.values()].sort((a, b) => a.swIfIndex - b.swIfIndex);
  return {
    interfaces: ifaces.map((i) => ({
      swIfIndex: i.swIfIndex, name: i.name, devType: i.devType, mac: i.mac, adminUp: i.adminUp, linkUp: i.linkUp,
      linkMtu: i.linkMtu, mtu: [...i.mtu], rxMode: i.rxMode, tag: i.tag, table4: i.table4, table6: i.table6,
      addresses: i.addresses.map((a) => `${a.address}/${a.len}`), unnumberedTo: i.unnumberedTo ?? null,
      l2: i.l2 === undefined ? null : { ...i.l2 }, proxyArp: i.proxyArp,
      tap: i.tap === undefined ? null : { ...i.tap, hostIp4Prefix: i.tap.hostIp4Prefix ?? null, hostIp6Prefix: i.tap.hostIp6Prefix ?? null },
      hostIfName: i.hostIfName ?? null,
    })),
    tables: [...s.tables.values()].sort((a, b) => Number(a.ip6) - Number(b.ip6) || a.id - b.id).map((t) => ({
      id: t.id, ip6: t.ip6, name: t.name,
      fib: fibEntries(s, t).map((e) => ({
        prefix: `${e.prefix.address}/${e.prefix.len}`, source: e.source,
        paths: e.paths.map((p) => ({ swIfIndex: p.swIfIndex, tableId: p.tableId, type: p.type, nh: p.nh, weight: p.weight, preference: p.preference })),
      })),
    })),
    neighbors: [...s.neighbors.values()]
      .sort((a, b) => a.swIfIndex - b.swIfIndex || a.ip.localeCompare(b.ip))
      .map((n) => ({ swIfIndex: n.swIfIndex, ip: n.ip, mac: n.mac, static: n.isStatic, noFibEntry: n.noFibEntry })),
    neighborConfig: { ip4: { ...s.neighborConfig[4] }, ip6: { ...s.neighborConfig[6] } },
    proxyArp: s.proxyArpRanges.map((r) => ({ ...r })),
    bridgeDomains: [...s.bds.values()].filter((b) => b.bdId !== 0).sort((a, b) => a.bdId - b.bdId).map((b) => ({
      bdId: b.bdId, flood: b.flood, uuFlood: b.uuFlood, forward: b.forward, learn: b.learn, arpTerm: b.arpTerm,
      arpUfwd: b.arpUfwd, macAge: b.macAge, tag: b.tag, members: bdMembers(s, b.bdId),
      l2fib: [...b.fib.values()].sort((x, y) => x.mac.localeCompare(y.mac))
        .map((e) => ({ mac: e.mac, swIfIndex: e.swIfIndex, static: e.staticMac, filter: e.filterMac, bvi: e.bviMac })),
    })),
    vxlanTunnels: [...s.vxlans.values()].sort((a, b) => a.swIfIndex - b.swIfIndex).map((t) => ({ ...t })),
    stnRules: s.stnRules.map((r) => ({ ...r })),
    puntRedirects: s.puntRedirects.map((r) => ({ ...r, paths: r.paths.map((p) => ({ ...p })) })),
  };
}

/**
 * Layer-3 items: an interface's derived VRF binding, addresses and unnumbered setting;
 * routes, static ARP, VRF tables, neighbour-table settings, proxy ARP, STN and punt.
 * Each realiser is symmetric: the create of one is the inverse of the delete of the other.
 * None needs a reply's value: each sends its calls and returns at once (see apply.ts).
 */
import { addDelAddress, setTable, setUnnumbered } from '../api/interfaces.js';
import { NONE } from '../api/channel.js';
import { PATH, routeAddDel, tableAddDel, type Route } from '../api/ip.js';
import { mustIf, type NameIndex } from '../api/names.js';
import { DEFAULT_NEIGHBOR_CONFIG, neighborAddDel, setNeighborConfig, type Neighbor, type NeighborConfig } from '../api/neighbors.js';
import { proxyArpInterface, proxyArpRange } from '../api/proxyarp.js';
import { puntRedirect, stnRule } from '../api/stn.js';
import { networkOf } from '../../desired/keys.js';
import type {
  VppArpValue, VppInterfaceAddressValue, VppInterfaceVrfValue, VppIpScanNeighValue, VppProxyArpValue, VppPuntRedirectValue,
  VppRouteValue, VppStnRuleValue, VppUnnumberedValue, VppVrfTableValue,
} from '../../desired/model.js';
import type { ApplyContext } from './context.js';
import type { UndoList } from './undo.js';

/** Direction of a symmetric realiser: `true` creates, `false` deletes. */
type Add = boolean;
const verb = (add: Add): string => (add ? 'create' : 'delete');

/** VRF binding; deleting it returns the interface to VRF 0. */
export function interfaceVrf(ctx: ApplyContext, v: VppInterfaceVrfValue, add: Add, undo: UndoList): void {
  const idx = mustIf(ctx.index, v.interface);
  undo.call(setTable(ctx.ch, idx, add ? v.vrf : 0), `re-bind ${v.interface} to VRF ${add ? 0 : v.vrf}`, () => setTable(ctx.ch, idx, add ? 0 : v.vrf));
}

/** One static address. */
export function interfaceAddress(ctx: ApplyContext, v: VppInterfaceAddressValue, add: Add, undo: UndoList): void {
  const idx = mustIf(ctx.index, v.interface);
  undo.call(addDelAddress(ctx.ch, idx, v.address, add), `${verb(!add)} address ${v.address} of ${v.interface}`,
    () => addDelAddress(ctx.ch, idx, v.address, !add));
}

/** Unnumbered to the interface owning the address. */
export function unnumbered(ctx: ApplyContext, v: VppUnnumberedValue, add: Add, undo: UndoList): void {
  const borrower = mustIf(ctx.index, v.interface);
  const owner = mustIf(ctx.index, v.interface_with_ip);
  undo.call(setUnnumbered(ctx.ch, borrower, owner, add), `${verb(!add)} unnumbered ${v.interface}`, () => setUnnumbered(ctx.ch, borrower, owner, !add));
}

/** The one-path VPP route a route value stands for. */
export function routeOf(index: NameIndex, v: VppRouteValue): Route {
  const any = '0.0.0.0';
  const path = v.type === 'DROP' ? { swIfIndex: NONE, tableId: 0, type: PATH.DROP, nextHop: any }
    : v.type === 'INTER_VRF' ? { swIfIndex: NONE, tableId: v.via_vrf_id ?? 0, type: PATH.NORMAL, nextHop: any }
      : v.outgoing_interface !== undefined ? { swIfIndex: mustIf(index, v.outgoing_interface), tableId: 0, type: PATH.NORMAL, nextHop: v.next_hop_addr }
        : { swIfIndex: NONE, tableId: v.via_vrf_id ?? v.vrf_id, type: PATH.NORMAL, nextHop: v.next_hop_addr };
  return { table: v.vrf_id, prefix: networkOf(v.dst_network), paths: [path] };
}

/** A route. */
export function route(ctx: ApplyContext, v: VppRouteValue, add: Add, undo: UndoList): void {
  const r = routeOf(ctx.index, v);
  undo.call(routeAddDel(ctx.ch, r, add), `${verb(!add)} route ${r.prefix} in VRF ${r.table}`, () => routeAddDel(ctx.ch, r, !add));
}

function neighborOf(index: NameIndex, v: VppArpValue): Neighbor {
  return { swIfIndex: mustIf(index, v.interface), ip: v.ip_address, mac: v.phys_address.toLowerCase(), isStatic: v.static };
}

/** A static ARP entry; an update re-adds with the new MAC, its inverse with the old one. */
export function arp(ctx: ApplyContext, v: VppArpValue, add: Add, undo: UndoList, prev?: VppArpValue): void {
  const n = neighborOf(ctx.index, v);
  if (prev !== undefined) {
    const old = neighborOf(ctx.index, prev);
    undo.call(neighborAddDel(ctx.ch, n, add), `restore ARP ${v.ip_address} on ${v.interface}`, () => neighborAddDel(ctx.ch, old, true));
  } else undo.call(neighborAddDel(ctx.ch, n, add), `${verb(!add)} ARP ${v.ip_address} on ${v.interface}`, () => neighborAddDel(ctx.ch, n, !add));
}

/** A VRF table (its label is the table name; VPP ignores both for table 0). */
export function vrfTable(ctx: ApplyContext, v: VppVrfTableValue, add: Add, undo: UndoList, prev?: VppVrfTableValue): void {
  const sent = tableAddDel(ctx.ch, v.id, v.label, add);
  if (prev !== undefined) undo.call(sent, `restore label of VRF ${v.id}`, () => tableAddDel(ctx.ch, v.id, prev.label, true));
  else undo.call(sent, `${verb(!add)} VRF table ${v.id}`, () => tableAddDel(ctx.ch, v.id, v.label, !add));
}

/**
 * 24.02 has no neighbour scan: contiv's stale threshold (minutes) becomes the age (seconds)
 * after which VPP drops an entry; the scan interval has no counterpart.
 */
export function neighborConfigOf(v: VppIpScanNeighValue): NeighborConfig {
  return { maxNumber: DEFAULT_NEIGHBOR_CONFIG.maxNumber, maxAge: v.stale_threshold * 60, recycle: false };
}

/** The neighbour-table settings; deleting restores VPP's defaults. */
export function scanNeigh(ctx: ApplyContext, v: VppIpScanNeighValue, add: Add, undo: UndoList, prev?: VppIpScanNeighValue): void {
  const want = add ? neighborConfigOf(v) : DEFAULT_NEIGHBOR_CONFIG;
  const before = prev !== undefined ? neighborConfigOf(prev) : add ? DEFAULT_NEIGHBOR_CONFIG : neighborConfigOf(v);
  undo.call(setNeighborConfig(ctx.ch, want), 'restore the neighbour-table settings', () => setNeighborConfig(ctx.ch, before));
}

/** Proxy ARP ranges (answered in the main FIB) and the interfaces answering them. */
export function proxyArp(ctx: ApplyContext, v: VppProxyArpValue, add: Add, undo: UndoList): void {
  const ranges = v.ranges.map((r) => ({ table: 0, low: r.first_ip_addr, high: r.last_ip_addr }));
  const ifs = v.interfaces.map((i) => mustIf(ctx.index, i.name));
  const doRanges = (): void => {
    for (const r of ranges) undo.call(proxyArpRange(ctx.ch, r, add), `${verb(!add)} proxy ARP range ${r.low}`, () => proxyArpRange(ctx.ch, r, !add));
  };
  const doIfs = (): void => {
    for (const i of ifs) {
      undo.call(proxyArpInterface(ctx.ch, i, add), `${add ? 'disable' : 'enable'} proxy ARP on ${i}`, () => proxyArpInterface(ctx.ch, i, !add));
    }
  };
  if (add) { doRanges(); doIfs(); } else { doIfs(); doRanges(); }
}

/** An STN rule. */
export function stn(ctx: ApplyContext, v: VppStnRuleValue, add: Add, undo: UndoList): void {
  const idx = mustIf(ctx.index, v.interface);
  undo.call(stnRule(ctx.ch, v.ip_address, idx, add), `${verb(!add)} STN rule ${v.ip_address}`, () => stnRule(ctx.ch, v.ip_address, idx, !add));
}

/** A punt redirect. */
export function punt(ctx: ApplyContext, v: VppPuntRedirectValue, add: Add, undo: UndoList): void {
  const idx = mustIf(ctx.index, v.tx_interface);
  undo.call(puntRedirect(ctx.ch, idx, v.next_hop, add), `${verb(!add)} punt redirect to ${v.tx_interface}`, () => puntRedirect(ctx.ch, idx, v.next_hop, !add));
}

/**
 * The packet tracer: follows one IPv4 packet through the simulated tables the way VPP's
 * graph would (ip4-input → ip4-lookup → rewrite / l2-fwd → vxlan encap → underlay → peer's
 * vxlan decap → its BD and FIB → pod interface), and says where and why it was dropped.
 */
import { isIp6 } from './addr.js';
import { lookup, PATH_TYPE } from './fib.js';
import { isIpEnabled } from './interfaces.js';
import type { SimInterface, SimPath, SimVxlan } from './model.js';
import { neighborKey } from './neighbors.js';
import { NONE } from './retval.js';
import type { VppSimulator } from './simulator.js';
import type { SimState } from './state.js';
import { tunnelOf } from './vxlan.js';

/** The packet to follow; the input interface defaults to where VPP knows `src` from (ARP or /32 route). */
export interface TracePacket {
  readonly src: string;
  readonly dst: string;
  /** sw_if_index, VPP interface name, or tag. */
  readonly inputInterface?: number | string;
}

/** One step of the path. */
export interface TraceHop {
  readonly node: string;
  readonly step: string;
  readonly detail: string;
}

/** Where the packet ended. */
export type TraceResult =
  | { readonly delivered: true; readonly node: string; readonly to: 'interface' | 'local'; readonly interface: { swIfIndex: number; name: string; tag: string; hostIfName: string }; readonly hops: TraceHop[] }
  | { readonly delivered: false; readonly node: string; readonly reason: string; readonly hops: TraceHop[] };

/** What the tracer needs from the underlay (kept narrow so a single node can be traced alone). */
export interface UnderlayView {
  ownerOf(ip: string): VppSimulator | undefined;
}

const MAX_STEPS = 64;

class Tracer {
  readonly hops: TraceHop[] = [];

  constructor(private readonly underlay: UnderlayView, private readonly pkt: TracePacket) {}

  private hop(sim: VppSimulator, step: string, detail: string): void {
    if (this.hops.length >= MAX_STEPS) throw new LoopError();
    this.hops.push({ node: sim.name, step, detail });
  }

  drop(sim: VppSimulator, reason: string): TraceResult {
    this.hops.push({ node: sim.name, step: 'drop', detail: reason });
    return { delivered: false, node: sim.name, reason, hops: this.hops };
  }

  deliver(sim: VppSimulator, iface: SimInterface, to: 'interface' | 'local'): TraceResult {
    const hostIfName = iface.tap?.hostIfName ?? iface.hostIfName ?? '';
    this.hops.push({ node: sim.name, step: to === 'local' ? 'ip4-local' : 'interface-output', detail: `${iface.name}${iface.tag ? ` (${iface.tag})` : ''}` });
    return { delivered: true, node: sim.name, to, interface: { swIfIndex: iface.swIfIndex, name: iface.name, tag: iface.tag, hostIfName }, hops: this.hops };
  }

  /** IP input on an interface: admin state and IP enablement, then a lookup in its VRF. */
  ipInput(sim: VppSimulator, iface: SimInterface): TraceResult {
    const s = sim.state;
    this.hop(sim, 'ip4-input', `${iface.name} (table ${iface.table4})`);
    if (!iface.adminUp) return this.drop(sim, `input interface ${iface.name} is admin-down`);
    if (!isIpEnabled(iface, false)) return this.drop(sim, `ip4-not-enabled: ${iface.name} has no address and is not unnumbered`);
    return this.lookupIn(sim, s, iface.table4);
  }

  lookupIn(sim: VppSimulator, s: SimState, tableId: number): TraceResult {
    const table = s.table(false, tableId);
    if (table === undefined) return this.drop(sim, `table ${tableId} does not exist`);
    const e = lookup(s, table, this.pkt.dst);
    if (e === undefined) return this.drop(sim, `no route to ${this.pkt.dst} in table ${tableId}`);
    const first = e.paths[0];
    this.hop(sim, 'ip4-lookup', `table ${tableId}: ${this.pkt.dst} matches ${e.prefix.address}/${e.prefix.len} (${e.source}, ${e.paths.length} path${e.paths.length === 1 ? '' : 's'})`);
    if (first === undefined) return this.drop(sim, `route ${e.prefix.address}/${e.prefix.len} has no paths`);
    return this.followPath(sim, s, first, `${e.prefix.address}/${e.prefix.len} in table ${tableId}`);
  }

  private followPath(sim: VppSimulator, s: SimState, p: SimPath, what: string): TraceResult {
    if (p.type === PATH_TYPE.DROP) return this.drop(sim, `route ${what} is a drop route`);
    if (p.type === PATH_TYPE.LOCAL) {
      const iface = s.iface(p.swIfIndex);
      return iface === undefined ? this.drop(sim, `local route ${what} has no interface`) : this.deliver(sim, iface, 'local');
    }
    if (p.swIfIndex === NONE) {
      if (p.nh === '0.0.0.0') {
        this.hop(sim, 'lookup-dpo', `next lookup in table ${p.tableId}`);
        return this.lookupIn(sim, s, p.tableId);
      }
      return this.recursive(sim, s, p, what);
    }
    const iface = s.iface(p.swIfIndex);
    if (iface === undefined || iface.uid !== p.ifUid) return this.drop(sim, `route ${what} points at deleted interface ${p.swIfIndex} (stale path, traffic dropped)`);
    return this.ipOutput(sim, s, iface, p.nh === '0.0.0.0' ? this.pkt.dst : p.nh);
  }

  /** A next hop without interface resolves through another lookup, as VPP's recursive paths do. */
  private recursive(sim: VppSimulator, s: SimState, p: SimPath, what: string): TraceResult {
    const table = s.table(false, p.tableId);
    const via = table === undefined ? undefined : lookup(s, table, p.nh);
    const rp = via?.paths[0];
    if (via === undefined || rp === undefined || rp.type !== PATH_TYPE.NORMAL || rp.swIfIndex === NONE) {
      return this.drop(sim, `next hop ${p.nh} of ${what} does not resolve through an interface in table ${p.tableId}`);
    }
    this.hop(sim, 'ip4-recursive', `${p.nh} resolves via ${via.prefix.address}/${via.prefix.len} in table ${p.tableId}`);
    const iface = s.iface(rp.swIfIndex);
    if (iface === undefined || iface.uid !== rp.ifUid) return this.drop(sim, `next hop ${p.nh} resolves through deleted interface ${rp.swIfIndex}`);
    return this.ipOutput(sim, s, iface, rp.nh === '0.0.0.0' ? p.nh : rp.nh);
  }

  private ipOutput(sim: VppSimulator, s: SimState, iface: SimInterface, nh: string): TraceResult {
    this.hop(sim, 'ip4-rewrite', `out ${iface.name} via ${nh}`);
    if (!iface.adminUp) return this.drop(sim, `output interface ${iface.name} is admin-down`);
    const tunnel = tunnelOf(s, iface.swIfIndex);
    if (tunnel !== undefined) return this.encap(sim, s, iface, tunnel, '');
    const n = s.neighbors.get(neighborKey(iface.swIfIndex, nh));
    const resolved = n !== undefined && n.ifUid === iface.uid;
    if (iface.l2?.bvi === true) {
      // the overlay BD does not flood, so ARP across it must be static (as contiv installs it)
      if (!resolved) return this.drop(sim, `ip4-glean: no ARP entry for ${nh} on ${iface.name}`);
      return this.l2Forward(sim, s, iface, n.mac);
    }
    const peer = this.underlay.ownerOf(nh);
    // on the underlay the peer answers ARP itself, so no static entry is needed
    if (peer !== undefined && peer !== sim) return this.overUnderlay(sim, peer, nh);
    if (iface.kind !== 'tun' && !resolved) return this.drop(sim, `ip4-glean: no ARP entry for ${nh} on ${iface.name}`);
    if (iface.kind === 'tap' || iface.kind === 'tun' || iface.kind === 'af_packet') return this.deliver(sim, iface, 'interface');
    return this.drop(sim, `${iface.name} (${iface.devType}) leads nowhere outside VPP`);
  }

  private overUnderlay(sim: VppSimulator, peer: VppSimulator, ip: string): TraceResult {
    this.hop(sim, 'underlay', `${sim.name} → ${peer.name} (${ip})`);
    const ps = peer.state;
    const iface = [...ps.interfaces.values()].find((i) => i.addresses.some((a) => a.address === ip));
    if (iface === undefined) return this.drop(peer, `no interface on ${peer.name} holds ${ip}`);
    return this.ipInput(peer, iface);
  }

  private l2Forward(sim: VppSimulator, s: SimState, from: SimInterface, mac: string): TraceResult {
    const bdId = from.l2?.bdId ?? 0;
    const bd = s.bds.get(bdId);
    if (bd === undefined) return this.drop(sim, `bridge domain ${bdId} is gone`);
    const e = bd.fib.get(mac);
    this.hop(sim, 'l2-fwd', `bd ${bdId}: ${mac} → ${e === undefined ? 'miss' : e.swIfIndex}`);
    if (e === undefined) return this.drop(sim, `l2 fib miss for ${mac} in bd ${bdId}${bd.uuFlood ? ' (would be flooded; not traced)' : ', unknown-unicast flooding disabled'}`);
    if (e.filterMac) return this.drop(sim, `${mac} is a filter entry in bd ${bdId}`);
    const out = s.iface(e.swIfIndex);
    if (out === undefined || out.uid !== e.ifUid) return this.drop(sim, `l2 fib entry ${mac} in bd ${bdId} points at deleted interface ${e.swIfIndex}`);
    if (out.l2?.bdId !== bdId) return this.drop(sim, `${out.name} is no longer a member of bd ${bdId}`);
    if (out.l2.bvi) return this.ipInput(sim, out);
    if (from.l2?.bvi !== true && from.l2 !== undefined && from.l2.shg !== 0 && from.l2.shg === out.l2.shg) {
      return this.drop(sim, `split horizon: ${from.name} and ${out.name} share group ${out.l2.shg}`);
    }
    if (!out.adminUp) return this.drop(sim, `output interface ${out.name} is admin-down`);
    const tunnel = tunnelOf(s, out.swIfIndex);
    if (tunnel !== undefined) return this.encap(sim, s, out, tunnel, mac);
    if (out.kind === 'tap' || out.kind === 'af_packet') return this.deliver(sim, out, 'interface');
    return this.drop(sim, `${out.name} leads nowhere outside VPP`);
  }

  private encap(sim: VppSimulator, s: SimState, iface: SimInterface, t: SimVxlan, innerMac: string): TraceResult {
    if (!iface.adminUp) return this.drop(sim, `tunnel ${iface.name} is admin-down`);
    this.hop(sim, 'vxlan4-encap', `${iface.name}: vni ${t.vni}, ${t.src} → ${t.dst}:${t.dstPort}`);
    const table = s.table(false, t.encapVrfId);
    const e = table === undefined ? undefined : lookup(s, table, t.dst);
    const p = e?.paths[0];
    if (e === undefined || p === undefined || p.type !== PATH_TYPE.NORMAL || p.swIfIndex === NONE) {
      return this.drop(sim, `no underlay route to ${t.dst} in table ${t.encapVrfId}`);
    }
    const up = s.iface(p.swIfIndex);
    if (up === undefined || up.uid !== p.ifUid || !up.adminUp) return this.drop(sim, `underlay interface for ${t.dst} is missing or down`);
    const peer = this.underlay.ownerOf(t.dst);
    if (peer === undefined) return this.drop(sim, `no node owns ${t.dst} on the underlay`);
    this.hop(sim, 'underlay', `${sim.name} (${up.name}) → ${peer.name} (${t.dst})`);
    return this.decap(peer, t, innerMac);
  }

  private decap(peer: VppSimulator, sent: SimVxlan, innerMac: string): TraceResult {
    const ps = peer.state;
    const t = [...ps.vxlans.values()].find((x) => x.src === sent.dst && x.dst === sent.src && x.vni === sent.vni);
    const table = ps.table(false, t?.encapVrfId ?? 0);
    const local = table === undefined ? undefined : lookup(ps, table, sent.dst);
    if (local?.paths[0]?.type !== PATH_TYPE.LOCAL) return this.drop(peer, `${sent.dst} is not a local address of ${peer.name}`);
    if (t === undefined) return this.drop(peer, `vxlan4-input: no tunnel from ${sent.src} with vni ${sent.vni}`);
    const iface = ps.iface(t.swIfIndex);
    if (iface === undefined || !iface.adminUp) return this.drop(peer, `tunnel vxlan_tunnel${t.instance} is down`);
    this.hop(peer, 'vxlan4-input', `${iface.name}: vni ${t.vni} from ${t.dst}`);
    if (t.decapNextIndex === 0) return this.drop(peer, `${iface.name} decaps to error-drop (decap_next_index 0)`);
    if (iface.l2 === undefined) return this.drop(peer, `${iface.name} is not in a bridge domain`);
    return this.l2Forward(peer, ps, iface, innerMac);
  }
}

class LoopError extends Error {}

function findInput(s: SimState, pkt: TracePacket): SimInterface | undefined {
  const want = pkt.inputInterface;
  if (typeof want === 'number') return s.iface(want);
  if (typeof want === 'string') return [...s.interfaces.values()].find((i) => i.name === want || (i.tag !== '' && i.tag === want));
  for (const n of s.neighbors.values()) if (n.ip === pkt.src && s.iface(n.swIfIndex)?.uid === n.ifUid) return s.iface(n.swIfIndex);
  for (const t of s.tables.values()) {
    const r = t.routes.get(`${pkt.src}/32`);
    const p = r?.paths.find((x) => x.swIfIndex !== NONE);
    if (p !== undefined) return s.iface(p.swIfIndex);
  }
  return undefined;
}

/** Traces `pkt` entering `fromSim`; `underlay` resolves other nodes' uplink addresses. */
export function traceFrom(underlay: UnderlayView, fromSim: VppSimulator, pkt: TracePacket): TraceResult {
  const tracer = new Tracer(underlay, pkt);
  if (isIp6(pkt.src) || isIp6(pkt.dst)) return tracer.drop(fromSim, 'the tracer follows IPv4 only');
  const input = findInput(fromSim.state, pkt);
  if (input === undefined) return tracer.drop(fromSim, `no input interface known for ${pkt.src}${pkt.inputInterface === undefined ? '' : ` (${String(pkt.inputInterface)})`}`);
  try {
    return tracer.ipInput(fromSim, input);
  } catch (err) {
    if (err instanceof LoopError) return tracer.drop(fromSim, `forwarding loop: more than ${MAX_STEPS} steps`);
    throw err;
  }
}

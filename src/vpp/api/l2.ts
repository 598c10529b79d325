/** Bridge domains, their members and static L2 FIB entries (l2 module). */
import { macBytes, macString } from '../binapi/addr.js';
import { attempt, NONE, num, str, type VppChannel, type VppMsg } from './channel.js';

/** Bridge-domain flags ipnet sets; the tag carries ipnet's BD name. */
export interface BridgeDomainSpec {
  readonly tag: string;
  readonly learn: boolean;
  readonly forward: boolean;
  readonly flood: boolean;
  readonly uuFlood: boolean;
}

/** One BD as the dump shows it. */
export interface BridgeDomainDetails extends BridgeDomainSpec {
  readonly bdId: number;
  readonly bvi: number;
  readonly members: readonly { readonly swIfIndex: number; readonly shg: number }[];
}

/** One L2 FIB entry. */
export interface L2FibEntry {
  readonly bdId: number;
  readonly mac: string;
  readonly swIfIndex: number;
  readonly isStatic: boolean;
  readonly bviMac: boolean;
  readonly filterMac: boolean;
}

/** Creates a BD under a free id VPP picks; returns the id. */
export async function createBridgeDomain(ch: VppChannel, b: BridgeDomainSpec): Promise<number> {
  const r = await attempt(`create bridge domain ${b.tag}`, () => ch.request('bridge_domain_add_del_v2', {
    bd_id: NONE, flood: b.flood, uu_flood: b.uuFlood, forward: b.forward, learn: b.learn, arp_term: false, arp_ufwd: false,
    mac_age: 0, bd_tag: b.tag, is_add: true,
  }));
  return num(r, 'bd_id');
}

/** Deletes a BD (it must have no members). */
export function deleteBridgeDomain(ch: VppChannel, bdId: number): Promise<unknown> {
  return attempt(`delete bridge domain ${bdId}`, () => ch.request('bridge_domain_add_del_v2', { bd_id: bdId, is_add: false }));
}

/** Puts an interface into a BD (or back to L3 with `enable` false). */
export function setL2Bridge(ch: VppChannel, swIfIndex: number, bdId: number, bvi: boolean, shg: number, enable: boolean): Promise<unknown> {
  return attempt(`${enable ? 'add' : 'remove'} interface ${swIfIndex} ${enable ? 'to' : 'from'} bridge domain ${bdId}`,
    () => ch.request('sw_interface_set_l2_bridge', { rx_sw_if_index: swIfIndex, bd_id: bdId, port_type: bvi ? 1 : 0, shg, enable }));
}

/** Every BD (BD 0 is VPP's placeholder and never listed). */
export async function dumpBridgeDomains(ch: VppChannel): Promise<BridgeDomainDetails[]> {
  const list = await attempt('dump bridge domains', () => ch.dump('bridge_domain_dump', { bd_id: NONE, sw_if_index: NONE }));
  return list.map((d) => ({
    bdId: num(d, 'bd_id'), tag: str(d, 'bd_tag'), learn: d.learn === true, forward: d.forward === true,
    flood: d.flood === true, uuFlood: d.uu_flood === true, bvi: num(d, 'bvi_sw_if_index'),
    members: (Array.isArray(d.sw_if_details) ? (d.sw_if_details as VppMsg[]) : []).map((m) => ({ swIfIndex: num(m, 'sw_if_index'), shg: num(m, 'shg') })),
  }));
}

/** Adds or deletes an L2 FIB entry. */
export function l2fibAddDel(ch: VppChannel, e: L2FibEntry, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} L2 FIB entry ${e.mac} in bridge domain ${e.bdId}`, () => ch.request('l2fib_add_del', {
    mac: macBytes(e.mac), bd_id: e.bdId, sw_if_index: e.swIfIndex, is_add: add, static_mac: e.isStatic, filter_mac: e.filterMac, bvi_mac: e.bviMac,
  }));
}

/** Every L2 FIB entry of every BD. */
export async function dumpL2Fib(ch: VppChannel): Promise<L2FibEntry[]> {
  const list = await attempt('dump the L2 FIB', () => ch.dump('l2_fib_table_dump', { bd_id: NONE }));
  return list.map((d) => ({
    bdId: num(d, 'bd_id'), mac: macString(d.mac as Uint8Array), swIfIndex: num(d, 'sw_if_index'),
    isStatic: d.static_mac === true, bviMac: d.bvi_mac === true, filterMac: d.filter_mac === true,
  }));
}

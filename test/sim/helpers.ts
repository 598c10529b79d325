/**
 * Builders for simulator tests: requests with the wire shapes the codec decodes to
 * (bytes for MACs and addresses), and one-line calls returning the reply or the details.
 */
import { decode, encodeWithId } from '../../src/vpp/binapi/index.js';
import { addressOut, macOut, prefixOut, unionOut, type Msg } from '../../src/vpp/sim/fields.js';
import type { OutMsg } from '../../src/vpp/sim/handler.js';
import { VppSimulator, type SimulatorOptions } from '../../src/vpp/sim/simulator.js';

/** ~0. */
export const NONE = 0xffffffff;

/** A fresh simulator with a fixed seed (deterministic MACs and ids). */
export function newSim(opts: SimulatorOptions = {}): VppSimulator {
  return new VppSimulator({ seed: 42, ...opts });
}

/**
 * Calls a request through the codec: the body is encoded and decoded before the handler
 * sees it, and every reply or detail is encoded and decoded on the way back, so a field name
 * that differs from the codec's definition shows up as a zero and fails the test.
 */
export function viaWire(sim: VppSimulator, name: string, body: Msg): OutMsg[] {
  const ids = sim.messageTable;
  const back = (n: string, b: Msg): Msg => {
    const r = decode(ids, encodeWithId(ids.idOf(n), n, b));
    if (!r.ok) throw new Error(`codec refused ${n}: ${r.error.message}`);
    return r.msg;
  };
  return sim.call(name, back(name, { client_index: 0, context: 0, ...body })).map((o) => ({ name: o.name, body: back(o.name, o.body) }));
}

/** Calls a non-dump request and returns the reply body (retval included). */
export function req(sim: VppSimulator, name: string, body: Msg = {}): Msg & { retval: number } {
  const [out] = viaWire(sim, name, body);
  if (out === undefined) throw new Error(`no reply to ${name}`);
  return out.body as Msg & { retval: number };
}

/** Calls a dump and returns the details bodies. */
export function dump(sim: VppSimulator, name: string, body: Msg = {}): Msg[] {
  return viaWire(sim, name, body).map((o) => o.body);
}

/** `prefix` wire value from "a.b.c.d/len". */
export function pfx(cidr: string): Msg {
  const [address = '', len = '0'] = cidr.split('/');
  return prefixOut({ address, len: Number(len) });
}

/** `address` wire value. */
export function addr(ip: string): Msg {
  return addressOut(ip);
}

/** `mac_address` wire value. */
export function mac(m: string): Uint8Array {
  return macOut(m);
}

/** A loopback; returns its sw_if_index. */
export function loop(sim: VppSimulator, m = '00:00:00:00:00:00'): number {
  return req(sim, 'create_loopback', { mac_address: mac(m) }).sw_if_index as number;
}

/** A TAP with VPP's API defaults; returns the reply. */
export function tap(sim: VppSimulator, over: Msg = {}): Msg & { retval: number } {
  return req(sim, 'tap_create_v3', { id: NONE, use_random_mac: true, tx_ring_sz: 256, rx_ring_sz: 256, tag: '', ...over });
}

/** A FIB path. */
export function path(p: { sw?: number; table?: number; type?: number; nh?: string }): Msg {
  return { sw_if_index: p.sw ?? NONE, table_id: p.table ?? 0, weight: 1, type: p.type ?? 0, proto: 0, nh: { address: unionOut(p.nh ?? '0.0.0.0') } };
}

/** ip_route_add_del. */
export function route(sim: VppSimulator, isAdd: boolean, table: number, cidr: string, paths: Msg[], isMultipath = false): Msg & { retval: number } {
  return req(sim, 'ip_route_add_del', { is_add: isAdd, is_multipath: isMultipath, route: { table_id: table, prefix: pfx(cidr), n_paths: paths.length, paths } });
}

/** ip_route_dump of a v4 table, as "prefix → path summary" strings. */
export function routes(sim: VppSimulator, table: number): string[] {
  return dump(sim, 'ip_route_dump', { table: { table_id: table, is_ip6: false } }).map((d) => {
    const r = d.route as Msg;
    const p = r.prefix as Msg;
    const a = ((p.address as Msg).un as Msg).ip4 as Uint8Array;
    const paths = (r.paths as Msg[]).map((x) => {
      const nh = ((x.nh as Msg).address as Msg).ip4 as Uint8Array;
      const sw = x.sw_if_index === NONE ? '~0' : String(x.sw_if_index);
      return `${['normal', 'local', 'drop'][x.type as number] ?? x.type} sw=${sw} t=${x.table_id as number} nh=${[...nh].join('.')}`;
    });
    return `${[...a].join('.')}/${p.len as number} ${paths.join(', ')}`;
  });
}

/** ip_table_add_del for an IPv4 table. */
export function table(sim: VppSimulator, id: number, isAdd = true): number {
  return req(sim, 'ip_table_add_del', { is_add: isAdd, table: { table_id: id, is_ip6: false, name: '' } }).retval;
}

/** sw_interface_add_del_address. */
export function address(sim: VppSimulator, sw: number, cidr: string, isAdd = true): number {
  return req(sim, 'sw_interface_add_del_address', { sw_if_index: sw, is_add: isAdd, prefix: pfx(cidr) }).retval;
}

/** Admin up. */
export function up(sim: VppSimulator, sw: number): number {
  return req(sim, 'sw_interface_set_flags', { sw_if_index: sw, flags: 1 }).retval;
}

/** Interface names by index from sw_interface_dump. */
export function names(sim: VppSimulator): Record<number, string> {
  const out: Record<number, string> = {};
  for (const d of dump(sim, 'sw_interface_dump', { sw_if_index: NONE })) out[d.sw_if_index as number] = d.interface_name as string;
  return out;
}

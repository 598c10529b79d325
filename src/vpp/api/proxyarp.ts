/** Proxy ARP (arp module): the STN-mode answer for addresses behind VPP. */
import { ip4Bytes, ip4String } from '../binapi/addr.js';
import { attempt, num, sub, type VppChannel } from './channel.js';

/** One answered range in one FIB. */
export interface ProxyRange {
  readonly table: number;
  readonly low: string;
  readonly high: string;
}

/** Adds or removes an answered range. */
export function proxyArpRange(ch: VppChannel, r: ProxyRange, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} proxy ARP range ${r.low}-${r.high}`, () => ch.request('proxy_arp_add_del', {
    is_add: add, proxy: { table_id: r.table, low: ip4Bytes(r.low), hi: ip4Bytes(r.high) },
  }));
}

/** Enables or disables answering on one interface. */
export function proxyArpInterface(ch: VppChannel, swIfIndex: number, enable: boolean): Promise<unknown> {
  return attempt(`${enable ? 'enable' : 'disable'} proxy ARP on interface ${swIfIndex}`,
    () => ch.request('proxy_arp_intfc_enable_disable', { sw_if_index: swIfIndex, enable }));
}

/** Every range and every enabled interface. */
export async function dumpProxyArp(ch: VppChannel): Promise<{ ranges: ProxyRange[]; interfaces: number[] }> {
  const [ranges, ifs] = await Promise.all([
    attempt('dump proxy ARP ranges', () => ch.dump('proxy_arp_dump', {})),
    attempt('dump proxy ARP interfaces', () => ch.dump('proxy_arp_intfc_dump', {})),
  ]);
  return {
    ranges: ranges.map((d) => sub(d, 'proxy')).map((p) => ({ table: num(p, 'table_id'), low: ip4String(p.low as Uint8Array), high: ip4String(p.hi as Uint8Array) })),
    interfaces: ifs.map((d) => num(d, 'sw_if_index')),
  };
}

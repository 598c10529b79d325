/**
 * Generic interface calls (interface and ip modules): admin state, MAC, MTU, rx mode, tag,
 * VRF binding, addresses, unnumbered, and the dumps resync reads them back with.
 */
import { macBytes, macString, prefix4, prefixString } from '../binapi/addr.js';
import type { Prefix } from '../binapi/types.js';
import { attempt, NONE, num, str, type VppChannel } from './channel.js';

/** rx mode wire values by the NB model's names. */
export const RX_MODE = { POLLING: 1, INTERRUPT: 2, ADAPTIVE: 3, DEFAULT: 4 } as const;

/** One interface as `sw_interface_dump` shows it, in the agent's text forms. */
export interface InterfaceDetails {
  readonly swIfIndex: number;
  readonly vppName: string;
  readonly devType: string;
  readonly tag: string;
  readonly mac: string;
  readonly adminUp: boolean;
  readonly linkMtu: number;
}

/** Admin up/down (`sw_interface_set_flags`). */
export function setAdminUp(ch: VppChannel, swIfIndex: number, up: boolean): Promise<unknown> {
  return attempt(`set interface ${swIfIndex} admin ${up ? 'up' : 'down'}`,
    () => ch.request('sw_interface_set_flags', { sw_if_index: swIfIndex, flags: up ? 1 : 0 }));
}

/** Sets the interface MAC (`sw_interface_set_mac_address`). */
export function setMac(ch: VppChannel, swIfIndex: number, mac: string): Promise<unknown> {
  return attempt(`set MAC ${mac} on interface ${swIfIndex}`,
    () => ch.request('sw_interface_set_mac_address', { sw_if_index: swIfIndex, mac_address: macBytes(mac) }));
}

/** Sets the device MTU as contiv did (`hw_interface_set_mtu`). */
export function setMtu(ch: VppChannel, swIfIndex: number, mtu: number): Promise<unknown> {
  return attempt(`set MTU ${mtu} on interface ${swIfIndex}`,
    () => ch.request('hw_interface_set_mtu', { sw_if_index: swIfIndex, mtu }));
}

/** Sets the rx mode of all queues (`sw_interface_set_rx_mode`). */
export function setRxMode(ch: VppChannel, swIfIndex: number, mode: keyof typeof RX_MODE): Promise<unknown> {
  return attempt(`set rx mode ${mode} on interface ${swIfIndex}`,
    () => ch.request('sw_interface_set_rx_mode', { sw_if_index: swIfIndex, queue_id_valid: false, queue_id: 0, mode: RX_MODE[mode] }));
}

/** Adds or clears the tag by which a restarted agent recognises its interface. */
export function setTag(ch: VppChannel, swIfIndex: number, tag: string, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'tag' : 'untag'} interface ${swIfIndex}${add ? ` as ${tag}` : ''}`,
    () => ch.request('sw_interface_tag_add_del', { is_add: add, sw_if_index: swIfIndex, tag: add ? tag : '' }));
}

/** Binds the interface's IPv4 side to a VRF (`sw_interface_set_table`). */
export function setTable(ch: VppChannel, swIfIndex: number, vrf: number): Promise<unknown> {
  return attempt(`bind interface ${swIfIndex} to VRF ${vrf}`,
    () => ch.request('sw_interface_set_table', { sw_if_index: swIfIndex, is_ipv6: false, vrf_id: vrf }));
}

/** The IPv4 VRF the interface is bound to (`sw_interface_get_table`). */
export async function getTable(ch: VppChannel, swIfIndex: number): Promise<number> {
  const r = await attempt(`read the VRF of interface ${swIfIndex}`,
    () => ch.request('sw_interface_get_table', { sw_if_index: swIfIndex, is_ipv6: false }));
  return num(r, 'vrf_id');
}

/** Adds or removes one IPv4 address (`sw_interface_add_del_address`). */
export function addDelAddress(ch: VppChannel, swIfIndex: number, cidr: string, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'remove'} address ${cidr} ${add ? 'to' : 'from'} interface ${swIfIndex}`,
    () => ch.request('sw_interface_add_del_address', { sw_if_index: swIfIndex, is_add: add, del_all: false, prefix: prefix4(cidr) }));
}

/** Makes `borrower` unnumbered to `owner` (mind VPP's inverted field names). */
export function setUnnumbered(ch: VppChannel, borrower: number, owner: number, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'set' : 'unset'} interface ${borrower} unnumbered to ${owner}`,
    () => ch.request('sw_interface_set_unnumbered', { sw_if_index: owner, unnumbered_sw_if_index: borrower, is_add: add }));
}

/** Every interface VPP has. */
export async function dumpInterfaces(ch: VppChannel): Promise<InterfaceDetails[]> {
  const list = await attempt('dump interfaces',
    () => ch.dump('sw_interface_dump', { sw_if_index: NONE, name_filter_valid: false, name_filter: '' }));
  return list.map((d) => ({
    swIfIndex: num(d, 'sw_if_index'), vppName: str(d, 'interface_name'), devType: str(d, 'interface_dev_type'),
    tag: str(d, 'tag'), mac: macString(d.l2_address as Uint8Array), adminUp: (num(d, 'flags') & 1) !== 0,
    linkMtu: num(d, 'link_mtu'),
  }));
}

/** IPv4 addresses of one interface, as "a.b.c.d/len". */
export async function dumpAddresses(ch: VppChannel, swIfIndex: number): Promise<string[]> {
  const list = await attempt(`dump addresses of interface ${swIfIndex}`,
    () => ch.dump('ip_address_dump', { sw_if_index: swIfIndex, is_ipv6: false }));
  return list.map((d) => prefixString(d.prefix as Prefix));
}

/** Every unnumbered interface → the interface whose address it borrows. */
export async function dumpUnnumbered(ch: VppChannel): Promise<Map<number, number>> {
  const list = await attempt('dump unnumbered interfaces', () => ch.dump('ip_unnumbered_dump', { sw_if_index: NONE }));
  return new Map(list.map((d) => [num(d, 'sw_if_index'), num(d, 'ip_sw_if_index')]));
}

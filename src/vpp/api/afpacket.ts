/** AF_PACKET interfaces (af_packet plugin): VPP bound to a Linux VETH end in VETH mode. */
import { macBytes } from '../binapi/addr.js';
import { attempt, create, num, str, type Created, type VppChannel } from './channel.js';

/** Ethernet mode of af_packet_create_v3 (IP mode is for L3 devices). */
const ETHERNET = 1;

/** Binds VPP to the Linux interface `hostIfName`; returns the new sw_if_index. */
export function createAfPacket(ch: VppChannel, hostIfName: string, mac?: string): Created {
  return create(ch, `create AF_PACKET on ${hostIfName}`, 'af_packet_create_v3', {
    mode: ETHERNET, hw_addr: mac === undefined ? undefined : macBytes(mac), use_random_hw_addr: mac === undefined,
    host_if_name: hostIfName, num_rx_queues: 1, num_tx_queues: 1,
  });
}

/** Unbinds (VPP identifies it by the Linux name, not the index). */
export function deleteAfPacket(ch: VppChannel, hostIfName: string): Promise<unknown> {
  return attempt(`delete AF_PACKET on ${hostIfName}`, () => ch.request('af_packet_delete', { host_if_name: hostIfName }));
}

/** Linux interface name of every AF_PACKET, by sw_if_index. */
export async function dumpAfPackets(ch: VppChannel): Promise<Map<number, string>> {
  const list = await attempt('dump AF_PACKET interfaces', () => ch.dump('af_packet_dump', {}));
  return new Map(list.map((d) => [num(d, 'sw_if_index'), str(d, 'host_if_name')]));
}

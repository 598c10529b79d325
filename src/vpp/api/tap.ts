/** TAP interfaces (tapv2 module): the pod's and the host interconnect's VPP side. */
import { macBytes } from '../binapi/addr.js';
import { attempt, create, NONE, num, type Created, type VppChannel } from './channel.js';

/** What ipnet sets on a new TAP; the host side is optional (Linux may rename/move it later). */
export interface TapSpec {
  readonly tag: string;
  readonly mac?: string;
  readonly rxRingSize: number;
  readonly txRingSize: number;
  readonly hostMtu?: number;
  readonly hostIfName?: string;
  readonly hostNamespace?: string;
}

/** Ring size VPP uses when the config leaves it unset (VPP does not substitute one for 0). */
export const DEFAULT_TAP_RING = 256;

/** Creates a TAP with its tag inline. */
export function createTap(ch: VppChannel, t: TapSpec): Created {
  return create(ch, `create TAP ${t.tag}`, 'tap_create_v3', {
    id: NONE, use_random_mac: t.mac === undefined, mac_address: t.mac === undefined ? undefined : macBytes(t.mac),
    num_rx_queues: 1, num_tx_queues: 1, tx_ring_sz: t.txRingSize, rx_ring_sz: t.rxRingSize,
    host_mtu_set: t.hostMtu !== undefined, host_mtu_size: t.hostMtu ?? 0,
    host_if_name_set: t.hostIfName !== undefined, host_if_name: t.hostIfName ?? '',
    host_namespace_set: t.hostNamespace !== undefined, host_namespace: t.hostNamespace ?? '',
    tag: t.tag,
  });
}

/** Deletes a TAP (its tag goes with it). */
export function deleteTap(ch: VppChannel, swIfIndex: number): Promise<unknown> {
  return attempt(`delete TAP ${swIfIndex}`, () => ch.request('tap_delete_v2', { sw_if_index: swIfIndex }));
}

/** Ring sizes of every TAP, by sw_if_index. */
export async function dumpTaps(ch: VppChannel): Promise<Map<number, { rxRingSize: number; txRingSize: number }>> {
  const list = await attempt('dump TAPs', () => ch.dump('sw_interface_tap_v2_dump', { sw_if_index: NONE }));
  return new Map(list.map((d) => [num(d, 'sw_if_index'), { rxRingSize: num(d, 'rx_ring_sz'), txRingSize: num(d, 'tx_ring_sz') }]));
}

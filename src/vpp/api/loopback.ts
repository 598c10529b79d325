/** Loopback interfaces: podGwLoop, the VXLAN BVI, loopbackNIC. */
import { macBytes } from '../binapi/addr.js';
import { attempt, num, type VppChannel } from './channel.js';

/** Creates a loopback (zero MAC lets VPP pick one); returns its sw_if_index. */
export async function createLoopback(ch: VppChannel, mac?: string): Promise<number> {
  const r = await attempt('create loopback', () => ch.request('create_loopback', { mac_address: mac === undefined ? undefined : macBytes(mac) }));
  return num(r, 'sw_if_index');
}

/** Deletes a loopback. */
export function deleteLoopback(ch: VppChannel, swIfIndex: number): Promise<unknown> {
  return attempt(`delete loopback ${swIfIndex}`, () => ch.request('delete_loopback', { sw_if_index: swIfIndex }));
}

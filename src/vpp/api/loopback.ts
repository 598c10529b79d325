/** Loopback interfaces: podGwLoop, the VXLAN BVI, loopbackNIC. */
import { macBytes } from '../binapi/addr.js';
import { attempt, create, type Created, type VppChannel } from './channel.js';

/** Creates a loopback (zero MAC lets VPP pick one). */
export function createLoopback(ch: VppChannel, mac?: string): Created {
  return create(ch, 'create loopback', 'create_loopback', { mac_address: mac === undefined ? undefined : macBytes(mac) });
}

/** Deletes a loopback. */
export function deleteLoopback(ch: VppChannel, swIfIndex: number): Promise<unknown> {
  return attempt(`delete loopback ${swIfIndex}`, () => ch.request('delete_loopback', { sw_if_index: swIfIndex }));
}

/** VXLAN tunnels (vxlan plugin): one per peer node, bridged into the overlay BD. */
import { address4, addressString } from '../binapi/addr.js';
import type { Address } from '../binapi/types.js';
import { attempt, create, NONE, num, type Created, type VppChannel } from './channel.js';

/** The key VPP finds a tunnel by (delete must repeat it exactly). */
export interface VxlanSpec {
  readonly src: string;
  readonly dst: string;
  readonly vni: number;
  readonly encapVrf: number;
}

function body(t: VxlanSpec, add: boolean): Record<string, unknown> {
  return {
    is_add: add, instance: NONE, src_address: address4(t.src), dst_address: address4(t.dst), src_port: 0, dst_port: 0,
    mcast_sw_if_index: NONE, encap_vrf_id: t.encapVrf, decap_next_index: NONE, vni: t.vni, is_l3: false,
  };
}

/** Creates a bridged (L2) tunnel; returns its sw_if_index. */
export function createVxlan(ch: VppChannel, t: VxlanSpec): Created {
  return create(ch, `create VXLAN tunnel ${t.src} -> ${t.dst} vni ${t.vni}`, 'vxlan_add_del_tunnel_v3', body(t, true));
}

/** Deletes a tunnel by its key. */
export function deleteVxlan(ch: VppChannel, t: VxlanSpec): Promise<unknown> {
  return attempt(`delete VXLAN tunnel ${t.src} -> ${t.dst} vni ${t.vni}`, () => ch.request('vxlan_add_del_tunnel_v3', body(t, false)));
}

/** Every tunnel's key, by sw_if_index. */
export async function dumpVxlans(ch: VppChannel): Promise<Map<number, VxlanSpec>> {
  const list = await attempt('dump VXLAN tunnels', () => ch.dump('vxlan_tunnel_v2_dump', { sw_if_index: NONE }));
  return new Map(list.map((d) => [num(d, 'sw_if_index'), {
    src: addressString(d.src_address as Address), dst: addressString(d.dst_address as Address), vni: num(d, 'vni'), encapVrf: num(d, 'encap_vrf_id'),
  }]));
}

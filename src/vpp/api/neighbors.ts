/** Static neighbours (ip_neighbor module) and the neighbour-table settings. */
import { address4, addressString, macBytes, macString } from '../binapi/addr.js';
import type { Address } from '../binapi/types.js';
import { attempt, NONE, num, sub, type VppChannel } from './channel.js';

/** One IPv4 neighbour entry. */
export interface Neighbor {
  readonly swIfIndex: number;
  readonly ip: string;
  readonly mac: string;
  readonly isStatic: boolean;
}

/** Neighbour-table limits (ip_neighbor_config); VPP's defaults are 50000 / 0 / false. */
export interface NeighborConfig {
  readonly maxNumber: number;
  readonly maxAge: number;
  readonly recycle: boolean;
}

/** What VPP boots with; deleting ipnet's setting restores it. */
export const DEFAULT_NEIGHBOR_CONFIG: NeighborConfig = { maxNumber: 50000, maxAge: 0, recycle: false };

/** Adds (or updates the MAC of) or deletes a neighbour. */
export function neighborAddDel(ch: VppChannel, n: Neighbor, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} neighbour ${n.ip} on interface ${n.swIfIndex}`, () => ch.request('ip_neighbor_add_del', {
    is_add: add,
    neighbor: { sw_if_index: n.swIfIndex, flags: n.isStatic ? 1 : 0, mac_address: macBytes(n.mac), ip_address: address4(n.ip) },
  }));
}

/** Every IPv4 neighbour of every interface. */
export async function dumpNeighbors(ch: VppChannel): Promise<Neighbor[]> {
  const list = await attempt('dump IPv4 neighbours', () => ch.dump('ip_neighbor_dump', { sw_if_index: NONE, af: 0 }));
  return list.map((d) => {
    const n = sub(d, 'neighbor');
    return {
      swIfIndex: num(n, 'sw_if_index'), ip: addressString(n.ip_address as Address),
      mac: macString(n.mac_address as Uint8Array), isStatic: (num(n, 'flags') & 1) !== 0,
    };
  });
}

/** Sets the IPv4 neighbour-table limits. */
export function setNeighborConfig(ch: VppChannel, c: NeighborConfig): Promise<unknown> {
  return attempt('configure the IPv4 neighbour table', () => ch.request('ip_neighbor_config', {
    af: 0, max_number: c.maxNumber, max_age: c.maxAge, recycle: c.recycle,
  }));
}

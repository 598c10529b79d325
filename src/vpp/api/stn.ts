/** STN rules and punt redirects (stn plugin, ip module): the steal-the-NIC mode's calls. */
import { address4, ip4Bytes } from '../binapi/addr.js';
import { attempt, NONE, type VppChannel } from './channel.js';

/** Adds or deletes an STN rule for `ip` on an interface. */
export function stnRule(ch: VppChannel, ip: string, swIfIndex: number, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} STN rule ${ip}`, () => ch.request('stn_add_del_rule', { ip_address: address4(ip), sw_if_index: swIfIndex, is_add: add }));
}

/** Adds or deletes an IPv4 punt redirect from any rx interface to `tx` via `nextHop`. */
export function puntRedirect(ch: VppChannel, tx: number, nextHop: string, add: boolean): Promise<unknown> {
  return attempt(`${add ? 'add' : 'delete'} punt redirect to interface ${tx}`, () => ch.request('add_del_ip_punt_redirect_v2', {
    is_add: add,
    punt: {
      rx_sw_if_index: NONE, af: 0, n_paths: 1,
      paths: [{ sw_if_index: tx, table_id: 0, weight: 1, type: 0, proto: 0, nh: { address: { ip4: ip4Bytes(nextHop) } } }],
    },
  }));
}

/**
 * Wire handlers for the remaining requests the codec defines: punt redirects (contiv's
 * STN/punt items), the in-progress ip_route_add_del_v2 (same semantics as v1) and
 * memclnt_keepalive, so no defined request goes unanswered.
 */
import { addressIn, flag, num, sub, unionIn, type Msg } from './fields.js';
import { rv, type Handler } from './handler.js';
import { ipHandlers } from './h-ip.js';
import { NONE, RV } from './retval.js';
import type { PuntRedirect, SimState } from './state.js';

function punt(s: SimState, isAdd: boolean, r: PuntRedirect): number {
  if (r.rxSwIfIndex !== NONE && s.iface(r.rxSwIfIndex) === undefined) return RV.INVALID_SW_IF_INDEX;
  if (r.paths.some((p) => p.swIfIndex !== NONE && s.iface(p.swIfIndex) === undefined)) return RV.NO_MATCHING_INTERFACE;
  const at = s.puntRedirects.findIndex((x) => x.rxSwIfIndex === r.rxSwIfIndex && x.ip6 === r.ip6);
  if (at >= 0) s.puntRedirects.splice(at, 1);
  if (isAdd) s.puntRedirects.push(r);
  return RV.OK;
}

/** Handlers by message name. */
export const puntHandlers: Record<string, Handler> = {
  add_del_ip_punt_redirect_v2: ({ s }, m) => {
    const p = sub(m, 'punt');
    const ip6 = num(p, 'af') === 1;
    const paths = (Array.isArray(p.paths) ? (p.paths as Msg[]) : []).map((x) => ({ swIfIndex: num(x, 'sw_if_index'), nh: unionIn(sub(x, 'nh').address, ip6) }));
    return rv(punt(s, flag(m, 'is_add'), { rxSwIfIndex: num(p, 'rx_sw_if_index'), ip6, paths }));
  },
  ip_punt_redirect: ({ s }, m) => {
    const p = sub(m, 'punt');
    const nh = addressIn(p.nh);
    return rv(punt(s, flag(m, 'is_add'), { rxSwIfIndex: num(p, 'rx_sw_if_index'), ip6: nh.includes(':'), paths: [{ swIfIndex: num(p, 'tx_sw_if_index'), nh }] }));
  },
  ip_route_add_del_v2: (ctx, m) => {
    const v1 = ipHandlers.ip_route_add_del;
    return v1 === undefined ? rv(RV.UNIMPLEMENTED) : v1(ctx, m);
  },
  memclnt_keepalive: () => rv(RV.OK),
};

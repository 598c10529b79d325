/**
 * Wire handlers of l2.api (bridge domains, L2 FIB), the vxlan plugin and stn.
 */
import { addressIn, addressOut, flag, macIn, macOut, num, text, type Msg } from './fields.js';
import { rv, type Handler, type HandlerResult } from './handler.js';
import { bdAddDel, bdMembers, l2fibAddDel, setL2Bridge } from './l2.js';
import type { SimVxlan } from './model.js';
import { NONE, RV } from './retval.js';
import type { SimState } from './state.js';
import { vxlanAddDel } from './vxlan.js';

function bdAdd(s: SimState, m: Msg, withId: boolean): HandlerResult {
  const r = bdAddDel(s, flag(m, 'is_add'), {
    bdId: num(m, 'bd_id'), flood: flag(m, 'flood'), uuFlood: flag(m, 'uu_flood'), forward: flag(m, 'forward'),
    learn: flag(m, 'learn'), arpTerm: flag(m, 'arp_term'), arpUfwd: flag(m, 'arp_ufwd'), macAge: num(m, 'mac_age'), tag: text(m, 'bd_tag'),
  });
  return withId ? { retval: r.retval, reply: { bd_id: r.bdId } } : rv(r.retval);
}

function vxlan(s: SimState, m: Msg, version: 1 | 2 | 3): HandlerResult {
  const r = vxlanAddDel(s, flag(m, 'is_add'), {
    instance: num(m, 'instance'), src: addressIn(m.src_address), dst: addressIn(m.dst_address),
    srcPort: version >= 2 ? num(m, 'src_port') : 0, dstPort: version >= 2 ? num(m, 'dst_port') : 0,
    mcastSwIfIndex: num(m, 'mcast_sw_if_index'), encapVrfId: num(m, 'encap_vrf_id'),
    decapNextIndex: num(m, 'decap_next_index'), vni: num(m, 'vni'), isL3: version === 3 && flag(m, 'is_l3'),
  });
  return { retval: r.retval, reply: { sw_if_index: r.swIfIndex } };
}

function vxlanDetails(s: SimState, m: Msg, name: string, ports: boolean): HandlerResult {
  const idx = num(m, 'sw_if_index');
  const list = [...s.vxlans.values()].filter((t) => idx === NONE || t.swIfIndex === idx).sort((a, b) => a.swIfIndex - b.swIfIndex);
  return {
    details: list.map((t: SimVxlan) => ({
      name,
      body: {
        sw_if_index: t.swIfIndex, instance: t.instance, src_address: addressOut(t.src), dst_address: addressOut(t.dst),
        ...(ports ? { src_port: t.srcPort, dst_port: t.dstPort } : {}),
        mcast_sw_if_index: t.mcastSwIfIndex, encap_vrf_id: t.encapVrfId, decap_next_index: t.decapNextIndex, vni: t.vni,
      },
    })),
  };
}

/** Handlers by message name. */
export const l2Handlers: Record<string, Handler> = {
  bridge_domain_add_del: ({ s }, m) => bdAdd(s, m, false),
  bridge_domain_add_del_v2: ({ s }, m) => bdAdd(s, m, true),
  sw_interface_set_l2_bridge: ({ s }, m) =>
    rv(setL2Bridge(s, num(m, 'rx_sw_if_index'), num(m, 'bd_id'), num(m, 'port_type') === 1, num(m, 'shg'), flag(m, 'enable'))),
  bridge_domain_dump: ({ s }, m) => {
    const id = num(m, 'bd_id');
    if (num(m, 'sw_if_index') !== NONE || id === 0) return { details: [] };
    const list = [...s.bds.values()].filter((b) => b.bdId !== 0 && (id === NONE || b.bdId === id)).sort((a, b) => a.bdId - b.bdId);
    return {
      details: list.map((b) => {
        const members = bdMembers(s, b.bdId);
        return {
          name: 'bridge_domain_details',
          body: {
            bd_id: b.bdId, flood: b.flood, uu_flood: b.uuFlood, forward: b.forward, learn: b.learn, arp_term: b.arpTerm,
            arp_ufwd: b.arpUfwd, mac_age: b.macAge, bd_tag: b.tag,
            bvi_sw_if_index: members.find((x) => x.bvi)?.swIfIndex ?? NONE, uu_fwd_sw_if_index: NONE,
            n_sw_ifs: members.length, sw_if_details: members.map((x) => ({ context: 0, sw_if_index: x.swIfIndex, shg: x.shg })),
          },
        };
      }),
    };
  },
  l2fib_add_del: ({ s }, m) => rv(l2fibAddDel(s, flag(m, 'is_add'), {
    mac: macIn(m.mac), bdId: num(m, 'bd_id'), swIfIndex: num(m, 'sw_if_index'),
    staticMac: flag(m, 'static_mac'), filterMac: flag(m, 'filter_mac'), bviMac: flag(m, 'bvi_mac'),
  })),
  l2_fib_table_dump: ({ s }, m) => {
    const id = num(m, 'bd_id');
    const bds = [...s.bds.values()].filter((b) => id === NONE || b.bdId === id).sort((a, b) => a.bdId - b.bdId);
    return {
      details: bds.flatMap((b) => [...b.fib.values()].map((e) => ({
        name: 'l2_fib_table_details',
        body: { bd_id: b.bdId, mac: macOut(e.mac), sw_if_index: e.swIfIndex, static_mac: e.staticMac, filter_mac: e.filterMac, bvi_mac: e.bviMac },
      }))),
    };
  },
  vxlan_add_del_tunnel: ({ s }, m) => vxlan(s, m, 1),
  vxlan_add_del_tunnel_v2: ({ s }, m) => vxlan(s, m, 2),
  vxlan_add_del_tunnel_v3: ({ s }, m) => vxlan(s, m, 3),
  vxlan_tunnel_dump: ({ s }, m) => vxlanDetails(s, m, 'vxlan_tunnel_details', false),
  vxlan_tunnel_v2_dump: ({ s }, m) => vxlanDetails(s, m, 'vxlan_tunnel_v2_details', true),
  stn_add_del_rule: ({ s }, m) => {
    const ip = addressIn(m.ip_address);
    const swIfIndex = num(m, 'sw_if_index');
    const at = s.stnRules.findIndex((r) => r.ip === ip);
    if (flag(m, 'is_add')) {
      if (s.iface(swIfIndex) === undefined) return rv(RV.INVALID_SW_IF_INDEX);
      if (at >= 0) return rv(RV.ADDRESS_IN_USE);
      s.stnRules.push({ ip, swIfIndex });
      return rv(RV.OK);
    }
    if (at < 0) return rv(RV.NO_SUCH_ENTRY);
    s.stnRules.splice(at, 1);
    return rv(RV.OK);
  },
};

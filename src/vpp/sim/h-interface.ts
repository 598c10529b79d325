/**
 * Wire handlers of interface.api, tapv2 and af_packet: decode fields, call the feature
 * code, shape replies and details exactly as 24.02 fills them.
 */
import { createAfPacket, createLoopback, createTap, deleteAfPacket, deleteLoopback, deleteTap, type TapCreate } from './devices.js';
import { familyPrefixIn, familyPrefixOut, flag, ip4In, macIn, macOut, num, prefixIn, prefixOut, text, type Msg } from './fields.js';
import { rv, type Handler, type HandlerResult } from './handler.js';
import * as itf from './interfaces.js';
import type { SimInterface } from './model.js';
import { NONE, RV } from './retval.js';
import { isIp6, ZERO_MAC } from './addr.js';

function ifaceDetails(i: SimInterface): Msg {
  return {
    sw_if_index: i.swIfIndex, sup_sw_if_index: i.swIfIndex, l2_address: macOut(i.mac),
    flags: (i.adminUp ? 1 : 0) | (i.linkUp ? 2 : 0), type: 0, link_duplex: 0, link_speed: 0,
    link_mtu: i.linkMtu, mtu: [...i.mtu], interface_name: i.name, interface_dev_type: i.devType, tag: i.tag,
  };
}

const swInterfaceDump: Handler = ({ s }, m) => {
  const idx = num(m, 'sw_if_index');
  let list: SimInterface[];
  if (flag(m, 'name_filter_valid')) {
    const f = text(m, 'name_filter').toLowerCase();
    list = [...s.interfaces.values()].filter((i) => i.name.toLowerCase().includes(f)).sort((a, b) => a.swIfIndex - b.swIfIndex);
  } else if (idx !== 0 && idx !== NONE) {
    // one interface asked for: a look-up, not a sort of every interface
    const one = s.iface(idx);
    list = one === undefined ? [] : [one];
  } else list = [...s.interfaces.values()].sort((a, b) => a.swIfIndex - b.swIfIndex);
  return { details: list.map((i) => ({ name: 'sw_interface_details', body: ifaceDetails(i) })) };
};

function tapCreate(m: Msg): TapCreate {
  const opt = (set: string, value: string): string | undefined => (flag(m, set) ? text(m, value) : undefined);
  return {
    id: num(m, 'id'), useRandomMac: flag(m, 'use_random_mac'), mac: macIn(m.mac_address),
    txRingSz: num(m, 'tx_ring_sz'), rxRingSz: num(m, 'rx_ring_sz'),
    hostMtuSize: flag(m, 'host_mtu_set') ? num(m, 'host_mtu_size') : undefined,
    hostMac: flag(m, 'host_mac_addr_set') ? macIn(m.host_mac_addr) : undefined,
    hostIp4Prefix: flag(m, 'host_ip4_prefix_set') ? familyPrefixIn(m.host_ip4_prefix, false) : undefined,
    hostIp6Prefix: flag(m, 'host_ip6_prefix_set') ? familyPrefixIn(m.host_ip6_prefix, true) : undefined,
    hostIp4Gw: flag(m, 'host_ip4_gw_set') ? ip4In(m.host_ip4_gw) : undefined,
    tapFlags: num(m, 'tap_flags'),
    hostNamespace: opt('host_namespace_set', 'host_namespace'),
    hostIfName: opt('host_if_name_set', 'host_if_name'),
    hostBridge: opt('host_bridge_set', 'host_bridge'),
    tag: text(m, 'tag'),
  };
}

function created(r: { retval: number; swIfIndex: number }): HandlerResult {
  return { retval: r.retval, reply: { sw_if_index: r.swIfIndex } };
}


/** Handlers by message name. */
export const interfaceHandlers: Record<string, Handler> = {
  sw_interface_dump: swInterfaceDump,
  sw_interface_set_flags: ({ s }, m) => rv(itf.setFlags(s, num(m, 'sw_if_index'), num(m, 'flags'))),
  sw_interface_add_del_address: ({ s }, m) => rv(itf.addDelAddress(s, num(m, 'sw_if_index'), flag(m, 'is_add'), flag(m, 'del_all'), prefixIn(m.prefix))),
  sw_interface_set_table: ({ s }, m) => rv(itf.setTable(s, num(m, 'sw_if_index'), flag(m, 'is_ipv6'), num(m, 'vrf_id'))),
  sw_interface_get_table: ({ s }, m) => {
    const r = itf.getTable(s, num(m, 'sw_if_index'), flag(m, 'is_ipv6'));
    return { retval: r.retval, reply: { vrf_id: r.vrfId } };
  },
  sw_interface_set_mtu: ({ s }, m) => rv(itf.setSwMtu(s, num(m, 'sw_if_index'), Array.isArray(m.mtu) ? (m.mtu as number[]) : [])),
  hw_interface_set_mtu: ({ s }, m) => rv(itf.setHwMtu(s, num(m, 'sw_if_index'), num(m, 'mtu'))),
  sw_interface_set_rx_mode: ({ s }, m) => rv(itf.setRxMode(s, num(m, 'sw_if_index'), num(m, 'mode'))),
  sw_interface_set_mac_address: ({ s }, m) => rv(itf.setMac(s, num(m, 'sw_if_index'), macIn(m.mac_address))),
  sw_interface_tag_add_del: ({ s }, m) => rv(itf.tagAddDel(s, num(m, 'sw_if_index'), flag(m, 'is_add'), text(m, 'tag'))),
  sw_interface_set_unnumbered: ({ s }, m) => rv(itf.setUnnumbered(s, num(m, 'sw_if_index'), num(m, 'unnumbered_sw_if_index'), flag(m, 'is_add'))),
  want_interface_events: ({ client }, m) => {
    const enable = num(m, 'enable_disable') !== 0;
    if (enable === (client.interfaceEvents !== undefined)) return rv(RV.INVALID_REGISTRATION);
    client.interfaceEvents = enable ? { pid: num(m, 'pid') } : undefined;
    return rv(RV.OK);
  },
  create_loopback: ({ s }, m) => created(createLoopback(s, macIn(m.mac_address))),
  create_loopback_instance: ({ s }, m) => created(createLoopback(s, macIn(m.mac_address), flag(m, 'is_specified') ? num(m, 'user_instance') : undefined)),
  delete_loopback: ({ s }, m) => rv(deleteLoopback(s, num(m, 'sw_if_index'))),
  ip_address_dump: ({ s }, m) => {
    const i = s.iface(num(m, 'sw_if_index'));
    const ip6 = flag(m, 'is_ipv6');
    const list = i === undefined ? [] : i.addresses.filter((a) => isIp6(a.address) === ip6);
    return { details: list.map((a) => ({ name: 'ip_address_details', body: { sw_if_index: i?.swIfIndex ?? 0, prefix: prefixOut(a) } })) };
  },
  ip_unnumbered_dump: ({ s }, m) => {
    const idx = num(m, 'sw_if_index');
    const list = [...s.interfaces.values()].filter((i) => i.unnumberedTo !== undefined && (idx === NONE || i.swIfIndex === idx));
    return { details: list.map((i) => ({ name: 'ip_unnumbered_details', body: { sw_if_index: i.swIfIndex, ip_sw_if_index: i.unnumberedTo } })) };
  },
  tap_create_v2: ({ s }, m) => created(createTap(s, tapCreate(m))),
  tap_create_v3: ({ s }, m) => created(createTap(s, tapCreate(m))),
  tap_delete_v2: ({ s }, m) => rv(deleteTap(s, num(m, 'sw_if_index'))),
  sw_interface_tap_v2_dump: ({ s }, m) => {
    const idx = num(m, 'sw_if_index');
    const one = idx === NONE ? undefined : s.iface(idx);
    const list = idx === NONE ? [...s.interfaces.values()] : one === undefined ? [] : [one];
    return {
      details: list.flatMap((i) => {
        const t = i.tap;
        if (t === undefined) return [];
        return [{
          name: 'sw_interface_tap_v2_details',
          body: {
            sw_if_index: i.swIfIndex, id: t.id, tx_ring_sz: t.txRingSz, rx_ring_sz: t.rxRingSz, host_mtu_size: t.hostMtuSize,
            host_mac_addr: macOut(t.hostMac === '' ? ZERO_MAC : t.hostMac), host_ip4_prefix: familyPrefixOut(t.hostIp4Prefix),
            host_ip6_prefix: familyPrefixOut(t.hostIp6Prefix), tap_flags: t.tapFlags, dev_name: i.name,
            host_if_name: t.hostIfName, host_namespace: t.hostNamespace, host_bridge: t.hostBridge,
          },
        }];
      }),
    };
  },
  af_packet_create: ({ s }, m) => created(createAfPacket(s, { mode: 1, hwAddr: macIn(m.hw_addr), useRandomHwAddr: flag(m, 'use_random_hw_addr'), hostIfName: text(m, 'host_if_name') })),
  af_packet_create_v2: ({ s }, m) => created(createAfPacket(s, { mode: 1, hwAddr: macIn(m.hw_addr), useRandomHwAddr: flag(m, 'use_random_hw_addr'), hostIfName: text(m, 'host_if_name') })),
  af_packet_create_v3: ({ s }, m) => created(createAfPacket(s, { mode: num(m, 'mode'), hwAddr: macIn(m.hw_addr), useRandomHwAddr: flag(m, 'use_random_hw_addr'), hostIfName: text(m, 'host_if_name') })),
  af_packet_delete: ({ s }, m) => rv(deleteAfPacket(s, text(m, 'host_if_name'))),
  af_packet_dump: ({ s }) => ({
    details: [...s.interfaces.values()].filter((i) => i.kind === 'af_packet')
      .map((i) => ({ name: 'af_packet_details', body: { sw_if_index: i.swIfIndex, host_if_name: i.hostIfName ?? '' } })),
  }),
};

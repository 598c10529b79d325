/**
 * VXLAN tunnels (vxlan plugin): keyed by (src, dst, src_port, encap VRF, vni), deleted by
 * key, automatic instance = pool index (vpp-api.md §2.9).
 */
import { ZERO_MAC, isIp6 } from './addr.js';
import type { SimVxlan } from './model.js';
import { NONE, RV } from './retval.js';
import type { SimState } from './state.js';

/** The fields of vxlan_add_del_tunnel (v1–v3); missing ones take VPP's fixed values. */
export interface VxlanIn {
  instance: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  mcastSwIfIndex: number;
  encapVrfId: number;
  decapNextIndex: number;
  vni: number;
  isL3: boolean;
}

/** vxlan4-input next nodes: 0 = error-drop, 1 = l2-input. */
const DECAP_NEXT_L2_INPUT = 1;

function defaultPort(ip6: boolean): number {
  return ip6 ? 4790 : 4789;
}

/** The tunnel key VPP uses for lookups and delete. */
export function vxlanKey(src: string, dst: string, srcPort: number, encapVrfId: number, vni: number): string {
  return `${src}|${dst}|${srcPort}|${encapVrfId}|${vni}`;
}

/** vxlan_add_del_tunnel*: create or delete-by-key. */
export function vxlanAddDel(s: SimState, isAdd: boolean, req: VxlanIn): { retval: number; swIfIndex: number } {
  const ip6 = isIp6(req.src);
  const srcPort = req.srcPort === 0 ? defaultPort(ip6) : req.srcPort;
  const key = vxlanKey(req.src, req.dst, srcPort, req.encapVrfId, req.vni);
  const existing = s.vxlans.get(key);
  if (!isAdd) {
    if (existing === undefined) return { retval: RV.NO_SUCH_ENTRY, swIfIndex: NONE };
    s.vxlans.delete(key);
    s.vxlanBySw.delete(existing.swIfIndex);
    s.vxlanByInstance.delete(existing.instance);
    s.removeInterface(existing.swIfIndex);
    s.vxlanPool.put(existing.poolIndex);
    return { retval: RV.OK, swIfIndex: existing.swIfIndex };
  }
  if (isIp6(req.dst) !== ip6) return { retval: RV.INVALID_VALUE, swIfIndex: NONE };
  if (req.src === req.dst) return { retval: RV.SAME_SRC_DST, swIfIndex: NONE };
  if (s.table(ip6, req.encapVrfId) === undefined) return { retval: RV.NO_SUCH_FIB, swIfIndex: NONE };
  const decap = req.decapNextIndex === NONE ? DECAP_NEXT_L2_INPUT : req.decapNextIndex;
  if (decap !== 0 && decap !== DECAP_NEXT_L2_INPUT) return { retval: RV.INVALID_DECAP_NEXT, swIfIndex: NONE };
  if (existing !== undefined) return { retval: RV.TUNNEL_EXIST, swIfIndex: existing.swIfIndex };
  const usedInstances = s.vxlanByInstance;
  if (req.instance !== NONE && usedInstances.has(req.instance)) return { retval: RV.INSTANCE_IN_USE, swIfIndex: NONE };
  const poolIndex = s.vxlanPool.get();
  const instance = req.instance === NONE ? poolIndex : req.instance;
  if (usedInstances.has(instance)) {
    s.vxlanPool.put(poolIndex);
    return { retval: RV.INSTANCE_IN_USE, swIfIndex: NONE };
  }
  const iface = s.addInterface('vxlan', `vxlan_tunnel${instance}`, 'VXLAN', instance, req.isL3 ? ZERO_MAC : s.randomMac());
  const tunnel: SimVxlan = {
    poolIndex, swIfIndex: iface.swIfIndex, instance, src: req.src, dst: req.dst, srcPort,
    dstPort: req.dstPort === 0 ? defaultPort(ip6) : req.dstPort,
    mcastSwIfIndex: req.mcastSwIfIndex, encapVrfId: req.encapVrfId, decapNextIndex: decap, vni: req.vni, isL3: req.isL3,
  };
  s.vxlans.set(key, tunnel);
  s.vxlanBySw.set(tunnel.swIfIndex, tunnel);
  s.vxlanByInstance.set(instance, tunnel);
  return { retval: RV.OK, swIfIndex: iface.swIfIndex };
}

/** The tunnel behind an interface, if it is a VXLAN tunnel. */
export function tunnelOf(s: SimState, swIfIndex: number): SimVxlan | undefined {
  return s.vxlanBySw.get(swIfIndex);
}

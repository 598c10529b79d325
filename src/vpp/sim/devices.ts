/**
 * Interface-creating drivers: loopback, TAP (tapv2) and af_packet, with their naming,
 * instance/id allocation and refusals as in VPP 24.02 (vpp-api.md §2.3–2.5).
 */
import { ZERO_MAC, type Prefix } from './addr.js';
import type { TapInfo } from './model.js';
import { NONE, RV } from './retval.js';
import type { SimState } from './state.js';

/** A create reply: retval plus the sw_if_index (~0 on failure, the existing one for −79). */
export interface CreateResult {
  retval: number;
  swIfIndex: number;
}

const fail = (retval: number): CreateResult => ({ retval, swIfIndex: NONE });

/** create_loopback / create_loopback_instance: lowest free instance unless one is asked for. */
export function createLoopback(s: SimState, mac: string, userInstance?: number): CreateResult {
  if (userInstance !== undefined && s.loopInstances.has(userInstance)) return fail(RV.INVALID_REGISTRATION);
  const instance = userInstance ?? s.loopInstances.lowest();
  const realMac = mac === ZERO_MAC ? `de:ad:00:00:00:${(instance & 255).toString(16).padStart(2, '0')}` : mac;
  const iface = s.addInterface('loopback', `loop${instance}`, 'Loopback', instance, realMac);
  s.loopInstances.take(instance);
  return { retval: RV.OK, swIfIndex: iface.swIfIndex };
}

/** delete_loopback: only loopbacks. */
export function deleteLoopback(s: SimState, swIfIndex: number): number {
  if (s.iface(swIfIndex)?.kind !== 'loopback') return RV.INVALID_SW_IF_INDEX;
  s.removeInterface(swIfIndex);
  return RV.OK;
}

/** The fields of tap_create_v2/v3 the simulator acts on. */
export interface TapCreate {
  id: number;
  useRandomMac: boolean;
  mac: string;
  txRingSz: number;
  rxRingSz: number;
  hostMtuSize: number | undefined;
  hostMac: string | undefined;
  hostIp4Prefix: Prefix | undefined;
  hostIp6Prefix: Prefix | undefined;
  hostIp4Gw: string | undefined;
  tapFlags: number;
  hostNamespace: string | undefined;
  hostIfName: string | undefined;
  hostBridge: string | undefined;
  tag: string;
}

/** tap_flags bits the simulator reads. */
export const TAP_FLAG = { TUN: 16, ATTACH: 8, PERSIST: 4 } as const;
const MAX_TAP_ID = 1024;

function powerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** tap_create_v2/v3: allocates an id, refuses what a real VPP refuses, names `tap<id>`/`tun<id>`. */
export function createTap(s: SimState, req: TapCreate): CreateResult {
  let id = req.id;
  if (id !== NONE) {
    if (s.tapIds.has(id)) return fail(RV.INVALID_INTERFACE);
  } else {
    id = s.tapIds.lowest();
    if (id >= MAX_TAP_ID) return fail(RV.UNSPECIFIED);
  }
  if ((req.tapFlags & TAP_FLAG.ATTACH) !== 0 && (req.hostIfName ?? '') === '') return fail(RV.NO_MATCHING_INTERFACE);
  if (!s.host.vhostNet) return fail(RV.SYSCALL_ERROR_1);
  if (!powerOfTwo(req.txRingSz) || !powerOfTwo(req.rxRingSz)) return fail(RV.INIT_FAILED);
  const tun = (req.tapFlags & TAP_FLAG.TUN) !== 0;
  const hostIfName = req.hostIfName ?? `tap${id}`;
  const hostMac = tun ? ZERO_MAC : req.hostMac ?? s.randomMac();
  if (s.host.createTap !== undefined) {
    const rv = s.host.createTap({
      name: hostIfName, namespace: req.hostNamespace ?? '', tun, mac: tun ? undefined : hostMac,
      mtu: req.hostMtuSize, ip4: req.hostIp4Prefix, ip4Gw: req.hostIp4Gw,
    });
    if (rv !== RV.OK) return fail(rv);
  }
  const mac = tun ? ZERO_MAC : req.useRandomMac ? s.randomMac() : req.mac;
  const iface = s.addInterface(tun ? 'tun' : 'tap', `${tun ? 'tun' : 'tap'}${id}`, 'virtio', id, mac);
  iface.tag = req.tag.slice(0, 63);
  s.tapIds.take(id);
  iface.tap = {
    id,
    txRingSz: req.txRingSz,
    rxRingSz: req.rxRingSz,
    hostMtuSize: req.hostMtuSize ?? 0,
    hostMac,
    hostIp4Prefix: req.hostIp4Prefix,
    hostIp6Prefix: req.hostIp6Prefix,
    tapFlags: req.tapFlags,
    hostIfName,
    hostNamespace: req.hostNamespace ?? '',
    hostBridge: req.hostBridge ?? '',
  };
  return { retval: RV.OK, swIfIndex: iface.swIfIndex };
}

/** tap_delete_v2: virtio interfaces only; the tag goes with the interface. */
export function deleteTap(s: SimState, swIfIndex: number): number {
  const iface = s.iface(swIfIndex);
  if (iface === undefined || iface.devType !== 'virtio') return RV.INVALID_SW_IF_INDEX;
  releaseHostTap(s, iface.tap);
  s.removeInterface(swIfIndex);
  return RV.OK;
}

/** Removes the Linux side of a TAP unless it is persistent (tap delete, VPP exit or restart). */
export function releaseHostTap(s: SimState, tap: TapInfo | undefined): void {
  if (tap === undefined || s.host.deleteTap === undefined || (tap.tapFlags & TAP_FLAG.PERSIST) !== 0) return;
  s.host.deleteTap({ name: tap.hostIfName, namespace: tap.hostNamespace });
}

/** The fields of af_packet_create (v1–v3) the simulator acts on; `mode` exists from v3. */
export interface AfPacketCreate {
  mode: number;
  hwAddr: string;
  useRandomHwAddr: boolean;
  hostIfName: string;
}

/** af_packet_create*: binds a Linux interface; a second bind answers −79 with the existing index. */
export function createAfPacket(s: SimState, req: AfPacketCreate): CreateResult {
  if (req.mode !== 1 && req.mode !== 2) return fail(RV.INVALID_VALUE);
  const existing = s.afPacketByHost.get(req.hostIfName);
  if (existing !== undefined) return { retval: RV.IF_ALREADY_EXISTS, swIfIndex: existing };
  if (req.hostIfName === '' || !s.host.hostLinkExists(req.hostIfName)) return fail(RV.INVALID_INTERFACE);
  const mac = req.mode === 2 ? ZERO_MAC : req.useRandomHwAddr ? s.randomMac() : req.hwAddr;
  const iface = s.addInterface('af_packet', `host-${req.hostIfName}`, 'af-packet', 0, mac);
  iface.hostIfName = req.hostIfName;
  s.afPacketByHost.set(req.hostIfName, iface.swIfIndex);
  return { retval: RV.OK, swIfIndex: iface.swIfIndex };
}

/** af_packet_delete: found by Linux name; unknown name answers −11 like VPP. */
export function deleteAfPacket(s: SimState, hostIfName: string): number {
  const swIfIndex = s.afPacketByHost.get(hostIfName);
  if (swIfIndex === undefined) return RV.SYSCALL_ERROR_1;
  s.removeInterface(swIfIndex);
  return RV.OK;
}

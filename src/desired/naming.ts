/**
 * Names and MAC addresses (spec ipnet-behaviour §2, §4, §5). They are contractual: VPP
 * interface tags and Linux names must match the original so a restarted agent recognises
 * its own objects and operators' tooling keeps working.
 */
import type { InterfaceMode } from '../config/types.js';

/** Host-interconnect TAP, VPP side. */
export const HOST_TAP_VPP = 'tap-vpp2';
/** Host-interconnect TAP, Linux side (logical). */
export const HOST_TAP_LINUX = 'tap-vpp1';
/** Host-interconnect TAP / VETH host end, Linux host name. */
export const HOST_LINUX_HOST_NAME = 'vpp1';
/** Host-interconnect VETH, host end (logical). */
export const HOST_VETH_LINUX = 'veth-vpp1';
/** Host-interconnect VETH, VPP end (logical). */
export const HOST_VETH_VPP = 'veth-vpp2';
/** Host-interconnect VETH, VPP end (Linux host name, bound by AF_PACKET). */
export const HOST_VETH_VPP_HOST_NAME = 'vpp2';
/** Host-interconnect AF_PACKET in VPP. */
export const HOST_AFPACKET = 'afpacket-vpp2';
/** VXLAN BVI loopback. */
export const VXLAN_BVI = 'vxlanBVI';
/** VXLAN bridge domain. */
export const VXLAN_BD = 'vxlanBD';
/** VXLAN VNI for the node overlay. */
export const VXLAN_VNI = 10;
/** Split-horizon group of the BVI and every tunnel. */
export const VXLAN_SPLIT_HORIZON_GROUP = 1;
/** Pod gateway loopback. */
export const POD_GW_LOOP = 'podGwLoop';
/** Loopback used when the node has no NIC. */
export const LOOPBACK_NIC = 'loopbackNIC';
/** Interface name inside every pod (CNI_IFNAME is ignored, as in the original). */
export const POD_IF_HOST_NAME = 'eth0';
/** Static MAC of the host side of the interconnect in STN mode. */
export const STN_HOST_MAC = '00:00:00:00:00:02';

const LOGICAL_MAX = 63;
const HOST_MAX = 15;

/** Byte prefix (`trim` of the spec); container IDs are ASCII so bytes equal characters. */
export function trim(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n);
}

/** VXLAN tunnel name towards node `id`. */
export function vxlanTunnelName(id: number): string {
  return `vxlan${id}`;
}

/** Logical host-interconnect name on the VPP side for the mode. */
export function hostInterconnectVppName(mode: InterfaceMode): string {
  return mode === 'tap' ? HOST_TAP_VPP : HOST_AFPACKET;
}

/** Logical host-interconnect name on the Linux side for the mode. */
export function hostInterconnectLinuxName(mode: InterfaceMode): string {
  return mode === 'tap' ? HOST_TAP_LINUX : HOST_VETH_LINUX;
}

/** Every name of one pod's main interface, derived from its container ID only. */
export interface PodIfNames {
  readonly vppTap: string;
  readonly linuxTap: string;
  readonly vethPod: string;
  readonly vethHost: string;
  readonly vethHostHostName: string;
  readonly afpacket: string;
  readonly loop: string;
  /** VPP side in the current mode. */
  readonly vpp: string;
  /** Pod side (Linux, logical) in the current mode. */
  readonly linux: string;
}

/** Names of a pod's interfaces (§4): TAP pair or AF_PACKET + VETH pair, plus the loopback. */
export function podIfNames(containerId: string, mode: InterfaceMode): PodIfNames {
  const vethHost = trim(`veth2-${containerId}`, LOGICAL_MAX);
  const vppTap = trim(`vpp-tap-${containerId}`, LOGICAL_MAX);
  const linuxTap = trim(`linux-tap-${containerId}`, LOGICAL_MAX);
  const vethPod = trim(`veth1-${containerId}`, LOGICAL_MAX);
  const afpacket = trim(`afpacket${vethHost}`, LOGICAL_MAX);
  return {
    vppTap, linuxTap, vethPod, vethHost, afpacket,
    vethHostHostName: trim(containerId, HOST_MAX),
    loop: trim(`linux-loop-${containerId}`, LOGICAL_MAX),
    vpp: mode === 'tap' ? vppTap : afpacket,
    linux: mode === 'tap' ? linuxTap : vethPod,
  };
}

const utf8 = new TextEncoder();

/** FNV-1a, 32-bit, over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  // container IDs are ASCII, whose UTF-8 bytes are the char codes: no encoded copy per hash
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return fnv1a32Bytes(utf8.encode(s));
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex2(b: number): string {
  return HEX2[b & 0xff] as string;
}

/** `02:fe:` + the 4 bytes of `v`, least-significant first (§5). */
function podMac(v: number): string {
  return `02:fe:${hex2(v)}:${hex2(v >>> 8)}:${hex2(v >>> 16)}:${hex2(v >>> 24)}`;
}

/** Pod-side (Linux) MAC of a pod's main interface. */
export function podLinuxMac(containerId: string): string {
  return podMac(fnv1a32(containerId));
}

/** VPP-side MAC of a pod's main interface: the bit complement of the Linux side's hash. */
export function podVppMac(containerId: string): string {
  return podMac(~fnv1a32(containerId) >>> 0);
}

/** 2-byte prefix + node ID as 4 bytes big-endian. */
function nodeMac(prefix: string, id: number): string {
  return `${prefix}:${hex2(id >>> 24)}:${hex2(id >>> 16)}:${hex2(id >>> 8)}:${hex2(id)}`;
}

/** MAC of the VPP side of the host interconnect. */
export function hostInterconnectMac(nodeId: number): string {
  return nodeMac('34:3c', nodeId);
}

/** MAC of a node's VXLAN BVI (also what peers put in their static ARP and L2 FIB). */
export function vxlanBviMac(nodeId: number): string {
  return nodeMac('12:2b', nodeId);
}

const OUR_NAMES = new Set([
  HOST_TAP_VPP, HOST_TAP_LINUX, HOST_VETH_LINUX, HOST_VETH_VPP, HOST_AFPACKET, VXLAN_BVI, POD_GW_LOOP, LOOPBACK_NIC,
]);
const OUR_PREFIXES = ['vpp-tap-', 'linux-tap-', 'veth1-', 'veth2-', 'afpacketveth2-', 'linux-loop-', 'memif-'];

/**
 * Whether an interface logical name (the VPP tag / Linux alias) is one ipnet generates, so a
 * resync may delete it when no longer desired. Physical NICs are never ours by name.
 */
export function isIpnetInterfaceName(name: string): boolean {
  if (OUR_NAMES.has(name) || /^vxlan\d+$/.test(name)) return true;
  return OUR_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Annotation-requested extra pod interfaces (spec ipnet-behaviour §9.1): parsing the
 * `contivpp.io/custom-if*` annotations and the items of each tap / veth / memif interface.
 * They have their own owner so the pod actor can add them after the main interface (at the
 * next pod metadata change) and remove them first, as the original does.
 */
import type { Config } from '../config/types.js';
import { checksumOf, mtuOf, type NodeAddressing, type PodInput, rxModeOf, tapOf } from './inputs.js';
import { linuxInterface, vppInterface, vppRoute } from './items.js';
import { ipOf, lenOf, linuxInterfaceKey, vppInterfaceKey } from './keys.js';
import type { Item, LinuxNamespace } from './model.js';
import { POD_GW_LOOP, podLinuxMac, podVppMac, trim } from './naming.js';
import { podGatewayAddress } from './node.js';

const CUSTOM_IF_PREFIX = 'contivpp.io/custom-if';
const MICROSERVICE_PREFIX = 'contivpp.io/microservice-label';

/** Kinds of custom interface the original supports. */
export type CustomIfType = 'memif' | 'tap' | 'veth';

/** One requested interface, as parsed from annotations. */
export interface CustomIfRequest {
  readonly name: string;
  readonly type: CustomIfType;
  /** Network name (`stub` = no IP); empty when not given. */
  readonly network: string;
}

/** A request with what the node resolved for it. */
export interface CustomIfInput extends CustomIfRequest {
  /** Allocated IP (plain); undefined for `stub` or when allocation failed. */
  readonly ip?: string | undefined;
  /** memif only: DeviceManager's host socket and secret, and the per-pod index `k`. */
  readonly memif?: { readonly socket: string; readonly secret: string; readonly id: number };
}

/** Owner of one pod's custom interfaces. */
export function customIfOwner(namespace: string, name: string): string {
  return `pod/${namespace}/${name}/custom`;
}

/** Parses annotations: items of every `contivpp.io/custom-if*` key, trimmed and sorted. */
export function parseCustomIfs(annotations: Readonly<Record<string, string>>): { ifs: CustomIfRequest[]; warnings: string[] } {
  const raw: string[] = [];
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith(CUSTOM_IF_PREFIX)) raw.push(...v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
  raw.sort();
  const ifs: CustomIfRequest[] = [];
  const warnings: string[] = [];
  for (const entry of raw) {
    const parts = entry.split('/');
    const [name, type, network] = parts;
    if (parts.length < 2 || name === undefined || type === undefined) {
      warnings.push(`ignoring custom interface "${entry}": expected name/type[/network]`);
    } else if (type !== 'memif' && type !== 'tap' && type !== 'veth') {
      warnings.push(`ignoring custom interface "${entry}": unsupported type "${type}"`);
    } else {
      ifs.push({ name, type, network: network ?? '' });
    }
  }
  return { ifs, warnings };
}

/** Value of the first `contivpp.io/microservice-label*` annotation, or empty. */
export function microserviceLabel(annotations: Readonly<Record<string, string>>): string {
  for (const [k, v] of Object.entries(annotations)) if (k.startsWith(MICROSERVICE_PREFIX)) return v;
  return '';
}

/** Items of a pod's custom interfaces; a memif without DeviceManager info is skipped. */
export function customIfItems(config: Config, self: NodeAddressing, pod: PodInput, ifs: readonly CustomIfInput[]): Item[] {
  const out: Item[] = [];
  for (const ci of ifs) out.push(...oneCustomIf(config, self, pod, ci));
  return out;
}

function oneCustomIf(config: Config, self: NodeAddressing, pod: PodInput, ci: CustomIfInput): Item[] {
  const owner = customIfOwner(pod.namespace, pod.name);
  const cid = pod.containerId;
  const tag = `${ci.name}-${cid}`;
  const ip = ci.network !== 'stub' && ci.ip !== undefined ? ipOf(ci.ip) : undefined;
  const podLen = lenOf(self.podSubnetThisNode);
  const ns: LinuxNamespace = { type: 'FD', reference: pod.netns };
  const mtu = mtuOf(config);
  const unnumberedTo = ip !== undefined ? { name: POD_GW_LOOP, address: podGatewayAddress({ addressing: self }) } : undefined;
  const vppCommon = {
    enabled: true, vrf: config.podVRFID, ip_addresses: [],
    unnumbered: ip !== undefined ? { interface_with_ip: POD_GW_LOOP } : undefined, rx_mode_settings: rxModeOf(config),
  };
  const podSide = {
    enabled: true, mtu, host_if_name: ci.name, phys_address: podLinuxMac(cid), namespace: ns,
    ip_addresses: ip !== undefined ? [`${ip}/${podLen}`] : [],
  };
  const out: Item[] = [];
  let vppName: string;
  if (ci.type === 'memif') {
    if (ci.memif === undefined) return [];
    vppName = trim(`memif-${tag}`, 63);
    out.push(...vppInterface({
      name: vppName, type: 'MEMIF', ...vppCommon,
      memif: { master: true, mode: 'ETHERNET', socket_filename: ci.memif.socket, secret: ci.memif.secret, id: ci.memif.id },
    }, owner, unnumberedTo ? { unnumberedTo } : {}));
  } else if (ci.type === 'tap') {
    vppName = trim(`vpp-tap-${tag}`, 63);
    out.push(...vppInterface({ name: vppName, type: 'TAP', ...vppCommon, mtu, phys_address: podVppMac(cid), tap: tapOf(config) },
      owner, unnumberedTo ? { unnumberedTo } : {}));
    out.push(linuxInterface({ name: trim(`linux-tap-${tag}`, 63), type: 'TAP_TO_VPP', ...podSide, tap: { vpp_tap_if_name: vppName } },
      owner, [vppInterfaceKey(vppName)]));
  } else {
    const host = trim(`veth2-${tag}`, 63);
    const podEnd = trim(`veth1-${tag}`, 63);
    const hostName = trim(tag, 15);
    vppName = trim(`afpacket${host}`, 63);
    out.push(linuxInterface({ name: host, type: 'VETH', enabled: true, mtu, host_if_name: hostName, ip_addresses: [], veth: { peer_if_name: podEnd } }, owner));
    out.push(linuxInterface({ name: podEnd, type: 'VETH', ...podSide, veth: { peer_if_name: host, ...checksumOf(config) } }, owner, [linuxInterfaceKey(host)]));
    out.push(...vppInterface({
      name: vppName, type: 'AF_PACKET', ...vppCommon, mtu, phys_address: podVppMac(cid), afpacket: { host_if_name: hostName },
    }, owner, { ...(unnumberedTo ? { unnumberedTo } : {}), hostLinuxKey: linuxInterfaceKey(host) }));
  }
  if (ip !== undefined) {
    out.push(vppRoute({ outgoing_interface: vppName, dst_network: `${ip}/32`, next_hop_addr: ip, vrf_id: config.podVRFID }, owner));
  }
  return out;
}

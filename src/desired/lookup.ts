/**
 * The seed's lookup API (spec ipnet-behaviour §12) answered from the desired item set and a
 * small node state, so other parts (service renderer, REST, ipnetctl) never keep their own
 * copies. Mapping to the original's methods: GetPodIfNames → `getPodIfNames`, GetPodByIf →
 * `getPodByIf`, GetNodeIP → `getNodeIP`, GetHostIPs → `getHostIPs`,
 * GetHostInterconnectIfName → `getHostInterconnectIfName`, GetVxlanBVIIfName →
 * `getVxlanBVIIfName`, StateToString → `stateToString`, and the handler's HandlesEvent →
 * `handlesEvent`.
 */
import type { Config } from '../config/types.js';
import { formatCidr, parseCidr } from '../ipam/ipv4.js';
import type { LocalNodeInput } from './inputs.js';
import type { ItemSet } from './itemset.js';
import { vppInterfaceKey } from './keys.js';
import { podOwner } from './model.js';
import { hostInterconnectVppName, VXLAN_BVI } from './naming.js';

/** The non-item part of ipnet's state (§3). */
export interface NodeState {
  readonly useDHCP: boolean;
  readonly watchingDHCP: boolean;
  /** Plain node IP, undefined until known (DHCP). */
  readonly nodeIP: string | undefined;
  /** The node IP's network in masked form (`192.168.16.0/24`). */
  readonly nodeIPNet: string | undefined;
  readonly hostIPs: readonly string[];
}

/**
 * The node state of a running node: the node IP's CIDR (`192.168.16.1/24`) split into the
 * plain IP and its masked network. No DHCP lease watcher exists yet, so `watchingDHCP` is false.
 */
export function nodeStateOf(local: LocalNodeInput): NodeState {
  const cidr = local.addressing.nodeIP;
  const slash = cidr?.indexOf('/') ?? -1;
  return {
    useDHCP: local.useDHCP,
    watchingDHCP: false,
    nodeIP: cidr === undefined ? undefined : slash < 0 ? cidr : cidr.slice(0, slash),
    nodeIPNet: cidr === undefined || slash < 0 ? undefined : formatCidr(parseCidr(cidr)),
    hostIPs: local.hostIPs,
  };
}

/** Logical names of one pod's interfaces; all empty and `exists: false` when not configured. */
export interface PodIfNamesAnswer {
  readonly vppIfName: string;
  readonly linuxIfName: string;
  readonly loopIfName: string;
  readonly exists: boolean;
}

/** A pod identity found by interface. */
export interface PodByIfAnswer {
  readonly podNamespace: string;
  readonly podName: string;
  readonly exists: boolean;
}

/** A pod's main owner (`pod/<ns>/<name>`); custom interfaces have their own owner and are not indexed. */
const POD_OWNER = /^pod\/([^/]+)\/([^/]+)$/;

const NO_NAMES: PodIfNamesAnswer = { vppIfName: '', linuxIfName: '', loopIfName: '', exists: false };

/** GetPodIfNames: names of a pod whose items are desired (i.e. a local pod with an IP). */
export function getPodIfNames(desired: ItemSet, podNamespace: string, podName: string): PodIfNamesAnswer {
  let vppIfName = '';
  let linuxIfName = '';
  let loopIfName = '';
  for (const key of desired.ownedBy(podOwner(podNamespace, podName))) {
    const it = desired.get(key);
    if (it?.kind === 'vpp-interface') vppIfName = it.value.name;
    else if (it?.kind === 'linux-interface' && it.value.namespace !== undefined) {
      if (it.value.type === 'LOOPBACK') loopIfName = it.value.name;
      else linuxIfName = it.value.name;
    }
  }
  return vppIfName === '' ? NO_NAMES : { vppIfName, linuxIfName, loopIfName, exists: true };
}

/** GetPodByIf: which pod a VPP-side interface belongs to (only VPP names are indexed). */
export function getPodByIf(desired: ItemSet, ifName: string): PodByIfAnswer {
  const it = desired.get(vppInterfaceKey(ifName));
  const m = it !== undefined ? POD_OWNER.exec(it.owner) : null;
  return m ? { podNamespace: m[1] as string, podName: m[2] as string, exists: true } : { podNamespace: '', podName: '', exists: false };
}

/** GetNodeIP: node IP and its network, both undefined before known. */
export function getNodeIP(state: NodeState): { ip: string | undefined; network: string | undefined } {
  return { ip: state.nodeIP, network: state.nodeIPNet };
}

/** GetHostIPs: the host IPs dumped at the last resync. */
export function getHostIPs(state: NodeState): readonly string[] {
  return state.hostIPs;
}

/** GetHostInterconnectIfName: `tap-vpp2` or `afpacket-vpp2`. */
export function getHostInterconnectIfName(config: Config): string {
  return hostInterconnectVppName(config.interfaceMode);
}

/** GetVxlanBVIIfName: `vxlanBVI`, or empty without the overlay. */
export function getVxlanBVIIfName(config: Config): string {
  return config.useNoOverlay ? '' : VXLAN_BVI;
}

/** StateToString: one human-readable line (format not contractual). */
export function stateToString(state: NodeState, desired: ItemSet): string {
  const pods: string[] = [];
  for (const owner of desired.ownerNames()) {
    const m = POD_OWNER.exec(owner);
    if (!m) continue;
    const names = getPodIfNames(desired, m[1] as string, m[2] as string);
    if (names.exists) pods.push(`${names.vppIfName}: ${m[1]}/${m[2]}`);
  }
  pods.sort();
  return `useDHCP: ${state.useDHCP}, watchingDHCP: ${state.watchingDHCP}, nodeIP: ${state.nodeIP ?? ''}, `
    + `nodeIPNet: ${state.nodeIPNet ?? ''}, hostIPs: [${state.hostIPs.join(', ')}], vppIfaceToPod: {${pods.join(', ')}}`;
}

/** A controller event as HandlesEvent sees it (§10.1): its contiv name and the fields it reads. */
export interface ControllerEvent {
  /** `AddPod`, `DeletePod`, `KubeStateChange`, `NodeUpdate`, `Shutdown`, or any resync's name. */
  readonly name: string;
  /** False for every resync kind (DBResync, HealingResync, NodeIPv4Change, …). */
  readonly isUpdate: boolean;
  /** KubeStateChange: the changed resource (`pod`, `node`, …). */
  readonly resource?: string;
  /** NodeUpdate: the node that changed. */
  readonly nodeName?: string;
}

/** HandlesEvent: every resync, pod ADD/DEL, pod state changes, other nodes' updates, shutdown. */
export function handlesEvent(event: ControllerEvent, thisNodeName: string): boolean {
  if (!event.isUpdate) return true;
  switch (event.name) {
    case 'AddPod':
    case 'DeletePod':
    case 'Shutdown':
      return true;
    case 'KubeStateChange':
      return event.resource === 'pod';
    case 'NodeUpdate':
      return event.nodeName !== undefined && event.nodeName !== thisNodeName;
    default:
      return false;
  }
}

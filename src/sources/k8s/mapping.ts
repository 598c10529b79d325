/**
 * Pure mapping from Kubernetes API objects to the few facts ipnet needs, so the informer
 * side only moves records around and every rule here is testable as a table.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { formatIPv4, tryParseIPv4 } from '../../ipam/ipv4.js';
import { podKey, type PodId } from '../../ipam/pool.js';
import type { LivePod } from '../../ipam/rebuild.js';

/** A pod of this node as the resync needs it. */
export interface KubePod {
  readonly id: PodId;
  /** Tells two incarnations of the same namespace/name apart. */
  readonly uid: string;
  readonly nodeName: string | undefined;
  /** The pod's IPv4 address (`status.podIPs`, else `status.podIP`); undefined until known. */
  readonly ip: string | undefined;
  readonly phase: string | undefined;
  /** Host-network pods never went through CNI: their IP is the node's own. */
  readonly hostNetwork: boolean;
  /**
   * Container ids without the runtime prefix (`containerd://`). The API does not publish the
   * sandbox id the CNI saw, so these are the app containers' ids, for display and matching.
   */
  readonly containerIds: readonly string[];
  readonly resourceVersion: string;
}

/** A Kubernetes Node as NodeSync needs it (spec ipam-and-nodes §7.2). */
export interface KubeNode {
  readonly name: string;
  /** InternalIP and ExternalIP addresses, IPv4 only (ipnet routes /32s to them), in listed order. */
  readonly mgmtIPs: readonly string[];
  readonly podCIDR: string | undefined;
  readonly resourceVersion: string;
}

/** Canonical IPv4 text of `text`, or undefined when it is not an IPv4 address. */
function ipv4(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const value = tryParseIPv4(text);
  return value === undefined ? undefined : formatIPv4(value);
}

/** Strips `<runtime>://` from a container id as kubelet reports it. */
export function bareContainerId(id: string): string {
  const at = id.indexOf('://');
  return at < 0 ? id : id.slice(at + 3);
}

/** Maps a V1Pod; undefined for an object without a name (never a real pod). */
export function podFromKube(obj: V1Pod): KubePod | undefined {
  const meta = obj.metadata;
  if (meta?.name === undefined || meta.name === '') return undefined;
  const status = obj.status;
  const listed = (status?.podIPs ?? []).map((p) => ipv4(p.ip)).find((ip) => ip !== undefined);
  const statuses = [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])];
  const containerIds = statuses
    .map((s) => s.containerID)
    .filter((id): id is string => id !== undefined && id !== '')
    .map(bareContainerId);
  return {
    id: { namespace: meta.namespace ?? 'default', name: meta.name },
    uid: meta.uid ?? '',
    nodeName: obj.spec?.nodeName || undefined,
    ip: listed ?? ipv4(status?.podIP),
    phase: status?.phase || undefined,
    hostNetwork: obj.spec?.hostNetwork === true,
    containerIds: [...new Set(containerIds)],
    resourceVersion: meta.resourceVersion ?? '',
  };
}

/** Maps a V1Node; undefined for an object without a name. */
export function nodeFromKube(obj: V1Node): KubeNode | undefined {
  const name = obj.metadata?.name;
  if (name === undefined || name === '') return undefined;
  const mgmt = (obj.status?.addresses ?? [])
    .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
    .map((a) => ipv4(a.address))
    .filter((ip): ip is string => ip !== undefined);
  return {
    name,
    mgmtIPs: [...new Set(mgmt)],
    podCIDR: obj.spec?.podCIDR || obj.spec?.podCIDRs?.[0] || undefined,
    resourceVersion: obj.metadata?.resourceVersion ?? '',
  };
}

/**
 * Whether a pod still holds a CNI-given address: not host-network, and not finished
 * (kubelet tears the sandbox of a Succeeded/Failed pod down, which releases its IP).
 */
export function holdsPodNetwork(p: KubePod): boolean {
  return !p.hostNetwork && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

/** The IPAM rebuild's view of a pod. */
export function toLivePod(p: KubePod): LivePod {
  return { pod: p.id, ip: p.ip };
}

/** Key of a pod record, the same `namespace/name` IPAM uses. */
export function kubePodKey(p: KubePod): string {
  return podKey(p.id);
}

/** Whether two records differ in anything but their resourceVersion (no event otherwise). */
export function samePodFacts(a: KubePod, b: KubePod): boolean {
  return a.uid === b.uid && a.nodeName === b.nodeName && a.ip === b.ip && a.phase === b.phase &&
    a.hostNetwork === b.hostNetwork && sameList(a.containerIds, b.containerIds) &&
    a.id.namespace === b.id.namespace && a.id.name === b.id.name;
}

/** Whether two node records differ in anything but their resourceVersion. */
export function sameNodeFacts(a: KubeNode, b: KubeNode): boolean {
  return a.name === b.name && a.podCIDR === b.podCIDR && sameList(a.mgmtIPs, b.mgmtIPs);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

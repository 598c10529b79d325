/**
 * Builders of Pod and Node JSON as the API server stores them, so tests write one line per
 * object instead of the whole nested shape. Only the fields ipnet reads are filled in.
 */
import type { KubeJson } from './fake-kube-select.js';

/** What a test says about a pod. */
export interface PodFacts {
  readonly namespace?: string;
  readonly name: string;
  readonly nodeName?: string;
  readonly ip?: string;
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly hostNetwork?: boolean;
  /** Runtime-prefixed ids, as kubelet reports them (`containerd://…`). */
  readonly containerIds?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly uid?: string;
}

/** Pod JSON with spec.nodeName, status.podIP(s), phase and container statuses. */
export function podJson(f: PodFacts): KubeJson {
  const status: Record<string, unknown> = { phase: f.phase ?? 'Running' };
  if (f.ip !== undefined) {
    status['podIP'] = f.ip;
    status['podIPs'] = [{ ip: f.ip }];
  }
  if (f.containerIds !== undefined) {
    status['containerStatuses'] = f.containerIds.map((id, i) => ({
      name: `c${i}`, containerID: id, image: 'busybox', imageID: '', ready: true, restartCount: 0,
    }));
  }
  const spec: Record<string, unknown> = { containers: [{ name: 'c0', image: 'busybox' }] };
  if (f.nodeName !== undefined) spec['nodeName'] = f.nodeName;
  if (f.hostNetwork === true) spec['hostNetwork'] = true;
  return {
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'default',
      ...(f.uid !== undefined ? { uid: f.uid } : {}),
      ...(f.labels !== undefined ? { labels: { ...f.labels } } : {}),
    },
    spec,
    status,
  };
}

/** What a test says about a node. */
export interface NodeFacts {
  readonly name: string;
  readonly internalIP?: string;
  readonly externalIP?: string;
  /** Further addresses in the order the kubelet would list them. */
  readonly addresses?: ReadonlyArray<{ readonly type: string; readonly address: string }>;
  readonly podCIDR?: string;
}

/** Node JSON with status.addresses (InternalIP, ExternalIP, then extras) and spec.podCIDR. */
export function nodeJson(f: NodeFacts): KubeJson {
  const addresses: Array<{ type: string; address: string }> = [];
  if (f.internalIP !== undefined) addresses.push({ type: 'InternalIP', address: f.internalIP });
  if (f.externalIP !== undefined) addresses.push({ type: 'ExternalIP', address: f.externalIP });
  addresses.push({ type: 'Hostname', address: f.name }, ...(f.addresses ?? []));
  const spec: Record<string, unknown> = {};
  if (f.podCIDR !== undefined) {
    spec['podCIDR'] = f.podCIDR;
    spec['podCIDRs'] = [f.podCIDR];
  }
  return { metadata: { name: f.name }, spec, status: { addresses } };
}

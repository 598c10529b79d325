/**
 * Bodies of `GET /contiv/v1/ipam` and `GET /contiv/v1/ipam/allocations` (ipnet spec §13,
 * IPAM spec §6): field names and order are the original's, so existing tooling keeps working.
 */
import type { NodeAddressing } from './addressing.js';
import type { PodAllocation } from './pool.js';

/** A ready HTTP answer: the HTTP layer only writes it. */
export interface RestAnswer {
  readonly status: 200 | 500;
  /** Pretty-printed JSON (two-space indent, trailing newline). */
  readonly body: string;
}

/** Inputs of the `/contiv/v1/ipam` body. */
export interface IpamInfoInput {
  readonly nodeId: number;
  readonly nodeName: string;
  /** The node IP in use (may carry a mask, which is dropped); undefined = unknown → 500. */
  readonly nodeIP: string | undefined;
  readonly addressing: NodeAddressing;
}

/** Builds the `/contiv/v1/ipam` answer. */
export function ipamInfoBody(input: IpamInfoInput): RestAnswer {
  if (!input.nodeIP) return { status: 500, body: json('Error getting node IP') };
  const a = input.addressing;
  return {
    status: 200,
    body: json({
      nodeId: input.nodeId,
      nodeName: input.nodeName,
      nodeIP: input.nodeIP.split('/')[0],
      podSubnetThisNode: a.podSubnetThisNode,
      vppHostNetwork: a.hostInterconnectSubnetThisNode,
      config: effectiveConfig(a),
    }),
  };
}

/** Effective IPAM config object: false/empty/zero fields omitted, `srv6` always `{}`. */
export function effectiveConfig(a: NodeAddressing): Record<string, unknown> {
  const c = a.config;
  const fields: [string, unknown][] = [
    ['useExternalIPAM', c.useExternalIPAM],
    ['contivCIDR', c.contivCIDR],
    ['serviceCIDR', c.serviceCIDR],
    ['nodeInterconnectDHCP', c.nodeInterconnectDHCP],
    ['podSubnetCIDR', a.podSubnetAllNodes],
    ['podSubnetOneNodePrefixLen', a.podPrefixLen],
    ['vppHostSubnetCIDR', a.hostInterconnectSubnetAllNodes],
    ['vppHostSubnetOneNodePrefixLen', a.hostPrefixLen],
    ['nodeInterconnectCIDR', a.nodeInterconnectCIDR],
    ['vxlanCIDR', a.vxlanCIDR],
    ['defaultGateway', c.defaultGateway],
  ];
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) if (v !== false && v !== '' && v !== 0 && v !== undefined) out[k] = v;
  out.srv6 = {};
  return out;
}

/** Builds the `/contiv/v1/ipam/allocations` answer (`Pods` is null when empty, as Go did). */
export function allocationsBody(allocations: readonly PodAllocation[]): RestAnswer {
  const pods = allocations.map((a) => ({
    PodID: { Name: a.pod.name, Namespace: a.pod.namespace },
    MainIP: a.ip,
    CustomIfIPs: Object.keys(a.customIfIPs).length > 0 ? a.customIfIPs : null,
  }));
  return { status: 200, body: json({ Pods: pods.length > 0 ? pods : null }) };
}

function json(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

/**
 * Spec §2 and §4 slicing rules: how a cluster-wide subnet is cut into per-node slices and
 * how a single ContivCIDR is cut into the pod, host, node and VXLAN networks.
 */
import { SubnetError } from './errors.js';
import { type Cidr, formatCidr, parseCidr, sizeOf } from './ipv4.js';

/** The node-local slice of a cluster-wide subnet (spec `dissect`, with the wrap quirk). */
export function dissect(base: Cidr, oneNodeLen: number, id: number): Cidr {
  if (oneNodeLen <= base.len) {
    throw new SubnetError(
      `prefix length for one node (${oneNodeLen}) must be higher than the cluster-wide subnet prefix length (${base.len})`,
    );
  }
  if (oneNodeLen > 32) throw new SubnetError(`prefix length for one node (${oneNodeLen}) exceeds 32`);
  const newBits = oneNodeLen - base.len;
  const slices = 2 ** newBits;
  // The highest valid ID wraps onto slice 0, as the original did.
  const n = id === slices ? 0 : id;
  if (n > slices - 1 || n < 0) {
    throw new SubnetError(`prefix extension of ${newBits} does not accommodate a subnet numbered ${n}`);
  }
  return { base: base.base + n * sizeOf(oneNodeLen), len: oneNodeLen };
}

/** String form of `dissect`, for callers holding CIDR text. */
export function dissectCidr(baseCidr: string, oneNodeLen: number, id: number): string {
  return formatCidr(dissect(parseCidr(baseCidr), oneNodeLen, id));
}

/** The host part a node ID occupies in a node-addressed network (spec `nodePart`). */
export function nodePart(id: number, hostBits: number): number {
  const slots = 2 ** hostBits;
  if (id === slots) return 0;
  if (id >= slots || id < 0) throw new SubnetError('nodeID is out of the valid range');
  return id;
}

/** Subnet #num of `newBits` extra prefix bits, without the wrap quirk (Go's cidr.Subnet). */
function subnet(base: Cidr, newBits: number, num: number): Cidr {
  const len = base.len + newBits;
  if (num >= 2 ** newBits) {
    throw new SubnetError(`prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
  }
  return { base: base.base + num * sizeOf(len), len };
}

/** Networks derived from a ContivCIDR (spec §4). */
export interface ContivCidrNetworks {
  readonly podSubnetCIDR: string;
  readonly podSubnetOneNodePrefixLen: number;
  readonly vppHostSubnetCIDR: string;
  readonly vppHostSubnetOneNodePrefixLen: number;
  readonly vxlanCIDR: string;
  /** Undefined when DHCP is used on the node interconnect and nothing was configured. */
  readonly nodeInterconnectCIDR: string | undefined;
}

/** Cuts a ContivCIDR into the effective networks; the configured node network wins if set. */
export function dissectContivCIDR(
  contivCIDR: string,
  opts: { readonly nodeInterconnectCIDR?: string | undefined; readonly nodeInterconnectDHCP?: boolean } = {},
): ContivCidrNetworks {
  const c = parseCidr(contivCIDR);
  if (32 - c.len < 18) {
    throw new SubnetError('ContivCIDR is not valid, network must provide at least 18bit space');
  }
  const podHostBits = 32 - 16 - c.len;
  const nodeBits = 32 - 9 - c.len;
  const candidate = formatCidr(subnet(c, nodeBits, 256));
  let nodeInterconnectCIDR: string | undefined;
  if (opts.nodeInterconnectCIDR) nodeInterconnectCIDR = formatCidr(parseCidr(opts.nodeInterconnectCIDR));
  else if (!opts.nodeInterconnectDHCP) nodeInterconnectCIDR = candidate;
  return {
    podSubnetCIDR: formatCidr(subnet(c, podHostBits, 0)),
    podSubnetOneNodePrefixLen: 32 - 7,
    vppHostSubnetCIDR: formatCidr(subnet(c, podHostBits, 1)),
    vppHostSubnetOneNodePrefixLen: 32 - 7,
    vxlanCIDR: formatCidr(subnet(c, nodeBits, 257)),
    nodeInterconnectCIDR,
  };
}

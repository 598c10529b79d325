/**
 * All of one node's addresses (spec §2), computed once per (config, node ID) so the desired
 * state builders read plain strings instead of redoing subnet arithmetic.
 */
import type { IpamConfig } from '../config/types.js';
import { IpamError, NodeAddressError } from './errors.js';
import {
  broadcastOf, type Cidr, cidrContains, formatCidr, formatIPv4, host, parseCidr, parseIPv4, tryParseIPv4,
} from './ipv4.js';
import { dissect, nodePart } from './subnets.js';

/** Inputs that do not come from the file config. */
export interface AddressingOptions {
  /**
   * The static default gateway chosen by the node config (node `gateway`, else
   * `ipamConfig.defaultGateway`, STN gateway in STN mode, none with DHCP). When the key is
   * absent, `ipamConfig.defaultGateway` is used; pass `undefined` explicitly for "none".
   */
  readonly staticGateway?: string | undefined;
  /** External IPAM: this node's Kubernetes `podCIDR`; used as the pod subnet when non-empty. */
  readonly podCIDR?: string | undefined;
}

/** An address on a node-addressed network plus that network (`NodeIPAddress` result). */
export interface NetworkAddress {
  readonly ip: string;
  readonly network: string;
}

/** This node's addressing, plus the formulas for other nodes' slices. */
export class NodeAddressing {
  /** Cluster-wide pod network (`PodSubnetAllNodes`). */
  readonly podSubnetAllNodes: string;
  /** This node's pod subnet (`PodSubnetThisNode`). */
  readonly podSubnetThisNode: string;
  /** Pod gateway (`podGwLoop`); undefined when it cannot be computed (silently, as the original). */
  readonly podGatewayIP: string | undefined;
  /** Cluster-wide VPP–host interconnect network. */
  readonly hostInterconnectSubnetAllNodes: string;
  /** This node's VPP–host interconnect subnet. */
  readonly hostInterconnectSubnetThisNode: string;
  /** VPP end of the host interconnect. */
  readonly hostInterconnectIPInVPP: string;
  /** Linux end of the host interconnect. */
  readonly hostInterconnectIPInLinux: string;
  /** The service plugin's NAT loopback (broadcast − 1 of the pod subnet). */
  readonly natLoopbackIP: string;
  /** Service network (`serviceCIDR`). */
  readonly serviceNetwork: string;
  /** Node interconnect network, undefined when none (DHCP). */
  readonly nodeInterconnectCIDR: string | undefined;
  /** VXLAN network. */
  readonly vxlanCIDR: string;
  /** Static default gateway in effect for the node-IP exclusion. */
  readonly staticGateway: string | undefined;
  /** Numeric pod subnet of this node, for the allocator. */
  readonly podCidr: Cidr;

  private readonly podAll: Cidr;
  private readonly hostAll: Cidr;
  private readonly hostThis: Cidr;
  private readonly nodeNet: Cidr | undefined;
  private readonly vxlanNet: Cidr;
  private readonly gw: number | undefined;

  /** Computes everything that is fatal at IPAM init (throws a `SubnetError`/`IpamError`). */
  constructor(readonly config: IpamConfig, readonly nodeId: number, opts: AddressingOptions = {}) {
    this.podAll = parseCidr(config.podSubnetCIDR);
    this.podCidr = config.useExternalIPAM && opts.podCIDR
      ? parseCidr(opts.podCIDR)
      : dissect(this.podAll, config.podSubnetOneNodePrefixLen, nodeId);
    this.hostAll = parseCidr(config.vppHostSubnetCIDR);
    this.hostThis = dissect(this.hostAll, config.vppHostSubnetOneNodePrefixLen, nodeId);
    this.nodeNet = config.nodeInterconnectCIDR ? parseCidr(config.nodeInterconnectCIDR) : undefined;
    this.vxlanNet = parseCidr(config.vxlanCIDR);
    this.staticGateway = 'staticGateway' in opts ? opts.staticGateway : config.defaultGateway;
    this.gw = this.staticGateway ? parseIPv4(this.staticGateway) : undefined;

    this.podSubnetAllNodes = formatCidr(this.podAll);
    this.podSubnetThisNode = formatCidr(this.podCidr);
    this.podGatewayIP = tryHost(this.podCidr, 1);
    this.hostInterconnectSubnetAllNodes = formatCidr(this.hostAll);
    this.hostInterconnectSubnetThisNode = formatCidr(this.hostThis);
    this.hostInterconnectIPInVPP = formatIPv4(host(this.hostThis, 1));
    this.hostInterconnectIPInLinux = formatIPv4(host(this.hostThis, 2));
    this.natLoopbackIP = formatIPv4(broadcastOf(this.podCidr) - 1);
    this.serviceNetwork = formatCidr(parseCidr(config.serviceCIDR));
    this.nodeInterconnectCIDR = this.nodeNet ? formatCidr(this.nodeNet) : undefined;
    this.vxlanCIDR = formatCidr(this.vxlanNet);
  }

  /** Prefix length of this node's pod subnet (pod /32 routes, REST config). */
  get podPrefixLen(): number {
    return this.podCidr.len;
  }

  /** Prefix length of this node's host interconnect subnet. */
  get hostPrefixLen(): number {
    return this.hostThis.len;
  }

  /** Pod subnet of another node, sliced with this node's pod prefix length. */
  podSubnetOtherNode(id: number): string {
    return formatCidr(dissect(this.podAll, this.podCidr.len, id));
  }

  /** Host interconnect subnet of another node. */
  hostInterconnectSubnetOtherNode(id: number): string {
    return formatCidr(dissect(this.hostAll, this.hostThis.len, id));
  }

  /** Node interconnect IP of a node, with the original's gateway exclusion quirks. */
  nodeIPAddress(id: number = this.nodeId): NetworkAddress {
    if (!this.nodeNet) throw new NodeAddressError('nodeInterconnectCIDR is undefined');
    let ip = nodeAddress(this.nodeNet, id);
    // Unsigned compare on purpose: a gateway numerically below the network still shifts
    // every node IP, and the shift may land on the broadcast address.
    if (this.gw !== undefined && this.gw <= ip) ip += 1;
    return { ip: formatIPv4(ip), network: formatCidr(this.nodeNet) };
  }

  /** VXLAN IP of a node (no gateway exclusion). */
  vxlanIPAddress(id: number = this.nodeId): NetworkAddress {
    return { ip: formatIPv4(nodeAddress(this.vxlanNet, id)), network: formatCidr(this.vxlanNet) };
  }

  /** Which node a pod IP belongs to; the node with ID 2^newBits is reported as 0. */
  nodeIdFromPodIP(ip: string): number {
    const v = parseIPv4(ip);
    if (!cidrContains(this.podAll, v)) {
      throw new IpamError(`pod IP ${ip} not from pod subnet ${formatCidr(this.podAll)}`);
    }
    return ((v ^ this.podAll.base) >>> 0) / 2 ** (32 - this.podCidr.len) >>> 0;
  }

  /** Whether an address belongs to this node's pod subnet. */
  inPodSubnet(ip: string): boolean {
    const v = tryParseIPv4(ip);
    return v !== undefined && cidrContains(this.podCidr, v);
  }
}

/** Shared by node and VXLAN addressing: host `nodePart(id)` of the network, never slot 0. */
function nodeAddress(net: Cidr, id: number): number {
  let p: number;
  try {
    p = nodePart(id, 32 - net.len);
  } catch (err) {
    throw new NodeAddressError((err as Error).message);
  }
  if (p === 0) throw new NodeAddressError(`no free address for nodeID ${id}`);
  return host(net, p);
}

function tryHost(c: Cidr, k: number): string | undefined {
  try {
    return formatIPv4(host(c, k));
  } catch {
    return undefined;
  }
}


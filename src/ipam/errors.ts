/**
 * Typed IPAM errors. Messages keep the original agent's wording (operators grep for them);
 * the class tells callers whether the problem is fatal at init or per request.
 */

/** Base of every IPAM error, so callers can tell IPAM failures from the rest. */
export class IpamError extends Error {
  override readonly name: string = 'IpamError';
}

/** Subnet arithmetic failed (prefix lengths, node ID range): fatal at IPAM init. */
export class SubnetError extends IpamError {
  override readonly name: string = 'SubnetError';
}

/** A per-node address (node interconnect IP, VXLAN IP) cannot be computed for an ID. */
export class NodeAddressError extends IpamError {
  override readonly name: string = 'NodeAddressError';
}

/** An IP or CIDR string did not parse. */
export class AddressParseError extends IpamError {
  override readonly name: string = 'AddressParseError';
}

/** No allocatable address is left in this node's pod subnet. */
export class PoolExhaustedError extends IpamError {
  override readonly name: string = 'PoolExhaustedError';
  constructor(readonly subnet: string, readonly inUse: number, readonly capacity: number) {
    super(`no IP address is free for allocation in the subnet ${subnet} (${inUse} of ${capacity} in use)`);
  }
}

/** The external IPAM result handed over by the CNI did not parse. */
export class ExternalIpamError extends IpamError {
  override readonly name: string = 'ExternalIpamError';
}

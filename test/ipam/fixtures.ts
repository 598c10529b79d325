/** Shared IPAM test inputs: the spec's default configuration and a pod-id shorthand. */
import type { IpamConfig } from '../../src/config/types.js';
import type { PodId } from '../../src/ipam/index.js';

/** The default-config row of spec ipam-and-nodes §2 (with the deployment's node network). */
export const defaultIpam: IpamConfig = Object.freeze({
  useExternalIPAM: false,
  contivCIDR: undefined,
  serviceCIDR: '10.96.0.0/12',
  nodeInterconnectDHCP: false,
  podSubnetCIDR: '10.1.0.0/16',
  podSubnetOneNodePrefixLen: 24,
  vppHostSubnetCIDR: '172.30.0.0/16',
  vppHostSubnetOneNodePrefixLen: 24,
  nodeInterconnectCIDR: '192.168.16.0/24',
  vxlanCIDR: '192.168.30.0/24',
  defaultGateway: undefined,
});

/** Default config with overrides. */
export function ipamConfig(over: Partial<IpamConfig> = {}): IpamConfig {
  return { ...defaultIpam, ...over };
}

/** `pod('a')` → `{namespace: 'default', name: 'a'}`. */
export function pod(name: string, namespace = 'default'): PodId {
  return { name, namespace };
}

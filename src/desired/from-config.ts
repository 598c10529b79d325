/**
 * ContivConf's derived values (spec ipam-and-nodes §8.4) turned into the node builder's
 * input, so the local-node actor does not re-derive NIC, DHCP, gateway and node IP rules.
 */
import type { Config } from '../config/types.js';
import type { NodeAddressing as IpamAddressing } from '../ipam/addressing.js';
import { ipamNodeIP, nodeAddressingFromIpam } from './from-ipam.js';
import type { LocalNodeInput } from './inputs.js';
import { isStnMode } from './stn.js';

/** What only the running node knows (VPP's NIC list, host links, STN daemon, DHCP lease). */
export interface NodeFacts {
  /** First DPDK interface on VPP (ascending sw_if_index) not listed in `otherVPPInterfaces`; '' if none. */
  readonly firstDpdkNic: string;
  readonly hostIPs: readonly string[];
  /** STN daemon's answer (STN mode only): the stolen NIC's IPs (CIDR), gateway and routes. */
  readonly stn?: {
    readonly ips: readonly string[];
    readonly gateway: string | undefined;
    readonly routes: readonly { readonly destination: string; readonly nextHop: string }[];
  };
  /** Latest DHCP lease (`host_ip_address` CIDR), if any. */
  readonly dhcpLease?: string | undefined;
}

/** Whether the main NIC takes its address from DHCP. */
export function usesDHCP(config: Config): boolean {
  const main = config.thisNodeConfig?.mainVPPInterface;
  if (main?.ip !== undefined) return false;
  return config.ipamConfig.nodeInterconnectDHCP || (main?.useDHCP ?? false);
}

/**
 * The node builder's input. The node IP is the first static (or STN) IP, else IPAM's node IP,
 * or the DHCP lease in DHCP mode. Throws IPAM's error when a needed address cannot be
 * computed (a resync error in the original).
 */
export function localNodeInput(config: Config, ipam: IpamAddressing, facts: NodeFacts): LocalNodeInput {
  const node = config.thisNodeConfig;
  const stn = isStnMode(config);
  const useDHCP = usesDHCP(config);
  const configured = node?.mainVPPInterface?.ip;
  const nicIPs = useDHCP ? [] : stn ? (facts.stn?.ips ?? []) : configured !== undefined ? [configured] : [];
  const nodeIP = useDHCP ? facts.dhcpLease : (nicIPs[0] ?? ipamNodeIP(ipam));
  const gateway = useDHCP ? undefined : stn ? facts.stn?.gateway : (node?.gateway ?? config.ipamConfig.defaultGateway);
  return {
    addressing: nodeAddressingFromIpam(ipam, nodeIP),
    nicName: node?.mainVPPInterface?.interfaceName || facts.firstDpdkNic,
    useDHCP,
    nicIPs,
    defaultGateway: gateway,
    hostIPs: facts.hostIPs,
    otherInterfaces: node?.otherVPPInterfaces ?? [],
    ...(stn ? { stnRoutes: facts.stn?.routes ?? [] } : {}),
  };
}

/**
 * The compiled, frozen agent configuration: contiv's keys (spec ipam-and-nodes §8) plus
 * ipnet's own. Produced once by `compileConfig` / `loadConfigFile` (src/config/index.ts),
 * deep-frozen; nothing reads the environment or files later.
 */

/** Pod/host interconnect interface kind derived from `useTAPInterfaces`. */
export type InterfaceMode = 'tap' | 'veth';
/** VPP interface rx mode; `default` means "not set" (the key was empty or unknown). */
export type RxMode = 'default' | 'polling' | 'interrupt' | 'adaptive';

/** `ipamConfig` after ContivCIDR dissection and CIDR normalisation (network addresses). */
export interface IpamConfig {
  readonly useExternalIPAM: boolean;
  /** Set only when configured; the effective subnets below are already derived from it. */
  readonly contivCIDR: string | undefined;
  readonly serviceCIDR: string;
  readonly nodeInterconnectDHCP: boolean;
  readonly podSubnetCIDR: string;
  readonly podSubnetOneNodePrefixLen: number;
  readonly vppHostSubnetCIDR: string;
  readonly vppHostSubnetOneNodePrefixLen: number;
  /** Undefined when not configured (and not derived from contivCIDR). */
  readonly nodeInterconnectCIDR: string | undefined;
  readonly vxlanCIDR: string;
  readonly defaultGateway: string | undefined;
}

/** One VPP interface of a `nodeConfig[]` entry. */
export interface NodeInterface {
  readonly interfaceName: string;
  /** CIDR (`192.168.16.10/24`) or undefined. */
  readonly ip: string | undefined;
  /** Already false when `ip` is set (an address turns DHCP off; the compiler warns). */
  readonly useDHCP: boolean;
}

/** One `nodeConfig[]` entry (also the NodeConfig CRD spec). */
export interface NodeConfig {
  readonly nodeName: string;
  readonly mainVPPInterface: NodeInterface | undefined;
  readonly otherVPPInterfaces: readonly NodeInterface[];
  readonly stealInterface: string;
  readonly gateway: string | undefined;
  readonly natExternalTraffic: boolean | undefined;
}

/** Where IPAM allocations and node IDs live. */
export type StoreConfig =
  | { readonly type: 'etcd'; readonly endpoints: readonly string[]; readonly path: string }
  | { readonly type: 'embedded'; readonly endpoints: readonly string[]; readonly path: string };

/** Controller timing (contiv's controller.conf), in milliseconds. */
export interface ControllerConfig {
  readonly startupResyncDeadlineMs: number;
  readonly delayAfterErrorHealingMs: number;
  readonly enablePeriodicHealing: boolean;
  readonly periodicHealingIntervalMs: number;
  readonly eventHistoryLimit: number;
}

/** Whether and how the agent watches the Kubernetes API (pods of this node, all Nodes). */
export interface KubernetesConfig {
  /** False in standalone use: pods are known only through CNI. */
  readonly enabled: boolean;
  /** Absolute kubeconfig path; undefined = the pod's in-cluster service account. */
  readonly kubeconfig: string | undefined;
}

/** Where the actors' inspection stream goes besides the event history. */
export interface InspectConfig {
  /** A `@statelyai/inspect` WebSocket server (`ws://127.0.0.1:PORT`); undefined = off. */
  readonly websocket: string | undefined;
}

/** The whole compiled configuration. */
export interface Config {
  readonly nodeName: string;
  readonly useTAPInterfaces: boolean;
  readonly interfaceMode: InterfaceMode;
  /** Always 2 after compilation: version 1 is accepted and mapped to 2 (see `warnings`). */
  readonly tapInterfaceVersion: 2;
  readonly tapv2RxRingSize: number;
  readonly tapv2TxRingSize: number;
  readonly vmxnet3RxRingSize: number;
  readonly vmxnet3TxRingSize: number;
  readonly interfaceRxMode: RxMode;
  readonly tcpChecksumOffloadDisabled: boolean;
  /** 0 = unset (VPP/Linux default). */
  readonly mtuSize: number;
  readonly mainVRFID: number;
  readonly podVRFID: number;
  readonly useNoOverlay: boolean;
  readonly routeServiceCIDRToVPP: boolean;
  readonly scanIPNeighbors: boolean;
  readonly ipNeighborScanInterval: number;
  readonly ipNeighborStaleThreshold: number;
  readonly stealFirstNIC: boolean;
  readonly stealInterface: string;
  readonly stnVersion: number;
  readonly natExternalTraffic: boolean;
  readonly enablePacketTrace: boolean;
  readonly ipamConfig: IpamConfig;
  readonly nodeConfig: readonly NodeConfig[];
  /** The `nodeConfig[]` entry whose nodeName equals `nodeName`, if any. */
  readonly thisNodeConfig: NodeConfig | undefined;
  readonly store: StoreConfig;
  readonly vppBridge: { readonly endpoint: string; readonly requestTimeoutMs: number };
  readonly http: { readonly address: string; readonly port: number };
  readonly cni: { readonly socket: string };
  readonly controller: ControllerConfig;
  readonly kubernetes: KubernetesConfig;
  readonly inspect: InspectConfig;
  /** Namespace of the host side of the VPP interconnect: '' = the agent's own, else a netns path. */
  readonly hostNetns: string;
}

/** A problem found while loading: errors stop the agent, warnings are logged. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  /** Dotted key path as written in the file (`ipamConfig.podSubnetCIDR`, `nodeConfig[0].gateway`). */
  readonly key: string;
  readonly value: unknown;
  readonly reason: string;
}

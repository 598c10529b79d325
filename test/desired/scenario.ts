/**
 * The golden scenario: the k8s deployment's config (contiv-vpp.yaml values), node ID 1,
 * peers 2 and 3, pods A and B. Addresses are computed by hand from ipam-and-nodes §2's
 * default-config table, not by the IPAM code, so the fixtures check the builders alone.
 */
import type { Config } from '../../src/config/types.js';
import type { DesiredInputs, LocalNodeInput, NodeAddressing, PeerAddressing, PodInput } from '../../src/desired/index.js';

/** A full Config with the deployment's values; `over` replaces top-level keys. */
export function deploymentConfig(over: Partial<Config> = {}): Config {
  const base: Omit<Config, 'kubernetes'> = {
    nodeName: 'node1',
    useTAPInterfaces: true,
    interfaceMode: 'tap',
    tapInterfaceVersion: 2,
    tapv2RxRingSize: 256,
    tapv2TxRingSize: 256,
    vmxnet3RxRingSize: 0,
    vmxnet3TxRingSize: 0,
    interfaceRxMode: 'default',
    tcpChecksumOffloadDisabled: true,
    mtuSize: 1450,
    mainVRFID: 0,
    podVRFID: 1,
    useNoOverlay: false,
    routeServiceCIDRToVPP: false,
    scanIPNeighbors: true,
    ipNeighborScanInterval: 1,
    ipNeighborStaleThreshold: 4,
    stealFirstNIC: false,
    stealInterface: '',
    stnVersion: 2,
    natExternalTraffic: true,
    enablePacketTrace: false,
    ipamConfig: {
      useExternalIPAM: false, contivCIDR: undefined, serviceCIDR: '10.96.0.0/12', nodeInterconnectDHCP: false,
      podSubnetCIDR: '10.1.0.0/16', podSubnetOneNodePrefixLen: 24, vppHostSubnetCIDR: '172.30.0.0/16',
      vppHostSubnetOneNodePrefixLen: 24, nodeInterconnectCIDR: '192.168.16.0/24', vxlanCIDR: '192.168.30.0/24',
      defaultGateway: undefined,
    },
    nodeConfig: [],
    thisNodeConfig: undefined,
    store: { type: 'embedded', endpoints: [], path: '/tmp/ipnet-unused' },
    vppBridge: { endpoint: 'inproc://unused', requestTimeoutMs: 1000 },
    http: { address: '127.0.0.1', port: 9999 },
    cni: { socket: '/tmp/unused.sock' },
    controller: {
      startupResyncDeadlineMs: 30000, delayAfterErrorHealingMs: 5000, enablePeriodicHealing: false,
      periodicHealingIntervalMs: 30000, eventHistoryLimit: 100,
    },
    inspect: { websocket: undefined },
    hostNetns: '',
  };
  // Spread, not a literal field: compiles whether or not Config has grown this key yet.
  const standalone = { kubernetes: { enabled: false, kubeconfig: undefined } };
  const config: Config = { ...base, ...standalone, ...over };
  return config;
}

/** Config for one of the four golden modes. */
export function modeConfig(mode: 'tap' | 'veth', overlay: boolean): Config {
  return deploymentConfig({ useTAPInterfaces: mode === 'tap', interfaceMode: mode, useNoOverlay: !overlay });
}

/** Node 1, by hand: table row id 1. */
export const node1: NodeAddressing = {
  nodeId: 1,
  podSubnetThisNode: '10.1.1.0/24',
  podGatewayIP: '10.1.1.1',
  hostInterconnectSubnet: '172.30.1.0/24',
  hostInterconnectIPInVPP: '172.30.1.1',
  hostInterconnectIPInLinux: '172.30.1.2',
  nodeIP: '192.168.16.1/24',
  vxlanIP: '192.168.30.1/24',
  natLoopbackIP: '10.1.1.254',
  serviceCIDR: '10.96.0.0/12',
  podSubnetAllNodes: '10.1.0.0/16',
  hostSubnetAllNodes: '172.30.0.0/16',
};

/** This node's non-address inputs: a DPDK NIC, IPAM node IP, a static gateway, one host IP. */
export const local1: LocalNodeInput = {
  addressing: node1,
  nicName: 'GigabitEthernet0/8/0',
  useDHCP: false,
  nicIPs: [],
  defaultGateway: '192.168.16.100',
  hostIPs: ['10.20.0.11'],
  otherInterfaces: [],
};

/** Peer `id` (2 or 3), analogous to the table: node IP .id, VXLAN .id, subnets .id. */
export function peer(id: number): PeerAddressing {
  return {
    nodeId: id,
    name: `node${id}`,
    nodeIPs: [`192.168.16.${id}/24`],
    mgmtIPs: [`10.20.0.${10 + id}`],
    vxlanIP: `192.168.30.${id}`,
    podSubnet: `10.1.${id}.0/24`,
    hostSubnet: `172.30.${id}.0/24`,
  };
}

/** Pod A's container ID: Docker-style 64 hex characters, long enough to exercise every trim. */
export const cidA = '3f5a1c9e7b2d4f6081a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7';
/** Pod B's container ID. */
export const cidB = '9b8a7c6d5e4f30211f2e3d4c5b6a79880a1b2c3d4e5f60718293a4b5c6d7e8f9';

/** Pod A. */
export const podA: PodInput = { namespace: 'default', name: 'pod-a', containerId: cidA, netns: '/var/run/netns/cni-a', ifName: 'eth0', ip: '10.1.1.2' };
/** Pod B. */
export const podB: PodInput = { namespace: 'kube-system', name: 'pod-b', containerId: cidB, netns: '/proc/4242/ns/net', ifName: 'eth0', ip: '10.1.1.3' };

/** The whole golden scenario. */
export const goldenInputs: DesiredInputs = { local: local1, peers: [peer(2), peer(3)], pods: [podA, podB] };

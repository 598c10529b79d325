import test from 'ava';
import { compileConfig, formatProblem } from '../../src/config/index.js';

const env = { hostname: 'node-a' };

/** One invalid (or suspicious) config, the key its problem must name, and how bad it is. */
interface Row {
  readonly says: string;
  readonly raw: unknown;
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly reason: string;
  readonly env?: { NODE_NAME?: string; hostname: string };
}

const rows: readonly Row[] = [
  { says: 'a /33 pod subnet', raw: { ipamConfig: { podSubnetCIDR: '10.1.0.0/33' } }, key: 'ipamConfig.podSubnetCIDR', severity: 'error', reason: 'not a valid IPv4 CIDR' },
  { says: 'a service CIDR that is not a CIDR at all', raw: { ipamConfig: { serviceCIDR: 'banana' } }, key: 'ipamConfig.serviceCIDR', severity: 'error', reason: 'not a valid IPv4 CIDR' },
  { says: 'an IPv6 VXLAN CIDR', raw: { ipamConfig: { vxlanCIDR: 'fd00::/64' } }, key: 'ipamConfig.vxlanCIDR', severity: 'error', reason: 'IPv6 is not supported' },
  { says: 'a default gateway with an octet above 255', raw: { ipamConfig: { defaultGateway: '10.1.1.256' } }, key: 'ipamConfig.defaultGateway', severity: 'error', reason: 'not a valid IPv4 address' },
  { says: 'a bad interface address in the second node entry', raw: { nodeConfig: [{ nodeName: 'a' }, { nodeName: 'b', mainVPPInterface: { ip: '192.168.16.300/24' } }] }, key: 'nodeConfig[1].mainVPPInterface.ip', severity: 'error', reason: 'not a valid IPv4 CIDR' },
  { says: 'a node gateway that is not an address', raw: { nodeConfig: [{ nodeName: 'a', gateway: 'router' }] }, key: 'nodeConfig[0].gateway', severity: 'error', reason: 'not a valid IPv4 address' },
  { says: 'a pod subnet with host bits set (normalised)', raw: { ipamConfig: { podSubnetCIDR: '10.1.2.0/16' } }, key: 'ipamConfig.podSubnetCIDR', severity: 'warning', reason: 'normalised to 10.1.0.0/16' },
  { says: 'a one-node pod prefix equal to the cluster prefix', raw: { ipamConfig: { podSubnetOneNodePrefixLen: 16 } }, key: 'ipamConfig.podSubnetOneNodePrefixLen', severity: 'error', reason: 'must be higher than the cluster-wide subnet prefix length (16)' },
  { says: 'a one-node host prefix shorter than the cluster prefix', raw: { ipamConfig: { vppHostSubnetOneNodePrefixLen: 12 } }, key: 'ipamConfig.vppHostSubnetOneNodePrefixLen', severity: 'error', reason: 'must be higher than' },
  { says: 'a one-node pod prefix that leaves no allocatable address', raw: { ipamConfig: { podSubnetOneNodePrefixLen: 31 } }, key: 'ipamConfig.podSubnetOneNodePrefixLen', severity: 'error', reason: 'at most 29' },
  { says: 'a one-node host prefix of 40', raw: { ipamConfig: { vppHostSubnetOneNodePrefixLen: 40 } }, key: 'ipamConfig.vppHostSubnetOneNodePrefixLen', severity: 'error', reason: 'at most 30' },
  { says: 'a service subnet inside the pod subnet', raw: { ipamConfig: { serviceCIDR: '10.1.0.0/24' } }, key: 'ipamConfig.serviceCIDR', severity: 'error', reason: 'overlaps ipamConfig.podSubnetCIDR (10.1.0.0/16)' },
  { says: 'a VXLAN subnet overlapping the node interconnect', raw: { ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24', vxlanCIDR: '192.168.16.0/25' } }, key: 'ipamConfig.vxlanCIDR', severity: 'error', reason: 'overlaps ipamConfig.nodeInterconnectCIDR' },
  { says: 'a host subnet containing the pod subnet', raw: { ipamConfig: { vppHostSubnetCIDR: '10.0.0.0/8' } }, key: 'ipamConfig.vppHostSubnetCIDR', severity: 'error', reason: 'overlaps ipamConfig.podSubnetCIDR' },
  { says: 'a ContivCIDR with fewer than 18 bits of space', raw: { ipamConfig: { contivCIDR: '10.128.0.0/16' } }, key: 'ipamConfig.contivCIDR', severity: 'error', reason: 'at least 18 bits of space' },
  { says: 'a service subnet overlapping what ContivCIDR derives', raw: { ipamConfig: { contivCIDR: '10.96.0.0/12' } }, key: 'ipamConfig.serviceCIDR', severity: 'error', reason: 'overlaps ipamConfig.podSubnetCIDR (10.96.0.0/16)' },
  { says: 'a pod subnet written next to ContivCIDR (ignored)', raw: { ipamConfig: { contivCIDR: '10.128.0.0/14', podSubnetCIDR: '10.1.0.0/16' } }, key: 'ipamConfig.podSubnetCIDR', severity: 'warning', reason: 'ignored: ipamConfig.contivCIDR is set' },
  { says: 'an unknown interconnect mode', raw: { nodeToNodeTransport: 'ipip' }, key: 'nodeToNodeTransport', severity: 'error', reason: 'unknown interconnect mode' },
  { says: 'an interconnect mode contradicting useNoOverlay', raw: { useNoOverlay: true, nodeToNodeTransport: 'vxlan' }, key: 'nodeToNodeTransport', severity: 'error', reason: 'contradicts useNoOverlay' },
  { says: 'SRv6 interconnect switched on', raw: { useSRv6Interconnect: true }, key: 'useSRv6Interconnect', severity: 'error', reason: 'not supported' },
  { says: 'TAP version 3', raw: { tapInterfaceVersion: 3 }, key: 'tapInterfaceVersion', severity: 'error', reason: 'must be 1 or 2' },
  { says: 'TAP version 1 (mapped to 2)', raw: { tapInterfaceVersion: 1 }, key: 'tapInterfaceVersion', severity: 'warning', reason: 'using version 2' },
  { says: 'a negative MTU', raw: { mtuSize: -1 }, key: 'mtuSize', severity: 'error', reason: 'must not be negative' },
  { says: 'a fractional MTU', raw: { mtuSize: 1.5 }, key: 'mtuSize', severity: 'error', reason: 'must be an integer' },
  { says: 'an MTU below the IPv4 minimum', raw: { mtuSize: 40 }, key: 'mtuSize', severity: 'error', reason: '68…65535' },
  { says: 'a uint8 neighbour scan interval of 256', raw: { ipNeighborScanInterval: 256 }, key: 'ipNeighborScanInterval', severity: 'error', reason: '0…255 (uint8)' },
  { says: 'a uint16 ring size of 70000', raw: { tapv2RxRingSize: 70000 }, key: 'tapv2RxRingSize', severity: 'error', reason: '0…65535 (uint16)' },
  { says: 'a ring size that is not a power of two', raw: { tapv2TxRingSize: 300 }, key: 'tapv2TxRingSize', severity: 'error', reason: 'power of two' },
  { says: 'a uint32 VRF ID of 2^32', raw: { mainVRFID: 4294967296 }, key: 'mainVRFID', severity: 'error', reason: '0…4294967295 (uint32)' },
  { says: 'a boolean written as a string', raw: { useTAPInterfaces: 'yes' }, key: 'useTAPInterfaces', severity: 'error', reason: 'must be a boolean' },
  { says: 'an unknown rx mode', raw: { interfaceRxMode: 'turbo' }, key: 'interfaceRxMode', severity: 'error', reason: 'unknown rx mode' },
  { says: 'an unknown STN version', raw: { stnVersion: 3 }, key: 'stnVersion', severity: 'error', reason: 'unknown STN version' },
  { says: 'an unknown store type', raw: { store: { type: 'redis' } }, key: 'store.type', severity: 'error', reason: 'unknown store type' },
  { says: 'an etcd endpoint that is not a URL', raw: { store: { type: 'etcd', endpoints: ['etcd-0:2379 '] } }, key: 'store.endpoints[0]', severity: 'error', reason: 'not a valid etcd URL' },
  { says: 'an etcd store with no endpoints', raw: { store: { type: 'etcd', endpoints: [] } }, key: 'store.endpoints', severity: 'error', reason: 'at least one etcd URL' },
  { says: 'an HTTP port above 65535', raw: { http: { port: 70000 } }, key: 'http.port', severity: 'error', reason: 'out of range' },
  { says: 'an HTTP port written as a name', raw: { http: { port: 'http' } }, key: 'http.port', severity: 'error', reason: 'must be an integer' },
  { says: 'an HTTP address that is a host name', raw: { http: { address: 'localhost' } }, key: 'http.address', severity: 'error', reason: 'not an IP address' },
  { says: 'a bridge endpoint of an unknown transport', raw: { vppBridge: { endpoint: 'udp://10.0.0.1:5555' } }, key: 'vppBridge.endpoint', severity: 'error', reason: 'unknown bridge endpoint' },
  { says: 'a tcp bridge endpoint without a port', raw: { vppBridge: { endpoint: 'tcp://10.0.0.1' } }, key: 'vppBridge.endpoint', severity: 'error', reason: 'tcp://host:port' },
  { says: 'a zero request timeout', raw: { vppBridge: { requestTimeoutMs: 0 } }, key: 'vppBridge.requestTimeoutMs', severity: 'error', reason: 'out of range' },
  { says: 'a relative CNI socket path', raw: { cni: { socket: 'cni.sock' } }, key: 'cni.socket', severity: 'error', reason: 'absolute path' },
  { says: 'a CNI socket path too long to bind', raw: { cni: { socket: `/${'x'.repeat(120)}` } }, key: 'cni.socket', severity: 'error', reason: 'too long' },
  { says: 'a zero startup resync deadline', raw: { controller: { startupResyncDeadlineMs: 0 } }, key: 'controller.startupResyncDeadlineMs', severity: 'error', reason: 'out of range' },
  { says: 'a negative event history limit', raw: { controller: { eventHistoryLimit: -5 } }, key: 'controller.eventHistoryLimit', severity: 'error', reason: 'must not be negative' },
  { says: 'an explicitly empty node name', raw: { nodeName: '' }, key: 'nodeName', severity: 'error', reason: 'must not be empty' },
  { says: 'no node name from file, env or hostname', raw: {}, key: 'nodeName', severity: 'error', reason: 'must not be empty', env: { NODE_NAME: '', hostname: '' } },
  { says: 'a node name with a slash', raw: { nodeName: 'a/b' }, key: 'nodeName', severity: 'error', reason: 'not a valid node name' },
  { says: 'a node name configured twice in nodeConfig', raw: { nodeConfig: [{ nodeName: 'a' }, { nodeName: 'a' }] }, key: 'nodeConfig[1].nodeName', severity: 'error', reason: 'already configured by nodeConfig[0]' },
  { says: 'a nodeConfig entry without a node name', raw: { nodeConfig: [{ stealInterface: 'eth0' }] }, key: 'nodeConfig[0].nodeName', severity: 'error', reason: 'required' },
  { says: 'another VPP interface without a name', raw: { nodeConfig: [{ nodeName: 'a', otherVPPInterfaces: [{ ip: '10.9.0.1/24' }] }] }, key: 'nodeConfig[0].otherVPPInterfaces[0].interfaceName', severity: 'error', reason: 'required' },
  { says: 'a static interface IP with DHCP switched on (DHCP turned off)', raw: { nodeConfig: [{ nodeName: 'a', mainVPPInterface: { ip: '192.168.16.10/24', useDHCP: true } }] }, key: 'nodeConfig[0].mainVPPInterface.useDHCP', severity: 'warning', reason: 'DHCP is off' },
  { says: 'one key written twice in different case', raw: { useTAPInterfaces: true, usetapinterfaces: false }, key: 'usetapinterfaces', severity: 'error', reason: 'same key as "useTAPInterfaces"' },
  { says: 'a config that is a list', raw: [1, 2], key: '<root>', severity: 'error', reason: 'must be a mapping' },
  { says: 'an ipamConfig that is a string', raw: { ipamConfig: '10.1.0.0/16' }, key: 'ipamConfig', severity: 'error', reason: 'must be a mapping' },
  { says: 'a nodeConfig that is a mapping', raw: { nodeConfig: { nodeName: 'a' } }, key: 'nodeConfig', severity: 'error', reason: 'must be a list' },
  { says: 'a bad CIDR under keys spelled in capitals (path kept as written)', raw: { IPAMConfig: { PodSubnetCIDR: '10.1.0.0' } }, key: 'IPAMConfig.PodSubnetCIDR', severity: 'error', reason: 'not a valid IPv4 CIDR' },
  { says: 'an unknown nested key (closest known key suggested)', raw: { ipamConfig: { podSubnetCIRD: '10.1.0.0/16' } }, key: 'ipamConfig.podSubnetCIRD', severity: 'warning', reason: 'closest known key: "podSubnetCIDR"' },
  { says: 'the NodeConfig CRD switched on', raw: { crdNodeConfigurationDisabled: false }, key: 'crdNodeConfigurationDisabled', severity: 'warning', reason: 'not supported' },
];

for (const row of rows) {
  test(`flags ${row.says} as ${row.severity === 'error' ? 'an error' : 'a warning'} on ${row.key}`, (t) => {
    const { config, problems } = compileConfig(row.raw, row.env ?? env);
    const hit = problems.find((p) => p.key === row.key && p.severity === row.severity && p.reason.includes(row.reason));
    t.truthy(hit, problems.map(formatProblem).join('\n'));
    t.true(formatProblem(hit ?? problems[0]!).startsWith(`${row.severity}: ${row.key}`));
    if (row.severity === 'error') t.is(config, undefined);
    else t.deepEqual(problems.filter((p) => p.severity === 'error'), [], 'a warning alone keeps the config');
  });
}

test('the table covers at least twenty invalid configs', (t) => {
  t.true(rows.filter((r) => r.severity === 'error').length >= 20);
});

test('the formatted problem shows key, quoted value and reason on one line', (t) => {
  const { problems } = compileConfig({ ipamConfig: { podSubnetCIDR: '10.1.0.0/33' } }, env);
  t.deepEqual(problems.map(formatProblem), ['error: ipamConfig.podSubnetCIDR = "10.1.0.0/33": not a valid IPv4 CIDR']);
});

test('all problems are collected at once rather than stopping at the first', (t) => {
  const { config, problems } = compileConfig({
    mtuSize: -1,
    http: { port: 70000, address: 'x' },
    store: { type: 'redis' },
    ipamConfig: { podSubnetCIDR: 'a', serviceCIDR: 'b' },
    nodeConfig: [{ nodeName: 'a', gateway: 'c' }],
    bogus: 1,
  }, env);
  t.is(config, undefined);
  t.deepEqual(problems.map((p) => `${p.severity} ${p.key}`).sort(), [
    'error http.address', 'error http.port', 'error ipamConfig.podSubnetCIDR', 'error ipamConfig.serviceCIDR',
    'error mtuSize', 'error nodeConfig[0].gateway', 'error store.type', 'warning bogus',
  ]);
});

import test from 'ava';
import {
  NodeAddressError, NodeAddressing, SubnetError, dissectCidr, dissectContivCIDR, nodePart, parseCidr, formatCidr,
} from '../../src/ipam/index.js';
import { defaultIpam, ipamConfig } from './fixtures.js';

const ERR = 'error';
type Cell = string | typeof ERR;
interface Row {
  id: number; pod: Cell; gw: Cell; host: Cell; vpp: Cell; linux: Cell; nodeIP: Cell; vxlan: Cell; nat: Cell;
}
// Spec §2 default-config table, every column.
const table: Row[] = [
  { id: 1, pod: '10.1.1.0/24', gw: '10.1.1.1', host: '172.30.1.0/24', vpp: '172.30.1.1', linux: '172.30.1.2', nodeIP: '192.168.16.1', vxlan: '192.168.30.1', nat: '10.1.1.254' },
  { id: 5, pod: '10.1.5.0/24', gw: '10.1.5.1', host: '172.30.5.0/24', vpp: '172.30.5.1', linux: '172.30.5.2', nodeIP: '192.168.16.5', vxlan: '192.168.30.5', nat: '10.1.5.254' },
  { id: 255, pod: '10.1.255.0/24', gw: '10.1.255.1', host: '172.30.255.0/24', vpp: '172.30.255.1', linux: '172.30.255.2', nodeIP: '192.168.16.255', vxlan: '192.168.30.255', nat: '10.1.255.254' },
  { id: 256, pod: '10.1.0.0/24', gw: '10.1.0.1', host: '172.30.0.0/24', vpp: '172.30.0.1', linux: '172.30.0.2', nodeIP: ERR, vxlan: ERR, nat: '10.1.0.254' },
];

for (const row of table) {
  test(`node ${row.id} with the default config gets the spec's addresses`, (t) => {
    const a = new NodeAddressing(defaultIpam, row.id);
    t.is(a.podSubnetThisNode, row.pod);
    t.is(a.podGatewayIP, row.gw);
    t.is(a.hostInterconnectSubnetThisNode, row.host);
    t.is(a.hostInterconnectIPInVPP, row.vpp);
    t.is(a.hostInterconnectIPInLinux, row.linux);
    t.is(a.natLoopbackIP, row.nat);
    t.is(a.serviceNetwork, '10.96.0.0/12');
    t.is(a.podSubnetAllNodes, '10.1.0.0/16');
    if (row.nodeIP === ERR) {
      t.throws(() => a.nodeIPAddress(), { instanceOf: NodeAddressError, message: `no free address for nodeID ${row.id}` });
      t.throws(() => a.vxlanIPAddress(), { instanceOf: NodeAddressError, message: `no free address for nodeID ${row.id}` });
    } else {
      t.deepEqual(a.nodeIPAddress(), { ip: row.nodeIP, network: '192.168.16.0/24' });
      t.deepEqual(a.vxlanIPAddress(), { ip: row.vxlan, network: '192.168.30.0/24' });
    }
  });
}

test('node 257 cannot be addressed: the pod subnet error is fatal and node/VXLAN IPs are out of range', (t) => {
  t.throws(() => new NodeAddressing(defaultIpam, 257), {
    instanceOf: SubnetError, message: 'prefix extension of 8 does not accommodate a subnet numbered 257',
  });
  t.throws(() => dissectCidr('172.30.0.0/16', 24, 257), { instanceOf: SubnetError });
  const one = new NodeAddressing(defaultIpam, 1);
  t.throws(() => one.nodeIPAddress(257), { instanceOf: NodeAddressError, message: 'nodeID is out of the valid range' });
  t.throws(() => one.vxlanIPAddress(257), { instanceOf: NodeAddressError, message: 'nodeID is out of the valid range' });
});

test('a one-node prefix not longer than the cluster prefix is rejected with the spec message', (t) => {
  t.throws(() => new NodeAddressing(ipamConfig({ podSubnetOneNodePrefixLen: 16 }), 1), {
    instanceOf: SubnetError,
    message: 'prefix length for one node (16) must be higher than the cluster-wide subnet prefix length (16)',
  });
});

test('a node network that is not configured makes only the node IP fail', (t) => {
  const a = new NodeAddressing(ipamConfig({ nodeInterconnectCIDR: undefined }), 3);
  t.throws(() => a.nodeIPAddress(), { instanceOf: NodeAddressError, message: 'nodeInterconnectCIDR is undefined' });
  t.is(a.vxlanIPAddress().ip, '192.168.30.3');
});

const nodePartRows: [number, number, number | 'error'][] = [
  [1, 8, 1], [255, 8, 255], [256, 8, 0], [257, 8, 'error'], [0, 8, 0], [3, 1, 'error'], [2, 1, 0],
];
for (const [id, bits, want] of nodePartRows) {
  test(`nodePart(${id}, ${bits}) is ${want}`, (t) => {
    if (want === 'error') t.throws(() => nodePart(id, bits), { message: 'nodeID is out of the valid range' });
    else t.is(nodePart(id, bits), want);
  });
}

// Gateway exclusion: [gateway, id, expected node IP]
const gwRows: [string, number, string][] = [
  ['192.168.16.3', 1, '192.168.16.1'], // below the gateway: unchanged
  ['192.168.16.3', 2, '192.168.16.2'],
  ['192.168.16.3', 3, '192.168.16.4'], // equal: shifted
  ['192.168.16.3', 5, '192.168.16.6'],
  ['192.168.16.3', 254, '192.168.16.255'], // shifted onto the broadcast address, not guarded
  ['192.168.15.254', 1, '192.168.16.2'], // GW numerically below the subnet shifts every node
  ['192.168.15.254', 5, '192.168.16.6'],
  ['192.168.17.1', 5, '192.168.16.5'], // GW above the subnet: no shift
  ['10.0.0.1', 7, '192.168.16.8'],
];
for (const [gw, id, want] of gwRows) {
  test(`with default gateway ${gw} node ${id} gets node IP ${want}`, (t) => {
    const a = new NodeAddressing(ipamConfig({ defaultGateway: gw }), 1);
    t.deepEqual(a.nodeIPAddress(id), { ip: want, network: '192.168.16.0/24' });
    t.is(a.vxlanIPAddress(id).ip, `192.168.30.${id}`, 'VXLAN IPs ignore the gateway');
  });
}

test('the static gateway option overrides the config gateway, and undefined means none', (t) => {
  const cfg = ipamConfig({ defaultGateway: '192.168.16.1' });
  t.is(new NodeAddressing(cfg, 1).nodeIPAddress(5).ip, '192.168.16.6');
  t.is(new NodeAddressing(cfg, 1, { staticGateway: undefined }).nodeIPAddress(5).ip, '192.168.16.5');
  t.is(new NodeAddressing(cfg, 1, { staticGateway: '192.168.16.9' }).nodeIPAddress(5).ip, '192.168.16.5');
});

test('the ContivCIDR example dissects into the spec networks and node 1 pod subnet 10.128.0.128/25', (t) => {
  const nets = dissectContivCIDR('10.128.0.0/14');
  t.deepEqual(nets, {
    podSubnetCIDR: '10.128.0.0/16', podSubnetOneNodePrefixLen: 25,
    vppHostSubnetCIDR: '10.129.0.0/16', vppHostSubnetOneNodePrefixLen: 25,
    vxlanCIDR: '10.130.2.0/23', nodeInterconnectCIDR: '10.130.0.0/23',
  });
  const a = new NodeAddressing(ipamConfig({ ...nets, contivCIDR: '10.128.0.0/14' }), 1);
  t.is(a.podSubnetThisNode, '10.128.0.128/25');
  t.is(a.hostInterconnectSubnetThisNode, '10.129.0.128/25');
  t.is(a.nodeIPAddress().ip, '10.130.0.1');
  t.is(a.vxlanIPAddress().ip, '10.130.2.1');
});

test('ContivCIDR keeps a configured node network, drops it with DHCP, and rejects small networks', (t) => {
  t.is(dissectContivCIDR('10.128.0.0/14', { nodeInterconnectCIDR: '192.168.16.7/24' }).nodeInterconnectCIDR, '192.168.16.0/24');
  t.is(dissectContivCIDR('10.128.0.0/14', { nodeInterconnectDHCP: true }).nodeInterconnectCIDR, undefined);
  t.throws(() => dissectContivCIDR('10.128.0.0/15'), {
    instanceOf: SubnetError, message: 'ContivCIDR is not valid, network must provide at least 18bit space',
  });
});

// NodeIDFromPodIP: [pod IP, expected ID]
const fromIpRows: [string, number][] = [
  ['10.1.1.5', 1], ['10.1.5.200', 5], ['10.1.255.1', 255], ['10.1.0.9', 0], // node 256 reports 0
];
for (const [ip, id] of fromIpRows) {
  test(`pod IP ${ip} belongs to node ${id}`, (t) => {
    t.is(new NodeAddressing(defaultIpam, 1).nodeIdFromPodIP(ip), id);
  });
}

test('node 256 sees its own pod IPs reported as node 0 (the 2^newBits quirk)', (t) => {
  const a = new NodeAddressing(defaultIpam, 256);
  t.is(a.nodeIdFromPodIP(a.podGatewayIP as string), 0);
});

test('a pod IP outside the cluster pod network is refused with the spec message', (t) => {
  t.throws(() => new NodeAddressing(defaultIpam, 1).nodeIdFromPodIP('10.2.0.1'), {
    message: 'pod IP 10.2.0.1 not from pod subnet 10.1.0.0/16',
  });
});

test('other nodes get their slices with this node prefix lengths', (t) => {
  const a = new NodeAddressing(defaultIpam, 1);
  t.is(a.podSubnetOtherNode(7), '10.1.7.0/24');
  t.is(a.podSubnetOtherNode(256), '10.1.0.0/24');
  t.is(a.hostInterconnectSubnetOtherNode(9), '172.30.9.0/24');
});

test('external IPAM takes the node podCIDR as this node pod subnet', (t) => {
  const a = new NodeAddressing(ipamConfig({ useExternalIPAM: true }), 1, { podCIDR: '10.1.64.0/26' });
  t.is(a.podSubnetThisNode, '10.1.64.0/26');
  t.is(a.podGatewayIP, '10.1.64.1');
  t.is(a.podSubnetOtherNode(2), '10.1.0.128/26');
  t.is(new NodeAddressing(ipamConfig({ useExternalIPAM: true }), 1, { podCIDR: '' }).podSubnetThisNode, '10.1.1.0/24');
});

test('CIDRs are normalised to their network address', (t) => {
  t.is(formatCidr(parseCidr('1.2.3.4/16')), '1.2.0.0/16');
  t.is(new NodeAddressing(ipamConfig({ podSubnetCIDR: '10.1.77.3/16' }), 2).podSubnetThisNode, '10.1.2.0/24');
  t.throws(() => parseCidr('10.1.300.0/16'));
  t.throws(() => parseCidr('10.1.0.0/33'));
});

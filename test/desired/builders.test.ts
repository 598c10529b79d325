/** Builder rules beyond the golden scenario (spec ipnet-behaviour §6–§9, §7.5), one rule per test. */
import test from 'ava';
import type { Config } from '../../src/config/types.js';
import {
  desiredState, type DesiredInputs, ItemConflictError, ItemSet, plan, shutdownKeys, linuxInterfaceKey, nodeItems, peerItems,
  podIfNames, stnGateway, vppInterfaceKey,
} from '../../src/desired/index.js';
import { deploymentConfig, goldenInputs, local1, node1, peer, podA } from './scenario.js';

function build(over: Partial<Config>, inputs: Partial<DesiredInputs> = {}): ItemSet {
  return desiredState(deploymentConfig(over), { ...goldenInputs, ...inputs });
}
function value(set: ItemSet, key: string): Record<string, unknown> | undefined {
  return set.get(key)?.value as Record<string, unknown> | undefined;
}
const keysWith = (set: ItemSet, part: string): string[] => [...set.keys()].filter((k) => k.includes(part));
const nic = vppInterfaceKey('GigabitEthernet0/8/0');
const defaultRoute = 'config/vpp/v2/route/vrf/0/dst/0.0.0.0/0/gw/192.168.16.100';

test('with DHCP and no lease yet the NIC runs a DHCP client and no tunnel, BD member, ARP or FIB exists', (t) => {
  const s = build({}, { local: { ...local1, useDHCP: true, defaultGateway: undefined, addressing: { ...node1, nodeIP: undefined } } });
  t.like(value(s, nic), { ip_addresses: [], set_dhcp_client: true });
  t.true(s.has('vpp/interface/dhcp-client/GigabitEthernet0/8/0'));
  t.false(s.has(defaultRoute));
  t.deepEqual(keysWith(s, 'vxlan2'), []);
  t.deepEqual(keysWith(s, 'vpp/bd/vxlanBD/interface/').sort(), ['vpp/bd/vxlanBD/interface/vxlanBVI']);
  t.true(s.has('config/vpp/v2/route/vrf/1/dst/10.1.2.0/24/gw/192.168.30.2'), 'routes to peers do not need the node IP');
});

test('without a NIC the node IP goes on loopbackNIC and there is no default route', (t) => {
  const s = build({}, { local: { ...local1, nicName: '' } });
  t.like(value(s, vppInterfaceKey('loopbackNIC')), { type: 'SOFTWARE_LOOPBACK', vrf: 0, ip_addresses: ['192.168.16.1/24'] });
  t.false(s.has(nic));
  t.false(s.has(defaultRoute));
});

test('a vmxnet3 NIC gets its ring sizes only when both are non-zero', (t) => {
  const local = { ...local1, nicName: 'vmxnet3-0/b/0/0' };
  const both = build({ vmxnet3RxRingSize: 1024, vmxnet3TxRingSize: 512 }, { local });
  t.like(value(both, vppInterfaceKey('vmxnet3-0/b/0/0')), { type: 'VMXNET3_INTERFACE', vmx_net3: { rxq_size: 1024, txq_size: 512 } });
  const one = build({ vmxnet3RxRingSize: 1024 }, { local });
  t.is(value(one, vppInterfaceKey('vmxnet3-0/b/0/0'))?.vmx_net3, undefined);
});

test('an explicit rx mode is set on the NIC, the interconnect and pod VPP sides only', (t) => {
  const s = build({ interfaceRxMode: 'polling' });
  const withRx = [...s.values()].filter((i) => 'rx_mode_settings' in (i.value as object)).map((i) => i.key).sort();
  t.deepEqual(withRx, [nic, vppInterfaceKey('tap-vpp2'), vppInterfaceKey(podIfNames(podA.containerId, 'tap').vpp),
    vppInterfaceKey(podIfNames(goldenInputs.pods[1]?.containerId ?? '', 'tap').vpp)].sort());
  t.deepEqual(value(s, nic)?.rx_mode_settings, { rx_mode: 'POLLING' });
});

test('routeServiceCIDRToVPP adds a host route to the service network via VPP', (t) => {
  const s = build({ routeServiceCIDRToVPP: true });
  t.deepEqual(value(s, 'config/linux/l3/v2/route/10.96.0.0/12/tap-vpp1'),
    { outgoing_interface: 'tap-vpp1', scope: 'GLOBAL', dst_network: '10.96.0.0/12', gw_addr: '172.30.1.1' });
});

test('external IPAM drops routes to peer pod subnets and adds a host route to each pod', (t) => {
  const base = deploymentConfig();
  const s = build({ ipamConfig: { ...base.ipamConfig, useExternalIPAM: true } });
  t.false(s.has('config/vpp/v2/route/vrf/1/dst/10.1.2.0/24/gw/192.168.30.2'));
  t.true(s.has('config/vpp/v2/route/vrf/1/dst/172.30.2.0/24/gw/192.168.30.2'));
  t.deepEqual(value(s, 'config/linux/l3/v2/route/10.1.1.2/32/tap-vpp1'),
    { dst_network: '10.1.1.2/32', scope: 'GLOBAL', gw_addr: '172.30.1.1', outgoing_interface: 'tap-vpp1' });
});

const peerCases = [
  { why: 'it has no management IP', p: { ...peer(2), mgmtIPs: [] } },
  { why: 'it has no VPP IP', p: { ...peer(2), nodeIPs: [] } },
  { why: 'its node ID is 0', p: { ...peer(2), nodeId: 0 } },
];
for (const c of peerCases) {
  test(`a peer gets no items when ${c.why}`, (t) => {
    t.deepEqual(peerItems(deploymentConfig(), node1, c.p), []);
  });
}

test('without a Kubernetes source a peer with a VPP IP is connected: tunnel and routes, no management-IP routes', (t) => {
  const items = peerItems(deploymentConfig(), node1, { ...peer(2), mgmtIPs: [], mgmtIPsUnknown: true });
  const keys = items.map((i) => i.key);
  t.true(keys.some((k) => k.includes('vxlan2')), keys.join('\n'));
  t.true(keys.includes('config/vpp/v2/route/vrf/1/dst/10.1.2.0/24/gw/192.168.30.2'), keys.join('\n'));
  t.false(keys.some((k) => /dst\/[0-9.]+\/32\/gw\/0\.0\.0\.0/.test(k)), keys.join('\n'));
});

test('a management IP equal to the next hop gets no pod-VRF route but keeps its inter-VRF route', (t) => {
  const items = peerItems(deploymentConfig(), node1, { ...peer(2), mgmtIPs: ['192.168.30.2'] });
  const keys = items.map((i) => i.key);
  t.false(keys.includes('config/vpp/v2/route/vrf/1/dst/192.168.30.2/32/gw/192.168.30.2'));
  t.true(keys.includes('config/vpp/v2/route/vrf/0/dst/192.168.30.2/32/gw/0.0.0.0'));
});

test('checksum offload flags and MTU disappear when disabled in config', (t) => {
  const s = build({ useTAPInterfaces: false, interfaceMode: 'veth', tcpChecksumOffloadDisabled: false, mtuSize: 0 });
  t.deepEqual(value(s, linuxInterfaceKey('veth-vpp1'))?.veth, { peer_if_name: 'veth-vpp2' });
  t.false([...s.values()].some((i) => 'mtu' in (i.value as object)));
});

test('neighbor scanning off removes the ipscanneigh item', (t) => {
  t.false(build({ scanIPNeighbors: false }).has('config/vpp/v2/ipscanneigh-global'));
});

test('other NICs get their IP, or a DHCP client when they have none', (t) => {
  const otherInterfaces = [
    { interfaceName: 'GigabitEthernet0/9/0', ip: '10.50.0.1/24', useDHCP: true },
    { interfaceName: 'GigabitEthernet0/a/0', ip: undefined, useDHCP: true },
  ];
  const s = build({}, { local: { ...local1, otherInterfaces } });
  t.like(value(s, vppInterfaceKey('GigabitEthernet0/9/0')), { type: 'DPDK', vrf: 0, ip_addresses: ['10.50.0.1/24'] });
  t.is(value(s, vppInterfaceKey('GigabitEthernet0/9/0'))?.set_dhcp_client, undefined);
  t.like(value(s, vppInterfaceKey('GigabitEthernet0/a/0')), { ip_addresses: [], set_dhcp_client: true });
});

test('a peer with this node\'s name is not connected to itself', (t) => {
  const s = build({}, { peers: [{ ...peer(2), name: 'node1' }, peer(3)] });
  t.false([...s.values()].some((i) => i.owner === 'peer/2'));
  t.true([...s.values()].some((i) => i.owner === 'peer/3'));
});

test('two pods with the same IP are refused as a conflict', (t) => {
  t.throws(() => build({}, { pods: [podA, { ...podA, name: 'twin', containerId: 'f'.repeat(64) }] }), { instanceOf: ItemConflictError });
});

const stnLocal = {
  ...local1, nicIPs: ['192.168.16.10/24'], defaultGateway: undefined,
  addressing: { ...node1, nodeIP: '192.168.16.10/24' },
  stnRoutes: [{ destination: '', nextHop: '192.168.16.1' }, { destination: '10.99.0.0/16', nextHop: '192.168.16.254' }],
};

test('STN v2 borrows the NIC address, puts the node IP on the host side, and punts, proxies and ARPs for it', (t) => {
  const s = build({ stealInterface: 'eth1', stnVersion: 2 }, { local: stnLocal });
  t.like(value(s, vppInterfaceKey('tap-vpp2')), { ip_addresses: [], unnumbered: { interface_with_ip: 'GigabitEthernet0/8/0' } });
  t.like(value(s, linuxInterfaceKey('tap-vpp1')), { phys_address: '00:00:00:00:00:02', ip_addresses: ['192.168.16.10/24'] });
  t.deepEqual(value(s, 'config/vpp/punt/v2/ipredirect/l3/ALL/tx/tap-vpp2'), { l3_protocol: 'ALL', tx_interface: 'tap-vpp2', next_hop: '192.168.16.10' });
  t.like(value(s, 'config/vpp/v2/arp/tap-vpp2/192.168.16.10'), { phys_address: '00:00:00:00:00:02', static: true });
  t.deepEqual(value(s, 'config/vpp/v2/proxyarp-global'),
    { interfaces: [{ name: 'tap-vpp2' }], ranges: [{ first_ip_addr: '192.168.16.1', last_ip_addr: '192.168.16.254' }] });
  t.true(s.has('config/vpp/v2/route/vrf/0/dst/0.0.0.0/0/gw/192.168.16.1'));
  t.true(s.has('config/linux/l3/v2/route/10.99.0.0/16/tap-vpp1'));
  t.is(value(s, 'config/linux/l3/v2/route/10.1.0.0/16/tap-vpp1')?.gw_addr, '192.168.16.1');
  t.is(value(s, 'config/vpp/v2/route/vrf/0/dst/10.20.0.11/32/gw/192.168.16.10')?.outgoing_interface, 'tap-vpp2');
  t.false(s.has('config/vpp/v2/route/vrf/0/dst/10.20.0.12/32/gw/0.0.0.0'), 'no inter-VRF management routes in STN');
  t.true(s.has('vpp/interface/unnumbered/tap-vpp2'));
  t.true(s.get('vpp/interface/unnumbered/tap-vpp2')?.deps.includes('vpp/interface/GigabitEthernet0/8/0/address/static/192.168.16.10/24'));
  t.deepEqual(plan(s, new ItemSet()).pending, [], 'every STN dependency is satisfiable');
});

test('STN before v2 installs an STN rule instead of a punt redirect', (t) => {
  const s = build({ stealFirstNIC: true, stnVersion: 0 }, { local: stnLocal });
  t.deepEqual(value(s, 'config/vpp/stn/v2/rule/tap-vpp2/ip/192.168.16.10'), { ip_address: '192.168.16.10', interface: 'tap-vpp2' });
  t.deepEqual(keysWith(s, 'punt'), []);
  t.false(s.has('config/vpp/v2/arp/tap-vpp2/192.168.16.10'));
});

const gwCases = [
  { why: 'the static gateway when set', gw: '192.168.16.200', nodeIP: '192.168.16.10/24', want: '192.168.16.200' },
  { why: 'the first usable address otherwise', gw: undefined, nodeIP: '192.168.16.10/24', want: '192.168.16.1' },
  { why: 'the last usable address when the first is the node IP', gw: undefined, nodeIP: '192.168.16.1/24', want: '192.168.16.254' },
];
for (const c of gwCases) {
  test(`the STN gateway is ${c.why}`, (t) => {
    t.is(stnGateway({ ...local1, defaultGateway: c.gw, addressing: { ...node1, nodeIP: c.nodeIP } }), c.want);
  });
}

test('node items alone never reference a pod or a peer', (t) => {
  const items = nodeItems(deploymentConfig(), local1);
  t.true(items.every((i) => i.owner === 'node'));
});

test('shutdown removes the host-interconnect VETH pair (and what is bound to it) in VETH mode and nothing in TAP mode', (t) => {
  const veth = deploymentConfig({ useTAPInterfaces: false, interfaceMode: 'veth' });
  const actual = desiredState(veth, goldenInputs);
  const desired = actual.clone();
  for (const k of shutdownKeys(veth)) desired.delete(k);
  const p = plan(desired, actual);
  const deleted = p.ops.filter((o) => o.op === 'delete').map((o) => o.key);
  t.true(deleted.includes(linuxInterfaceKey('veth-vpp1')) && deleted.includes(linuxInterfaceKey('veth-vpp2')));
  const step = (k: string): number => p.ops.find((o) => o.op === 'delete' && o.key === k)?.step ?? -1;
  t.true(step(linuxInterfaceKey('veth-vpp1')) < step(linuxInterfaceKey('veth-vpp2')), 'the waiting end goes first');
  t.deepEqual(p.pending.find((x) => x.key === vppInterfaceKey('afpacket-vpp2'))?.missing, [linuxInterfaceKey('veth-vpp2')],
    'the AF_PACKET bound to the pair goes too and waits for it');
  t.deepEqual(shutdownKeys(deploymentConfig()), []);
});

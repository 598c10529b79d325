/** The seed's lookup API answered from the desired set, and the IPAM adapter against the hand-made scenario. */
import test from 'ava';
import { NodeAddressing as IpamAddressing } from '../../src/ipam/addressing.js';
import {
  desiredState, getHostInterconnectIfName, getHostIPs, getNodeIP, getPodByIf, getPodIfNames, getVxlanBVIIfName,
  ipamNodeIP, nodeAddressingFromIpam, type NodeState, peerAddressingFromIpam, podIfNames, podOwner, stateToString,
} from '../../src/desired/index.js';
import { goldenInputs, modeConfig, node1, peer, podA, podB } from './scenario.js';

const state: NodeState = {
  useDHCP: false, watchingDHCP: false, nodeIP: '192.168.16.1', nodeIPNet: '192.168.16.0/24', hostIPs: ['10.20.0.11'],
};

for (const mode of ['tap', 'veth'] as const) {
  test(`GetPodIfNames answers the ${mode} names of a configured pod and nothing for an unknown one`, (t) => {
    const desired = desiredState(modeConfig(mode, true), goldenInputs);
    const n = podIfNames(podA.containerId, mode);
    t.deepEqual(getPodIfNames(desired, 'default', 'pod-a'), { vppIfName: n.vpp, linuxIfName: n.linux, loopIfName: n.loop, exists: true });
    t.deepEqual(getPodIfNames(desired, 'default', 'nope'), { vppIfName: '', linuxIfName: '', loopIfName: '', exists: false });
  });
}

test('GetPodByIf finds the pod behind its VPP-side interface only', (t) => {
  const desired = desiredState(modeConfig('tap', true), goldenInputs);
  const n = podIfNames(podB.containerId, 'tap');
  t.deepEqual(getPodByIf(desired, n.vpp), { podNamespace: 'kube-system', podName: 'pod-b', exists: true });
  t.deepEqual(getPodByIf(desired, n.linux), { podNamespace: '', podName: '', exists: false });
  t.deepEqual(getPodByIf(desired, 'tap-vpp2'), { podNamespace: '', podName: '', exists: false });
});

test('a removed pod disappears from both lookups at once', (t) => {
  const desired = desiredState(modeConfig('tap', true), goldenInputs);
  desired.replaceOwner(podOwner('default', 'pod-a'), []);
  t.false(getPodIfNames(desired, 'default', 'pod-a').exists);
  t.false(getPodByIf(desired, podIfNames(podA.containerId, 'tap').vpp).exists);
});

const ifNameCases = [
  { mode: 'tap', overlay: true, host: 'tap-vpp2', bvi: 'vxlanBVI' },
  { mode: 'veth', overlay: true, host: 'afpacket-vpp2', bvi: 'vxlanBVI' },
  { mode: 'tap', overlay: false, host: 'tap-vpp2', bvi: '' },
] as const;
for (const c of ifNameCases) {
  test(`in ${c.mode} ${c.overlay ? 'overlay' : 'no-overlay'} mode the interconnect is "${c.host}" and the BVI "${c.bvi}"`, (t) => {
    const config = modeConfig(c.mode, c.overlay);
    t.is(getHostInterconnectIfName(config), c.host);
    t.is(getVxlanBVIIfName(config), c.bvi);
  });
}

test('GetNodeIP and GetHostIPs report the node state, undefined before a DHCP lease', (t) => {
  t.deepEqual(getNodeIP(state), { ip: '192.168.16.1', network: '192.168.16.0/24' });
  t.deepEqual(getNodeIP({ ...state, nodeIP: undefined, nodeIPNet: undefined }), { ip: undefined, network: undefined });
  t.deepEqual(getHostIPs(state), ['10.20.0.11']);
});

test('StateToString lists the node state and the interface-to-pod map in one line', (t) => {
  const desired = desiredState(modeConfig('tap', true), goldenInputs);
  const s = stateToString(state, desired);
  t.false(s.includes('\n'));
  t.true(s.startsWith('useDHCP: false, watchingDHCP: false, nodeIP: 192.168.16.1, nodeIPNet: 192.168.16.0/24, hostIPs: [10.20.0.11], vppIfaceToPod: {'));
  t.true(s.includes(`${podIfNames(podA.containerId, 'tap').vpp}: default/pod-a`));
  t.true(s.includes(`${podIfNames(podB.containerId, 'tap').vpp}: kube-system/pod-b`));
});

test('the IPAM adapter yields the hand-computed addressing of node 1 and its peers', (t) => {
  const config = modeConfig('tap', true);
  const ipam = new IpamAddressing(config.ipamConfig, 1);
  t.is(ipamNodeIP(ipam), '192.168.16.1/24');
  t.deepEqual(nodeAddressingFromIpam(ipam, ipamNodeIP(ipam)), node1);
  for (const id of [2, 3]) {
    const p = peer(id);
    t.deepEqual(peerAddressingFromIpam(ipam, { id, name: p.name, vppIPs: p.nodeIPs, mgmtIPs: p.mgmtIPs }), p);
  }
});

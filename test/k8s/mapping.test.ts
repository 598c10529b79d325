import test from 'ava';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import {
  bareContainerId, holdsPodNetwork, nodeFromKube, podFromKube, samePodFacts, toLivePod, type KubePod,
} from '../../src/sources/k8s/mapping.js';

const base: V1Pod = { metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '7' }, spec: { containers: [], nodeName: 'node-a' } };
const withStatus = (status: V1Pod['status'], spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod =>
  ({ ...base, spec: { containers: [], nodeName: 'node-a', ...spec }, status });

const podCases: ReadonlyArray<readonly [string, V1Pod, Partial<KubePod> | undefined]> = [
  ['a running pod keeps its address, phase and uid', withStatus({ phase: 'Running', podIP: '10.1.1.2' }),
    { id: { namespace: 'shop', name: 'web' }, uid: 'u1', nodeName: 'node-a', ip: '10.1.1.2', phase: 'Running', hostNetwork: false, resourceVersion: '7' }],
  ['a pending pod has no address yet', withStatus({ phase: 'Pending' }), { ip: undefined, phase: 'Pending' }],
  ['the IPv4 entry of podIPs wins over an IPv6 podIP', withStatus({ podIP: 'fd00::5', podIPs: [{ ip: 'fd00::5' }, { ip: '10.1.1.5' }] }), { ip: '10.1.1.5' }],
  ['an IPv6-only pod has no address for ipnet', withStatus({ podIP: 'fd00::5', podIPs: [{ ip: 'fd00::5' }] }), { ip: undefined }],
  ['a malformed podIP is ignored', withStatus({ podIP: '10.1.1' }), { ip: undefined }],
  ['an unscheduled pod has no node', { ...base, spec: { containers: [] } }, { nodeName: undefined }],
  ['a host-network pod is marked so', withStatus({ podIP: '192.168.16.1' }, { hostNetwork: true }), { hostNetwork: true, ip: '192.168.16.1' }],
  ['container ids lose the runtime prefix, init containers first, without repeats', withStatus({
    initContainerStatuses: [{ name: 'i', containerID: 'containerd://aaa', image: '', imageID: '', ready: false, restartCount: 0 }],
    containerStatuses: [
      { name: 'c', containerID: 'docker://bbb', image: '', imageID: '', ready: true, restartCount: 0 },
      { name: 'd', image: '', imageID: '', ready: false, restartCount: 0 },
      { name: 'e', containerID: 'docker://bbb', image: '', imageID: '', ready: true, restartCount: 0 },
    ],
  }), { containerIds: ['aaa', 'bbb'] }],
  ['a pod without namespace is in default', { metadata: { name: 'x' } }, { id: { namespace: 'default', name: 'x' }, uid: '', resourceVersion: '' }],
  ['an object without a name is not a pod', { metadata: { namespace: 'shop' } }, undefined],
];
for (const [title, input, want] of podCases) {
  test(`pod mapping: ${title}`, (t) => {
    const got = podFromKube(input);
    if (want === undefined) t.is(got, undefined);
    else t.like(got, want);
  });
}

const nodeCases: ReadonlyArray<readonly [string, V1Node, ReturnType<typeof nodeFromKube>]> = [
  ['InternalIP and ExternalIP are management IPs, Hostname is not',
    { metadata: { name: 'n1', resourceVersion: '3' }, spec: { podCIDR: '10.1.1.0/24' }, status: { addresses: [
      { type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.16.1' }, { type: 'ExternalIP', address: '203.0.113.1' },
    ] } },
    { name: 'n1', mgmtIPs: ['192.168.16.1', '203.0.113.1'], podCIDR: '10.1.1.0/24', resourceVersion: '3' }],
  ['IPv6, DNS names and repeats are dropped',
    { metadata: { name: 'n2' }, status: { addresses: [
      { type: 'InternalIP', address: 'fd00::2' }, { type: 'InternalDNS', address: 'n2.local' },
      { type: 'InternalIP', address: '192.168.16.2' }, { type: 'ExternalIP', address: '192.168.16.2' },
    ] } },
    { name: 'n2', mgmtIPs: ['192.168.16.2'], podCIDR: undefined, resourceVersion: '' }],
  ['podCIDRs stands in when podCIDR is empty',
    { metadata: { name: 'n3' }, spec: { podCIDR: '', podCIDRs: ['10.1.3.0/24'] } },
    { name: 'n3', mgmtIPs: [], podCIDR: '10.1.3.0/24', resourceVersion: '' }],
  ['an object without a name is not a node', { metadata: {} }, undefined],
];
for (const [title, input, want] of nodeCases) {
  test(`node mapping: ${title}`, (t) => {
    t.deepEqual(nodeFromKube(input), want);
  });
}

const liveCases: ReadonlyArray<readonly [string, V1Pod, boolean]> = [
  ['a running pod holds a pod-network address', withStatus({ phase: 'Running', podIP: '10.1.1.2' }), true],
  ['a pending pod may already hold one', withStatus({ phase: 'Pending' }), true],
  ['a pod in unknown phase is kept (its node may just be unreachable)', withStatus({ phase: 'Unknown' }), true],
  ['a succeeded pod has released it', withStatus({ phase: 'Succeeded', podIP: '10.1.1.2' }), false],
  ['a failed pod has released it', withStatus({ phase: 'Failed' }), false],
  ['a host-network pod never had one', withStatus({ phase: 'Running' }, { hostNetwork: true }), false],
];
for (const [title, input, want] of liveCases) {
  test(`live pods: ${title}`, (t) => {
    const pod = podFromKube(input);
    t.is(pod !== undefined && holdsPodNetwork(pod), want);
  });
}

test('the IPAM view of a pod is its id and address', (t) => {
  const pod = podFromKube(withStatus({ podIP: '10.1.1.2' }));
  t.deepEqual(pod && toLivePod(pod), { pod: { namespace: 'shop', name: 'web' }, ip: '10.1.1.2' });
});

test('records that differ only in resourceVersion have the same facts', (t) => {
  const a = podFromKube(withStatus({ podIP: '10.1.1.2' }));
  const b = podFromKube({ ...withStatus({ podIP: '10.1.1.2' }), metadata: { ...base.metadata, resourceVersion: '8', labels: { x: 'y' } } });
  const c = podFromKube(withStatus({ podIP: '10.1.1.3' }));
  t.true(a !== undefined && b !== undefined && samePodFacts(a, b));
  t.false(a !== undefined && c !== undefined && samePodFacts(a, c));
});

test('a container id without a runtime prefix is kept as it is', (t) => {
  t.is(bareContainerId('abc123'), 'abc123');
  t.is(bareContainerId('cri-o://abc123'), 'abc123');
});

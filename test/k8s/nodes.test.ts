import test from 'ava';
import { nodeJson } from '../helpers/fake-kube-objects.js';
import { attach, fakeFor, until } from './harness.js';

test('nodes are reported with their InternalIP and ExternalIP as management IPs and their pod CIDR', async (t) => {
  const fake = await fakeFor(t);
  fake.addNode(nodeJson({ name: 'node-a', internalIP: '192.168.16.1', externalIP: '203.0.113.1', podCIDR: '10.1.1.0/24' }));
  fake.addNode(nodeJson({ name: 'node-b', internalIP: '192.168.16.2', addresses: [{ type: 'InternalIP', address: 'fd00::2' }] }));
  const { source } = attach(t, fake);

  await source.synced();

  t.deepEqual(source.nodes().map(({ resourceVersion: _rv, ...n }) => n).sort((a, b) => a.name.localeCompare(b.name)), [
    { name: 'node-a', mgmtIPs: ['192.168.16.1', '203.0.113.1'], podCIDR: '10.1.1.0/24' },
    { name: 'node-b', mgmtIPs: ['192.168.16.2'], podCIDR: undefined },
  ]);
});

test('node address changes and deletions reach the handlers, other node changes do not', async (t) => {
  const fake = await fakeFor(t);
  fake.addNode(nodeJson({ name: 'node-b', internalIP: '192.168.16.2' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  fake.updateNode('node-b', (n) => { n.metadata['labels'] = { zone: 'z1' }; });
  fake.updateNode('node-b', (n) => { n.status['addresses'] = [{ type: 'InternalIP', address: '192.168.16.20' }]; });
  fake.addNode(nodeJson({ name: 'node-c', internalIP: '192.168.16.3' }));
  fake.deleteNode('node-b');
  await until(() => rig.events.length === 4, 'node events');

  t.deepEqual(rig.events, ['k8snode.added node-b', 'k8snode.updated node-b', 'k8snode.added node-c', 'k8snode.deleted node-b']);
  const updated = rig.raw[1];
  t.true(updated?.type === 'k8snode.updated' && updated.prev.mgmtIPs[0] === '192.168.16.2' && updated.node.mgmtIPs[0] === '192.168.16.20');
  t.deepEqual(rig.source.nodes().map((n) => n.name), ['node-c']);
});

test('a node deleted during an outage is deleted once the API server is back', async (t) => {
  const fake = await fakeFor(t);
  fake.addNode(nodeJson({ name: 'node-b', internalIP: '192.168.16.2' }));
  fake.addNode(nodeJson({ name: 'node-c', internalIP: '192.168.16.3' }));
  const rig = attach(t, fake);
  await rig.source.synced();
  await until(() => fake.openWatches === 2, 'both watches');

  await fake.stop();
  fake.deleteNode('node-b');
  fake.compact();
  await fake.start();
  await until(() => rig.events.includes('k8snode.deleted node-b'), 'the deletion');

  t.deepEqual(rig.source.nodes().map((n) => n.name), ['node-c']);
});

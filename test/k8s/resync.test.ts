import test from 'ava';
import { compileConfig } from '../../src/config/index.js';
import { NodeAddressing, rebuildAllocations } from '../../src/ipam/index.js';
import { podJson } from '../helpers/fake-kube-objects.js';
import { attach, fakeFor } from './harness.js';

test('live pods from the cluster drive the IPAM rebuild: stale allocations released, unknown ones adopted', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'kept', nodeName: 'node-a', ip: '10.1.1.2' }));
  fake.addPod(podJson({ name: 'unrecorded', nodeName: 'node-a', ip: '10.1.1.7' }));
  fake.addPod(podJson({ name: 'finished', nodeName: 'node-a', ip: '10.1.1.4', phase: 'Succeeded' }));
  fake.addPod(podJson({ name: 'elsewhere', nodeName: 'node-b', ip: '10.1.1.5' }));
  const { source } = attach(t, fake);
  await source.synced();
  const ipam = compileConfig({}, { hostname: 'node-a' }).config?.ipamConfig;
  if (ipam === undefined) throw new Error('the default config did not compile');
  const at = (name: string, ip: string) => ({ pod: { namespace: 'default', name }, ip, customIfIPs: {} });

  const result = rebuildAllocations(
    { allocations: [at('kept', '10.1.1.2'), at('deleted', '10.1.1.3'), at('finished', '10.1.1.4'), at('elsewhere', '10.1.1.5')] },
    source.livePods(),
    new NodeAddressing(ipam, 1),
  );

  t.deepEqual(result.pool.list().map((a) => `${a.pod.name}=${a.ip}`).sort(), ['kept=10.1.1.2', 'unrecorded=10.1.1.7']);
  t.deepEqual(result.released.map((a) => a.pod.name).sort(), ['deleted', 'elsewhere', 'finished']);
  t.deepEqual(result.adopted.map((a) => a.pod.name), ['unrecorded']);
});

/** HandlesEvent (spec §10.1) and the node state a running node answers GetNodeIP / StateToString from. */
import test from 'ava';
import { handlesEvent, nodeStateOf, type ControllerEvent, type LocalNodeInput } from '../../src/desired/index.js';
import { node1 } from './scenario.js';

const cases: ReadonlyArray<readonly [ControllerEvent, boolean]> = [
  [{ name: 'DBResync', isUpdate: false }, true],
  [{ name: 'HealingResync', isUpdate: false }, true],
  [{ name: 'NodeIPv4Change', isUpdate: false }, true],
  [{ name: 'ExternalConfigResync', isUpdate: false }, true],
  [{ name: 'AddPod', isUpdate: true }, true],
  [{ name: 'DeletePod', isUpdate: true }, true],
  [{ name: 'Shutdown', isUpdate: true }, true],
  [{ name: 'KubeStateChange', isUpdate: true, resource: 'pod' }, true],
  [{ name: 'KubeStateChange', isUpdate: true, resource: 'node' }, false],
  [{ name: 'KubeStateChange', isUpdate: true }, false],
  [{ name: 'NodeUpdate', isUpdate: true, nodeName: 'worker-2' }, true],
  [{ name: 'NodeUpdate', isUpdate: true, nodeName: 'worker-1' }, false],
  [{ name: 'NodeUpdate', isUpdate: true }, false],
  [{ name: 'ServiceChange', isUpdate: true }, false],
];
for (const [event, want] of cases) {
  const what = [event.name, event.resource, event.nodeName].filter(Boolean).join(' ');
  test(`on worker-1 HandlesEvent(${what}) is ${want}`, (t) => {
    t.is(handlesEvent(event, 'worker-1'), want);
  });
}

const local = (nodeIP: string | undefined, useDHCP = false): LocalNodeInput => ({
  addressing: { ...node1, nodeIP }, nicName: '', useDHCP, nicIPs: [], defaultGateway: undefined, hostIPs: ['10.20.0.11'], otherInterfaces: [],
});

test('the node state splits the node CIDR into the plain IP and its masked network', (t) => {
  t.deepEqual(nodeStateOf(local('192.168.16.10/24')), {
    useDHCP: false, watchingDHCP: false, nodeIP: '192.168.16.10', nodeIPNet: '192.168.16.0/24', hostIPs: ['10.20.0.11'],
  });
});

test('before a DHCP lease the node state has neither node IP nor network', (t) => {
  t.like(nodeStateOf(local(undefined, true)), { useDHCP: true, nodeIP: undefined, nodeIPNet: undefined });
});

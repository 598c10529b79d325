import test from 'ava';
import {
  NodeAddressing, PodIpPool, allocationsBody, dissectContivCIDR, ipamInfoBody,
} from '../../src/ipam/index.js';
import { defaultIpam, ipamConfig, pod } from './fixtures.js';

test('the ipam body has the spec fields in order and omits empty config fields', (t) => {
  const a = new NodeAddressing(defaultIpam, 1);
  const res = ipamInfoBody({ nodeId: 1, nodeName: 'n1', nodeIP: '192.168.16.1/24', addressing: a });
  t.is(res.status, 200);
  t.is(res.body, `{
  "nodeId": 1,
  "nodeName": "n1",
  "nodeIP": "192.168.16.1",
  "podSubnetThisNode": "10.1.1.0/24",
  "vppHostNetwork": "172.30.1.0/24",
  "config": {
    "serviceCIDR": "10.96.0.0/12",
    "podSubnetCIDR": "10.1.0.0/16",
    "podSubnetOneNodePrefixLen": 24,
    "vppHostSubnetCIDR": "172.30.0.0/16",
    "vppHostSubnetOneNodePrefixLen": 24,
    "nodeInterconnectCIDR": "192.168.16.0/24",
    "vxlanCIDR": "192.168.30.0/24",
    "srv6": {}
  }
}
`);
});

test('an unknown node IP answers 500 with the spec JSON string', (t) => {
  const res = ipamInfoBody({ nodeId: 1, nodeName: 'n1', nodeIP: undefined, addressing: new NodeAddressing(defaultIpam, 1) });
  t.deepEqual(res, { status: 500, body: '"Error getting node IP"\n' });
});

test('the config object reflects ContivCIDR dissection, DHCP and the file gateway', (t) => {
  const nets = dissectContivCIDR('10.128.0.0/14', { nodeInterconnectDHCP: true });
  const cfg = ipamConfig({ ...nets, contivCIDR: '10.128.0.0/14', nodeInterconnectDHCP: true, defaultGateway: '10.130.0.254', useExternalIPAM: false });
  const res = ipamInfoBody({ nodeId: 2, nodeName: 'n2', nodeIP: '10.130.0.2', addressing: new NodeAddressing(cfg, 2) });
  const body = JSON.parse(res.body) as { config: Record<string, unknown>; podSubnetThisNode: string };
  t.is(body.podSubnetThisNode, '10.128.1.0/25');
  t.deepEqual(Object.keys(body.config), [
    'contivCIDR', 'serviceCIDR', 'nodeInterconnectDHCP', 'podSubnetCIDR', 'podSubnetOneNodePrefixLen',
    'vppHostSubnetCIDR', 'vppHostSubnetOneNodePrefixLen', 'vxlanCIDR', 'defaultGateway', 'srv6',
  ]);
  t.is(body.config.podSubnetOneNodePrefixLen, 25);
  t.is(body.config.defaultGateway, '10.130.0.254');
});

test('the one-node prefix length comes from the actual subnet under external IPAM', (t) => {
  const a = new NodeAddressing(ipamConfig({ useExternalIPAM: true }), 1, { podCIDR: '10.1.64.0/26' });
  const body = JSON.parse(ipamInfoBody({ nodeId: 1, nodeName: 'n', nodeIP: '1.2.3.4', addressing: a }).body) as { config: Record<string, unknown> };
  t.is(body.config.useExternalIPAM, true);
  t.is(body.config.podSubnetOneNodePrefixLen, 26);
});

test('the allocations body lists pods with Go field names and null for nothing', (t) => {
  t.is(allocationsBody([]).body, '{\n  "Pods": null\n}\n');
  const p = new PodIpPool(new NodeAddressing(defaultIpam, 1).podCidr);
  p.allocate(pod('web', 'shop'));
  p.allocate(pod('db', 'shop'));
  p.allocateCustomIf(pod('db', 'shop'), 'memif1', 'blue');
  t.deepEqual(JSON.parse(allocationsBody(p.list()).body), {
    Pods: [
      { PodID: { Name: 'db', Namespace: 'shop' }, MainIP: '10.1.1.3', CustomIfIPs: { 'memif1/blue': '10.1.1.4' } },
      { PodID: { Name: 'web', Namespace: 'shop' }, MainIP: '10.1.1.2', CustomIfIPs: null },
    ],
  });
});

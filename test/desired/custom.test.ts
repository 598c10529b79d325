/** Annotation-requested pod interfaces (spec ipnet-behaviour §9.1). */
import test from 'ava';
import {
  customIfItems, customIfOwner, desiredState, getPodByIf, ItemSet, linuxInterfaceKey, microserviceLabel, parseCustomIfs,
  plan, vppInterfaceKey,
} from '../../src/desired/index.js';
import { goldenInputs, modeConfig, node1, podA } from './scenario.js';

const config = modeConfig('tap', true);
const cid = podA.containerId;

const parseCases: { annotations: Record<string, string>; ifs: string[]; warnings: number }[] = [
  { annotations: { 'contivpp.io/custom-if': 'tap1/tap, mem1/memif/stub' }, ifs: ['mem1/memif/stub', 'tap1/tap/'], warnings: 0 },
  { annotations: { 'contivpp.io/custom-if-1': 'b/veth', 'contivpp.io/custom-if-2': 'a/tap/net1', other: 'x/tap' }, ifs: ['a/tap/net1', 'b/veth/'], warnings: 0 },
  { annotations: { 'contivpp.io/custom-if': 'lonely, bad/vxlan, ok/tap' }, ifs: ['ok/tap/'], warnings: 2 },
  { annotations: {}, ifs: [], warnings: 0 },
];
for (const c of parseCases) {
  test(`annotations ${JSON.stringify(c.annotations)} request [${c.ifs.join(', ')}]`, (t) => {
    const r = parseCustomIfs(c.annotations);
    t.deepEqual(r.ifs.map((i) => `${i.name}/${i.type}/${i.network}`), c.ifs);
    t.is(r.warnings.length, c.warnings);
  });
}

test('the microservice label comes from the first matching annotation key', (t) => {
  t.is(microserviceLabel({ 'contivpp.io/microservice-label': 'vnf1' }), 'vnf1');
  t.is(microserviceLabel({ unrelated: 'x' }), '');
});

test('a custom TAP gets custom names, the pod-subnet mask, the pod host name X and a /32 VPP route', (t) => {
  const s = ItemSet.of(customIfItems(config, node1, podA, [{ name: 'tap1', type: 'tap', network: '', ip: '10.1.1.9' }]));
  const vpp = `vpp-tap-tap1-${cid}`.slice(0, 63);
  t.like(s.get(vppInterfaceKey(vpp))?.value, { type: 'TAP', vrf: 1, unnumbered: { interface_with_ip: 'podGwLoop' } });
  t.like(s.get(linuxInterfaceKey(`linux-tap-tap1-${cid}`.slice(0, 63)))?.value,
    { host_if_name: 'tap1', ip_addresses: ['10.1.1.9/24'], tap: { vpp_tap_if_name: vpp } });
  t.true(s.has('config/vpp/v2/route/vrf/1/dst/10.1.1.9/32/gw/10.1.1.9'));
  t.false([...s.keys()].some((k) => k.includes('/arp/')), 'no ARP entries for custom interfaces');
  t.true([...s.values()].every((i) => i.owner === customIfOwner('default', 'pod-a')));
});

test('a custom VETH builds the pair and an AF_PACKET on the host end', (t) => {
  const s = ItemSet.of(customIfItems(config, node1, podA, [{ name: 'v1', type: 'veth', network: '', ip: '10.1.1.10' }]));
  const host = `veth2-v1-${cid}`.slice(0, 63);
  t.like(s.get(linuxInterfaceKey(host))?.value, { host_if_name: `v1-${cid}`.slice(0, 15), veth: { peer_if_name: `veth1-v1-${cid}`.slice(0, 63) } });
  t.like(s.get(vppInterfaceKey(`afpacket${host}`.slice(0, 63)))?.value, { type: 'AF_PACKET', afpacket: { host_if_name: `v1-${cid}`.slice(0, 15) } });
});

test('a stub memif has no address, no unnumbered and no route; without DeviceManager info it is skipped', (t) => {
  const memif = { socket: '/run/vpp/memif-p.sock', secret: 's3', id: 0 };
  const s = ItemSet.of(customIfItems(config, node1, podA, [{ name: 'm1', type: 'memif', network: 'stub', ip: '10.1.1.11', memif }]));
  const name = `memif-m1-${cid}`.slice(0, 63);
  t.like(s.get(vppInterfaceKey(name))?.value,
    { type: 'MEMIF', vrf: 1, memif: { master: true, mode: 'ETHERNET', socket_filename: '/run/vpp/memif-p.sock', secret: 's3', id: 0 } });
  t.is((s.get(vppInterfaceKey(name))?.value as { unnumbered?: unknown }).unnumbered, undefined);
  t.false([...s.keys()].some((k) => k.includes('/route/')));
  t.deepEqual(customIfItems(config, node1, podA, [{ name: 'm1', type: 'memif', network: '' }]), []);
});

test('custom interfaces plan without pending next to the pod and are not indexed by GetPodByIf', (t) => {
  const desired = desiredState(config, goldenInputs);
  const changed = desired.replaceOwner(customIfOwner('default', 'pod-a'),
    customIfItems(config, node1, podA, [{ name: 'tap1', type: 'tap', network: '', ip: '10.1.1.9' }]));
  t.true(changed.length > 0);
  t.deepEqual(plan(desired, new ItemSet()).pending, []);
  t.false(getPodByIf(desired, `vpp-tap-tap1-${cid}`.slice(0, 63)).exists);
});

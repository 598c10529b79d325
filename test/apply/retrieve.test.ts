import test from 'ava';
import { deepEqual, ItemSet, vppInterfaceKey, vppRouteKey, vppVrfTableKey } from '../../src/desired/index.js';
import { apply, planVpp, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { addDelAddress, createLoopback, routeAddDel, setAdminUp, setTag, NONE } from '../../src/vpp/api/index.js';
import { addressPrefixes, retrieve, vppBody } from '../../src/vpp/retrieve/index.js';
import { applyAll, linuxOf, NameIndex, podA, podB, rig, scenario } from './harness.js';

test('a fresh VPP holds nothing of ipnet: only table 0, marked as not ours, and a plan to an empty set deletes nothing', async (t) => {
  const { client } = await rig(t);
  const found = await retrieve(client);
  const body = vppBody(found.items);
  t.deepEqual(Object.keys(body.items), [vppVrfTableKey(0)]);
  t.is(body.items[vppVrfTableKey(0)]?.origin, 'sb');
  t.deepEqual(planVpp(new ItemSet(), found.items).ops, []);
});

test('untagged interfaces, their routes and VPP-made routes are not reported; a foreign tag is reported as not ours', async (t) => {
  const { client } = await rig(t);
  const plain = await createLoopback(client).index;
  await setAdminUp(client, plain, true);
  await addDelAddress(client, plain, '10.9.9.1/24', true);
  await routeAddDel(client, { table: 0, prefix: '10.50.0.0/16', paths: [{ swIfIndex: plain, tableId: 0, type: 0, nextHop: '10.9.9.2' }] }, true);
  const foreign = await createLoopback(client).index;
  await setTag(client, foreign, 'operator-loop', true);
  await routeAddDel(client, { table: 0, prefix: '10.60.0.0/16', paths: [{ swIfIndex: NONE, tableId: 0, type: 0, nextHop: '10.9.9.3' }] }, true);
  const found = await retrieve(client);
  const keys = [...found.items.keys()].sort();
  t.deepEqual(keys, [
    vppRouteKey(0, '10.60.0.0/16', '10.9.9.3'),
    vppInterfaceKey('operator-loop'),
    'vpp/interface/operator-loop/vrf/0/ip-version/v4',
    vppVrfTableKey(0),
  ].sort());
  t.is(found.items.get(vppInterfaceKey('operator-loop'))?.origin, 'sb');
  t.is(found.items.get('vpp/interface/operator-loop/vrf/0/ip-version/v4')?.origin, 'sb');
  // The recursive route is an API route in ipnet's FIB: it is reported and would be pruned.
  t.deepEqual(planVpp(new ItemSet(), found.items).ops.map((o) => `${o.op} ${o.key}`), [`delete ${vppRouteKey(0, '10.60.0.0/16', '10.9.9.3')}`]);
});

test('after a full apply every reported item is a desired key: connected, local, glean, special and adjacency routes are filtered', async (t) => {
  const { client } = await rig(t);
  const { desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const body = vppBody((await retrieve(client, { correlate: desired })).items, desired);
  t.deepEqual(Object.entries(body.items).filter(([, e]) => !e.desired).map(([k]) => k), []);
  t.is(body.count, [...desired].filter((i) => i.kind.startsWith('vpp-')).length);
});

test('an item VPP holds exactly as desired is reported as the desired item itself; one VPP holds otherwise is reported with VPP\'s value and planned', async (t) => {
  const { client } = await rig(t);
  const { desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const vppKeys = [...desired].filter((i) => i.kind.startsWith('vpp-')).map((i) => i.key);
  const found = await retrieve(client, { correlate: desired });
  const identical = vppKeys.filter((k) => found.items.get(k) === desired.get(k));
  // the rest carry what VPP filled in (a loopback's MAC, an MTU): VPP's value, which satisfies
  t.deepEqual(vppKeys.filter((k) => found.items.get(k) !== desired.get(k) && deepEqual(found.items.get(k)?.value, desired.get(k)?.value)), []);
  t.true(identical.length > vppKeys.length / 2, `${identical.length} of ${vppKeys.length}`);
  t.deepEqual(planVpp(desired, found.items, linuxOf(desired)).ops, []);
  // drift: an address of a tagged interface goes away behind the agent's back
  const withAddress = [...desired].find((i) => i.kind === 'vpp-interface' && i.value.ip_addresses.length > 0);
  if (withAddress?.kind !== 'vpp-interface') return t.fail('the scenario has no interface with an address');
  const name = withAddress.value.name;
  const swIfIndex = (await retrieve(client)).index.ifIndex(name);
  if (swIfIndex === undefined) return t.fail(`${name} not found`);
  await addDelAddress(client, swIfIndex, withAddress.value.ip_addresses[0] as string, false);
  const drifted = await retrieve(client, { correlate: desired });
  const seen = drifted.items.get(withAddress.key);
  t.not(seen, withAddress);
  t.deepEqual(seen?.kind === 'vpp-interface' ? seen.value.ip_addresses : undefined, withAddress.value.ip_addresses.slice(1));
  t.true(planVpp(desired, drifted.items, linuxOf(desired)).ops.some((o) => o.op === 'create' && o.key.includes(withAddress.value.ip_addresses[0] as string)));
});

const prefixCases: [string, string[]][] = [
  ['10.1.1.1/24', ['10.1.1.1/32', '10.1.1.0/24', '10.1.1.0/32', '10.1.1.255/32']],
  ['192.168.30.1/30', ['192.168.30.1/32', '192.168.30.0/30', '192.168.30.0/32', '192.168.30.3/32']],
  ['172.16.0.4/31', ['172.16.0.4/32', '172.16.0.4/31', '172.16.0.5/32']],
  ['10.0.0.7/32', ['10.0.0.7/32']],
];
for (const [cidr, want] of prefixCases) {
  test(`an interface address ${cidr} makes VPP own ${want.join(', ')}`, (t) => {
    t.deepEqual(addressPrefixes(cidr), want);
  });
}

test('a pod route twinning its neighbour adjacency on a leftover pod TAP is reported, so the resync leaves no route behind the deleted TAP', async (t) => {
  const { sim, client } = await rig(t);
  t.true((await applyAll(client, scenario('tap').desired, new ItemSet(), new NameIndex())).ok);
  // pod B's wiring is in VPP but no longer desired (an agent that crashed before recording it)
  const desired = scenario('tap', [podA]).desired;
  const found = await retrieve(client, { correlate: desired });
  const podRoute = [...found.items].find((i) => i.kind === 'vpp-route' && i.value.dst_network === `${podB.ip}/32`);
  t.truthy(podRoute, 'the pod route is reported');
  t.true((await apply(client, planVpp(desired, found.items, linuxOf(desired)).ops, found.index, { actual: found.items, tapHost: tapHostsFrom(desired) })).ok);
  const fibs = JSON.stringify(sim.dump().tables);
  t.false(fibs.includes(`"${podB.ip}/32"`), 'no route to pod B is left in any table');
  t.true(fibs.includes(`"${podA.ip}/32"`), 'pod A keeps its route');
});

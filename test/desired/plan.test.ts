/** The planner on the golden scenario: ordering, idempotence, removal, pending, modifications. */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  callsOf, desiredState, ItemSet, item, type Item, nodeItems, type Op, type Plan, plan, PlanCycleError, planDelta, podItems,
  podIfNames, podOwner, recordApplied, vppInterfaceKey, vppVrfTableKey,
} from '../../src/desired/index.js';
import { deploymentConfig, goldenInputs, local1, modeConfig, node1, peer, podA, podB } from './scenario.js';

const config = modeConfig('tap', true);
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** Deletes first; a created item's deps in the plan come in earlier steps; a deleted item's dependents too. */
function assertOrdered(t: ExecutionContext, p: Plan, desired: ItemSet, actual: ItemSet): void {
  const stepOf = new Map(p.ops.map((o) => [`${o.op === 'delete' ? 'd' : 'c'}:${o.key}`, o.step]));
  const lastDelete = Math.max(-1, ...p.ops.filter((o) => o.op === 'delete').map((o) => o.step));
  for (const o of p.ops) {
    if (o.op === 'delete') {
      for (const d of actual.dependents(o.key)) {
        const s = stepOf.get(`d:${d}`);
        if (s !== undefined) t.true(s < o.step, `${d} must be deleted before ${o.key}`);
      }
    } else {
      t.true(o.step > lastDelete, `${o.key} is created after every delete`);
      for (const dep of o.item.deps) {
        const s = stepOf.get(`c:${dep}`);
        if (s !== undefined) t.true(s < o.step, `${dep} must be created before ${o.key}`);
        else t.true(actual.has(dep) || desired.has(dep), `${o.key} depends on ${dep} which exists`);
      }
    }
  }
}

test('planning the golden state from empty creates every item once, dependencies first', (t) => {
  const desired = desiredState(config, goldenInputs);
  const p = plan(desired, new ItemSet());
  t.is(p.ops.length, desired.size);
  t.deepEqual(sorted(p.ops.map((o) => o.key)), sorted(desired.keys()));
  t.true(p.ops.every((o) => o.op === 'create'));
  t.deepEqual(p.pending, []);
  assertOrdered(t, p, desired, new ItemSet());
  // The VRF tables and the pod's VPP TAP come before its address-borrowing unnumbered setting.
  const step = (k: string): number => p.ops.find((o) => o.key === k)?.step ?? -1;
  t.is(step(vppVrfTableKey(1)), 0);
  t.true(step('vpp/interface/podGwLoop/address/static/10.1.1.1/24') < step(`vpp/interface/unnumbered/${podIfNames(podA.containerId, 'tap').vpp}`));
  t.true(p.steps >= 4);
});

for (const [mode, overlay] of [['tap', false], ['veth', true], ['veth', false]] as const) {
  test(`planning the ${mode} ${overlay ? 'overlay' : 'no-overlay'} state from empty respects every dependency`, (t) => {
    const desired = desiredState(modeConfig(mode, overlay), goldenInputs);
    const p = plan(desired, new ItemSet());
    t.is(p.ops.length, desired.size);
    t.deepEqual(p.pending, []);
    assertOrdered(t, p, desired, new ItemSet());
  });
}

test('planning a state against itself gives zero operations', (t) => {
  const desired = desiredState(config, goldenInputs);
  const actual = new ItemSet();
  recordApplied(actual, plan(desired, actual).ops);
  t.deepEqual(plan(desired, actual), { ops: [], pending: [], steps: 0 });
  t.deepEqual(plan(desired, desired.clone()).ops, []);
});

test('removing a pod deletes exactly its items, dependents first', (t) => {
  const actual = desiredState(config, goldenInputs);
  const desired = actual.clone();
  const podKeys = new Set(desired.ownedBy(podOwner(podA.namespace, podA.name)));
  const changed = desired.replaceOwner(podOwner(podA.namespace, podA.name), []);
  t.deepEqual(sorted(changed), sorted(podKeys));
  for (const p of [plan(desired, actual), planDelta(changed, desired, actual)]) {
    t.true(p.ops.every((o) => o.op === 'delete'));
    t.deepEqual(sorted(p.ops.map((o) => o.key)), sorted(podKeys));
    assertOrdered(t, p, desired, actual);
  }
  const p = plan(desired, actual);
  const step = (k: string): number => p.ops.find((o) => o.key === k)?.step ?? -1;
  const tap = vppInterfaceKey(`vpp-tap-${podA.containerId}`.slice(0, 63));
  t.true(step(`config/vpp/v2/route/vrf/1/dst/10.1.1.2/32/gw/10.1.1.2`) < step(tap));
  t.true(step(`config/linux/interfaces/v2/interface/${`linux-tap-${podA.containerId}`.slice(0, 63)}`) < step(tap));
});

test('items whose dependencies are neither desired nor present wait as pending, and are created once those appear', (t) => {
  const desired = ItemSet.of(podItems(config, node1, podA));
  const actual = new ItemSet();
  const p = plan(desired, actual);
  const pending = new Map(p.pending.map((x) => [x.key, x.missing]));
  t.deepEqual(pending.get(`config/vpp/v2/route/vrf/1/dst/10.1.1.2/32/gw/10.1.1.2`), [vppVrfTableKey(1)]);
  const unnumbered = [...pending.keys()].find((k) => k.startsWith('vpp/interface/unnumbered/'));
  t.truthy(unnumbered);
  t.true(pending.get(unnumbered as string)?.includes(vppInterfaceKey('podGwLoop')));
  // What does not need the node's items is created now: the loopback, the TAP pair, ARPs, pod routes.
  t.true(p.ops.some((o) => o.key === vppInterfaceKey(`vpp-tap-${podA.containerId}`.slice(0, 63))));
  t.false(p.ops.some((o) => pending.has(o.key)));
  recordApplied(actual, p.ops);

  const changed = desired.replaceOwner('node', nodeItems(config, local1));
  const q = planDelta(changed, desired, actual);
  t.deepEqual(q.pending, []);
  for (const k of pending.keys()) t.true(q.ops.some((o) => o.key === k && o.op === 'create'), `${k} is created`);
  assertOrdered(t, q, desired, actual);
  recordApplied(actual, q.ops);
  t.deepEqual(plan(desired, actual).ops, []);
});

test('adding one pod incrementally plans the same operations as a full plan', (t) => {
  const before = desiredState(config, { ...goldenInputs, pods: [podA] });
  const actual = before.clone();
  const desired = before.clone();
  const changed = desired.replaceOwner(podOwner(podB.namespace, podB.name), podItems(config, node1, podB));
  const delta = planDelta(changed, desired, actual);
  t.deepEqual(delta, plan(desired, actual));
  t.is(delta.ops.length, desired.ownedBy(podOwner(podB.namespace, podB.name)).size);
});

test('a changed VXLAN destination recreates the tunnel: its BD membership and FIB go first and come back after', (t) => {
  const actual = desiredState(config, goldenInputs);
  const moved = { ...peer(2), nodeIPs: ['192.168.16.22/24'] };
  const desired = desiredState(config, { ...goldenInputs, peers: [moved, peer(3)] });
  const p = plan(desired, actual);
  const at = (op: string, k: string): number => p.ops.find((o) => o.op === op && o.key === k)?.step ?? -1;
  const fib = 'config/vpp/l2/v2/fib/vxlanBD/mac/12:2b:00:00:00:02';
  const member = 'vpp/bd/vxlanBD/interface/vxlan2';
  const tunnel = vppInterfaceKey('vxlan2');
  t.true(at('delete', fib) < at('delete', member));
  t.true(at('delete', member) < at('delete', tunnel));
  t.true(at('delete', tunnel) < at('create', tunnel));
  t.true(at('create', tunnel) < at('create', member));
  t.true(at('create', member) < at('create', fib));
  t.is(p.ops.find((o) => o.key === tunnel && o.op === 'create')?.item.kind, 'vpp-interface');
  t.false(p.ops.some((o) => o.key.includes('vxlan3')), 'the other tunnel is untouched');
  assertOrdered(t, p, desired, actual);
});

test('an MTU change updates interfaces in place without touching their dependents', (t) => {
  const actual = desiredState(config, goldenInputs);
  const desired = desiredState(deploymentConfig({ mtuSize: 9000 }), goldenInputs);
  const p = plan(desired, actual);
  t.true(p.ops.length > 0);
  t.true(p.ops.every((o) => o.op === 'update'));
  t.true(p.ops.every((o) => o.kind === 'vpp-interface' || o.kind === 'linux-interface'));
  t.true(p.ops.every((o) => o.previous !== undefined && (o.previous.value as { mtu?: number }).mtu === 1450));
});

test('a changed address replaces only the derived address item, not the interface', (t) => {
  const actual = desiredState(config, goldenInputs);
  const desired = desiredState(config, { ...goldenInputs, local: { ...local1, nicIPs: ['192.168.16.50/24'] } });
  const p = plan(desired, actual);
  const summary = p.ops.filter((o) => o.key.startsWith('vpp/interface/GigabitEthernet')).map((o) => `${o.op} ${o.key}`);
  t.deepEqual(summary, [
    'delete vpp/interface/GigabitEthernet0/8/0/address/static/192.168.16.1/24',
    'create vpp/interface/GigabitEthernet0/8/0/address/static/192.168.16.50/24',
  ]);
  t.false(p.ops.some((o) => o.key === vppInterfaceKey('GigabitEthernet0/8/0')));
});

test('actual items ipnet does not own are never deleted', (t) => {
  const desired = desiredState(config, goldenInputs);
  const actual = desired.clone();
  const local0 = item('vpp-interface', vppInterfaceKey('local0'), { name: 'local0', type: 'DPDK', enabled: false, vrf: 0, ip_addresses: [] }, [], 'sb');
  const sbRoute = { ...item('vpp-route', 'config/vpp/v2/route/vrf/0/dst/224.0.0.0/4/gw/0.0.0.0', { type: 'DROP', vrf_id: 0, dst_network: '224.0.0.0/4', next_hop_addr: '0.0.0.0' }, [], 'sb'), origin: 'sb' as const };
  const staleTap = item('vpp-interface', vppInterfaceKey('vpp-tap-gone'), { name: 'vpp-tap-gone', type: 'TAP', enabled: true, vrf: 1, ip_addresses: [] }, [], 'pod/x/gone');
  for (const it of [local0, sbRoute, staleTap] as Item[]) actual.put(it);
  t.deepEqual(plan(desired, actual).ops.map((o) => `${o.op} ${o.key}`), [`delete ${vppInterfaceKey('vpp-tap-gone')}`]);
});

test('a dependency cycle is reported as a builder bug', (t) => {
  const a = item('vpp-arp', 'a', { interface: 'x', ip_address: '1.1.1.1', phys_address: '02:00:00:00:00:01', static: true }, ['b'], 'test');
  const b = item('vpp-arp', 'b', { interface: 'x', ip_address: '1.1.1.2', phys_address: '02:00:00:00:00:02', static: true }, ['a'], 'test');
  const err = t.throws(() => plan(ItemSet.of([a, b]), new ItemSet()), { instanceOf: PlanCycleError });
  t.regex(err?.message ?? '', /failed to plan: dependency cycle through/);
});

test('deleting a pod marks the values VPP drops with its interface, and names the calls for the rest', (t) => {
  const actual = desiredState(config, goldenInputs);
  const desired = actual.clone();
  const changed = desired.replaceOwner(podOwner(podA.namespace, podA.name), []);
  const p = planDelta(changed, desired, actual);
  const tap = podIfNames(podA.containerId, 'tap').vpp;
  const implied = p.ops.filter((o) => o.withBase).map((o) => o.key).sort();
  t.deepEqual(implied, [`vpp/interface/${tap}/vrf/1/ip-version/v4`, `vpp/interface/unnumbered/${tap}`].sort());
  const byKey = new Map(p.ops.map((o) => [o.key, o]));
  t.deepEqual(callsOf(byKey.get(vppInterfaceKey(tap)) as Op), ['tap_delete_v2']);
  t.deepEqual(callsOf(byKey.get(`vpp/interface/unnumbered/${tap}`) as Op), []);
  t.deepEqual(callsOf(byKey.get(`config/vpp/v2/arp/${tap}/10.1.1.2`) as Op), ['ip_neighbor_add_del']);
  const create = plan(actual, new ItemSet()).ops.find((o) => o.key === vppInterfaceKey(tap)) as Op;
  t.is(callsOf(create)[0], 'tap_create_v3');
});

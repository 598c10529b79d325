// One pod's transaction without copying the node: the delta plan over filtered views equals
// the full plan over copies, and an in-place apply records into the caller's set only once
// every op succeeded.
import test from 'ava';
import { ItemSet, podItems, podOwner, recordApplied } from '../../src/desired/index.js';
import { apply, linuxItemsOf, planVpp, planVppDelta, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { retrieve } from '../../src/vpp/retrieve/retrieve.js';
import { local1 } from '../desired/scenario.js';
import { applyAll, linuxOf, NameIndex, podA, podB, rig, scenario } from './harness.js';

const opsOf = (ops: readonly { op: string; key: string; step: number }[]) => ops.map((o) => `${o.step} ${o.op} ${o.key}`);

for (const mode of ['tap', 'veth'] as const) {
  test(`in ${mode} mode, a pod's delta plan over views of the sets equals the full plan over copies, for its add and its removal`, (t) => {
    const { config, desired } = scenario(mode, [podB]);
    const actual = new ItemSet();
    recordApplied(actual, planVpp(desired, actual, linuxOf(desired)).ops);
    const owner = podOwner(podA.namespace, podA.name);

    const added = desired.replaceOwner(owner, podItems(config, local1.addressing, podA));
    const full = planVpp(desired, actual, linuxOf(desired));
    const delta = planVppDelta(added, desired, actual, linuxItemsOf(desired));
    t.true(full.ops.length > 0);
    t.deepEqual(opsOf(delta.ops), opsOf(full.ops));
    t.deepEqual(delta.pending, full.pending);

    recordApplied(actual, delta.ops);
    const removed = desired.replaceOwner(owner, []);
    const fullBack = planVpp(desired, actual, linuxOf(desired));
    t.true(fullBack.ops.every((o) => o.op === 'delete') && fullBack.ops.length > 0);
    t.deepEqual(opsOf(planVppDelta(removed, desired, actual, linuxItemsOf(desired)).ops), opsOf(fullBack.ops));
  });
}

test('a TAP\'s host-side name and netns are found from the Linux item that depends on it, and a TAP without one gets none', (t) => {
  const { desired } = scenario('tap', [podA]);
  const tapItem = [...desired].find((i) => i.kind === 'linux-interface' && i.value.tap !== undefined && i.value.namespace?.reference === podA.netns);
  if (tapItem?.kind !== 'linux-interface' || tapItem.value.tap === undefined) return t.fail('pod A has no TAP_TO_VPP item');
  const hint = tapHostsFrom(desired)(tapItem.value.tap.vpp_tap_if_name);
  t.deepEqual(hint, { hostIfName: 'eth0', namespace: podA.netns });
  t.is(tapHostsFrom(desired)('no-such-tap'), undefined);
});

test('an in-place apply records into the caller\'s actual set on success and leaves it untouched when VPP refuses a call', async (t) => {
  const { sim, client } = await rig(t);
  const base = scenario('tap', [podB]).desired;
  t.true((await applyAll(client, base, new ItemSet(), new NameIndex())).ok);
  const found = await retrieve(client, { correlate: base });
  const withA = scenario('tap').desired;
  const ops = planVpp(withA, found.items, linuxOf(withA)).ops;
  const before = JSON.stringify(found.items);

  sim.failMessage('ip_route_add_del', -6, 1);
  const refused = await apply(client, ops, found.index, { actual: found.items, inPlace: true, tapHost: tapHostsFrom(withA) });
  t.false(refused.ok);
  t.is(JSON.stringify(found.items), before);

  const done = await apply(client, ops, found.index, { actual: found.items, inPlace: true, tapHost: tapHostsFrom(withA) });
  t.true(done.ok);
  if (!done.ok) return;
  t.is(done.actual, found.items);
  t.deepEqual(planVpp(withA, found.items, linuxOf(withA)).ops, []);
  t.deepEqual(planVpp(withA, (await retrieve(client, { correlate: withA })).items, linuxOf(withA)).ops, []);
});

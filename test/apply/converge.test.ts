import test from 'ava';
import { descriptors, ItemSet, type Descriptor, type ItemKind } from '../../src/desired/index.js';
import { planVpp } from '../../src/vpp/apply/index.js';
import { retrieve } from '../../src/vpp/retrieve/retrieve.js';
import { applyAll, linuxOf, NameIndex, rig, scenario } from './harness.js';

for (const mode of ['tap', 'veth'] as const) {
  for (const overlay of [true, false]) {
    test(`applying the full ${mode} ${overlay ? 'overlay' : 'no-overlay'} desired set to a fresh VPP, then retrieving and planning, yields zero operations`, async (t) => {
      const { sim, client } = await rig(t);
      const { desired } = scenario(mode, undefined, overlay);
      const r = await applyAll(client, desired, new ItemSet(), new NameIndex());
      if (!r.ok) t.fail(`apply failed: ${r.error.message}; ${JSON.stringify(r.outcomes.filter((o) => o.status === 'failed'))}`);
      t.true(r.ok);
      const got = await retrieve(client, { correlate: desired });
      const p = planVpp(desired, got.items, linuxOf(desired));
      t.deepEqual(p.ops.map((o) => `${o.op} ${o.key}`), []);
      t.deepEqual(p.pending, []);
      t.true(sim.stats.handled > 0);
    });
  }
}

test('apply pipelines independent ops and uses only the messages the descriptors list for them', async (t) => {
  const { sim, client } = await rig(t);
  const { desired } = scenario('tap');
  const p = planVpp(desired, new ItemSet(), linuxOf(desired));
  const allowed = new Set<string>();
  for (const o of p.ops) {
    const d = descriptors[o.kind] as Descriptor<ItemKind>;
    for (const name of d.calls(o.item.value as never)[o.op]) allowed.add(name);
  }
  const from = sim.callLog.length;
  const r = await applyAll(client, desired, new ItemSet(), new NameIndex());
  t.true(r.ok);
  const used = new Set(sim.callLog.slice(from).map((c) => c.name).filter((n) => !n.endsWith('_dump') && n !== 'control_ping'));
  t.deepEqual([...used].filter((n) => !allowed.has(n)), []);
  t.true(client.stats.maxInFlight > 1, `max in flight ${client.stats.maxInFlight}`);
});

test('a TAP is created with its host end named and placed as its Linux TAP_TO_VPP item says', async (t) => {
  const { sim, client } = await rig(t);
  const { desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const taps = (sim.dump().interfaces as { tag: string; tap: { hostIfName: string; hostNamespace: string; hostMtuSize: number } | null }[])
    .filter((i) => i.tap !== null).map((i) => ({ tag: i.tag, ...i.tap }));
  t.like(taps.find((i) => i.tag === 'tap-vpp2'), { hostIfName: 'vpp1', hostNamespace: '', hostMtuSize: 1450 });
  t.like(taps.find((i) => i.tag.startsWith('vpp-tap-3f5a')), { hostIfName: 'eth0', hostNamespace: '/var/run/netns/cni-a', hostMtuSize: 1450 });
  t.like(taps.find((i) => i.tag.startsWith('vpp-tap-9b8a')), { hostIfName: 'eth0', hostNamespace: '/proc/4242/ns/net' });
});

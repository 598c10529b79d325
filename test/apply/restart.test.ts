import test from 'ava';
import { ItemSet, vppInterfaceKey } from '../../src/desired/index.js';
import { apply, planVpp, resyncVpp } from '../../src/vpp/apply/index.js';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { retrieve } from '../../src/vpp/retrieve/index.js';
import { applyAll, linuxOf, NameIndex, podA, podB, rig, scenario } from './harness.js';

for (const mode of ['tap', 'veth'] as const) {
  test(`after an agent restart (${mode}), a new client with an empty index recognises everything the previous one created`, async (t) => {
    const { sim, endpoint, client } = await rig(t);
    const { desired } = scenario(mode);
    const index = new NameIndex();
    t.true((await applyAll(client, desired, new ItemSet(), index)).ok);
    await client.close();

    const again = await BridgeClient.connect(endpoint, { timeoutMs: 3000 });
    t.teardown(() => again.close());
    const found = await retrieve(again, { correlate: desired });
    t.deepEqual(found.index.toJSON(), index.toJSON());
    const p = planVpp(desired, found.items, linuxOf(desired));
    t.deepEqual(p.ops.map((o) => `${o.op} ${o.key}`), []);

    // The rebuilt index is good for real work: take pod A away.
    const withoutA = scenario(mode, [podB]).desired;
    const r = await apply(again, planVpp(withoutA, found.items, linuxOf(withoutA)).ops, found.index, { actual: found.items });
    t.true(r.ok);
    const after = await retrieve(again, { correlate: withoutA });
    t.deepEqual(planVpp(withoutA, after.items, linuxOf(withoutA)).ops, []);
    const podAVpp = mode === 'tap' ? `vpp-tap-${podA.containerId}`.slice(0, 63) : `afpacketveth2-${podA.containerId}`.slice(0, 63);
    t.false(after.items.has(vppInterfaceKey(podAVpp)));
    t.false(JSON.stringify(sim.dump()).includes(podAVpp));
  });
}

test('retrieving without the desired set leaves out only what VPP cannot tell apart, and re-adding that changes nothing in VPP', async (t) => {
  const { sim, client } = await rig(t);
  const { desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const before = sim.dump();
  const found = await retrieve(client);
  const p = planVpp(desired, found.items, linuxOf(desired));
  // The neighbour-table setting has no read-back, a pod's /32 route equals its ARP adjacency,
  // and VPP keeps no label for table 0.
  t.deepEqual(p.ops.map((o) => `${o.op} ${o.kind}`).sort(), ['create vpp-ipscanneigh', 'create vpp-route', 'create vpp-route', 'update vpp-vrf-table']);
  t.true(p.ops.filter((o) => o.kind === 'vpp-route').every((o) => o.item.owner.startsWith('pod/')));
  const r = await apply(client, p.ops, found.index);
  t.true(r.ok);
  t.deepEqual(sim.dump(), before);
});

test('a resync brings a fresh VPP to the desired set and a second resync finds nothing to do', async (t) => {
  const { client } = await rig(t);
  const { desired } = scenario('veth');
  const first = await resyncVpp(client, desired, { linux: linuxOf(desired), vppRestarted: true });
  t.true(first.result.ok);
  t.true(first.plan.ops.length > 50);
  const second = await resyncVpp(client, desired, { linux: linuxOf(desired) });
  t.true(second.result.ok);
  t.deepEqual(second.plan.ops, []);
  t.is(second.found.items.size, first.plan.ops.length);
});

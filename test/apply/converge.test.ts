import test from 'ava';
import { ItemSet } from '../../src/desired/index.js';
import { planVpp } from '../../src/vpp/apply/index.js';
import { retrieve } from '../../src/vpp/retrieve/retrieve.js';
import { applyAll, linuxOf, NameIndex, rig, scenario } from './harness.js';

for (const mode of ['tap', 'veth'] as const) {
  test(`applying the full ${mode} desired set to a fresh VPP, then retrieving and planning, yields zero operations`, async (t) => {
    const { sim, client } = await rig(t);
    const { desired } = scenario(mode);
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

import test from 'ava';
import { desiredState, ItemSet } from '../../src/desired/index.js';
import { goldenInputs, modeConfig } from '../desired/scenario.js';
import { apply, planVpp, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { VppRetvalError } from '../../src/vpp/bridge/errors.js';
import { retrieve } from '../../src/vpp/retrieve/retrieve.js';
import { applyAll, linuxOf, NameIndex, podB, rig, scenario } from './harness.js';

/** Node, peers and pod B in VPP; returns what pod A's add transaction needs. */
async function withPodB(t: Parameters<typeof rig>[0], mode: 'tap' | 'veth') {
  const r = await rig(t);
  const base = scenario(mode, [podB]).desired;
  const first = await applyAll(r.client, base, new ItemSet(), new NameIndex());
  t.true(first.ok);
  const found = await retrieve(r.client, { correlate: base });
  const withA = scenario(mode).desired;
  const tx = planVpp(withA, found.items, linuxOf(withA)).ops;
  return { ...r, base, withA, found, tx, tapHost: tapHostsFrom(withA) };
}

for (const mode of ['tap', 'veth'] as const) {
  test(`in ${mode} mode, failing any single call of a pod's add transaction leaves VPP and the name index exactly as before and returns VPP's error`, async (t) => {
    t.timeout(40_000);
    const { sim, client, found, tx, tapHost } = await withPodB(t, mode);
    const before = sim.dump();
    const indexBefore = JSON.stringify(found.index);
    const c0 = sim.calls;
    const ok = await apply(client, tx, found.index, { actual: found.items, tapHost });
    t.true(ok.ok);
    const calls = sim.calls - c0;
    t.true(calls >= tx.length, `expected at least one call per op, got ${calls} for ${tx.length} ops`);
    // Removing the pod again brings VPP back to the pod-B-only state.
    const back = planVpp(scenario(mode, [podB]).desired, ok.ok ? ok.actual : found.items);
    const undone = await apply(client, back.ops, found.index);
    t.true(undone.ok);
    t.deepEqual(sim.dump(), before);
    const retvals = [-1, -7, -105];
    for (let k = 1; k <= calls; k++) {
      const retval = retvals[k % retvals.length] as number;
      sim.failCall(sim.calls + k, retval);
      const r = await apply(client, tx, found.index, { actual: found.items, tapHost });
      sim.clearFaults();
      if (r.ok) {
        t.fail(`call ${k} was injected to fail but the transaction succeeded`);
        continue;
      }
      t.true(r.error instanceof VppRetvalError, `call ${k}: ${r.error.message}`);
      t.is((r.error as VppRetvalError).retval, retval);
      t.deepEqual(r.revertErrors.map((e) => e.message), [], `call ${k}`);
      t.deepEqual(sim.dump(), before, `VPP differs after failing call ${k}`);
      t.is(JSON.stringify(found.index), indexBefore, `index differs after failing call ${k}`);
      const failed = r.outcomes.filter((o) => o.status === 'failed');
      t.is(failed.length, 1, `call ${k}`);
      t.regex(failed[0]?.error ?? '', /^failed to (create|update|delete) \S+: failed to /);
      t.false(r.outcomes.some((o) => o.status === 'done'), `call ${k}`);
    }
  });
}

test('an op this layer cannot realise fails the transaction with a worded error and reverts what went before', async (t) => {
  const { sim, client, found, withA, tx, tapHost } = await withPodB(t, 'tap');
  const before = sim.dump();
  const linuxItem = [...withA].find((i) => i.kind === 'linux-route');
  if (linuxItem === undefined) return t.fail('scenario has no Linux route');
  const last = tx[tx.length - 1];
  const bad = [...tx, { step: (last?.step ?? 0) + 1, op: 'create' as const, key: linuxItem.key, kind: linuxItem.kind, item: linuxItem }];
  const r = await apply(client, bad, found.index, { actual: found.items, tapHost });
  t.false(r.ok);
  if (r.ok) return;
  t.regex(r.error.message, /failed to create config\/linux\/l3\/v2\/route\/.*: Linux items are applied by the Linux layer/);
  t.is(r.outcomes.filter((o) => o.status === 'reverted').length, tx.length);
  t.deepEqual(sim.dump(), before);
});

test('a physical NIC VPP does not have fails the node transaction by name and leaves a fresh VPP untouched', async (t) => {
  const { sim, client } = await rig(t);
  const before = sim.dump();
  const config = modeConfig('tap', true);
  const desired = desiredState(config, { ...goldenInputs, pods: [] });
  const r = await apply(client, planVpp(desired, new ItemSet(), linuxOf(desired)).ops, new NameIndex(), { tapHost: tapHostsFrom(desired) });
  t.false(r.ok);
  if (r.ok) return;
  t.is(r.error.message, 'failed to resolve interface GigabitEthernet0/8/0: VPP has no interface with this tag or name');
  t.true(r.outcomes.some((o) => o.status === 'reverted'));
  t.deepEqual(sim.dump(), before);
});

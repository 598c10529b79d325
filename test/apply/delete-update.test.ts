import test from 'ava';
import { ItemSet, vppArpKey, vppInterfaceKey, type Item } from '../../src/desired/index.js';
import { apply, planVpp } from '../../src/vpp/apply/index.js';
import { VppRetvalError } from '../../src/vpp/bridge/errors.js';
import { retrieve } from '../../src/vpp/retrieve/index.js';
import { peer } from '../desired/scenario.js';
import { applyAll, inputs, linuxOf, NameIndex, rig, scenario } from './harness.js';
import { desiredState } from '../../src/desired/index.js';

/**
 * The snapshot minus the MACs VPP generates for VXLAN tunnels: a re-created tunnel gets a new
 * random one and VPP refuses to set a tunnel's MAC (−9), so no revert can bring it back.
 */
function withoutTunnelMacs(snap: Record<string, unknown>): unknown {
  const ifs = (snap.interfaces as Record<string, unknown>[]).map((i) => (i.devType === 'VXLAN' ? { ...i, mac: 'generated' } : i));
  return { ...snap, interfaces: ifs };
}

test('removing a peer deletes its tunnel, membership, FIB entry, ARP and routes; failing any call of that re-creates them', async (t) => {
  t.timeout(40_000);
  const { sim, client } = await rig(t);
  const { config, desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const found = await retrieve(client, { correlate: desired });
  const without3 = desiredState(config, { ...inputs(), peers: [peer(2)] });
  const tx = planVpp(without3, found.items).ops;
  t.true(tx.every((o) => o.op === 'delete' && o.item.owner === 'peer/3'));
  t.true(tx.some((o) => o.key === vppInterfaceKey('vxlan3')));
  const before = sim.dump();
  const c0 = sim.calls;
  const ok = await apply(client, tx, found.index, { actual: found.items });
  t.true(ok.ok);
  const calls = sim.calls - c0;
  const gone = await retrieve(client, { correlate: without3 });
  t.deepEqual(planVpp(without3, gone.items).ops, []);
  // Put peer 3 back so every failing variant starts from the same VPP.
  t.true((await apply(client, planVpp(desired, gone.items).ops, gone.index, { actual: gone.items })).ok);
  t.deepEqual(withoutTunnelMacs(sim.dump()), withoutTunnelMacs(before));
  const again = await retrieve(client, { correlate: desired });
  for (let k = 1; k <= calls; k++) {
    sim.failCall(sim.calls + k, -6);
    const r = await apply(client, tx, again.index, { actual: again.items });
    sim.clearFaults();
    t.false(r.ok, `call ${k}`);
    if (r.ok) continue;
    t.true(r.error instanceof VppRetvalError);
    t.deepEqual(r.revertErrors.map((e) => e.message), [], `call ${k}`);
    t.deepEqual(withoutTunnelMacs(sim.dump()), withoutTunnelMacs(before), `VPP differs after failing call ${k}`);
    const now = await retrieve(client, { correlate: desired });
    t.deepEqual(planVpp(desired, now.items).ops, [], `ops left after failing call ${k}`);
    t.deepEqual(now.index.toJSON(), again.index.toJSON(), `index after failing call ${k}`);
  }
});

/** The desired set with one item's value replaced (same key, same deps). */
function changed(set: ItemSet, key: string, edit: (v: Record<string, unknown>) => Record<string, unknown>): ItemSet {
  const out = set.clone();
  const it = out.get(key) as Item;
  out.put({ ...it, value: edit(it.value as unknown as Record<string, unknown>) } as unknown as Item);
  return out;
}

const updates: [string, string, (v: Record<string, unknown>) => Record<string, unknown>][] = [
  ['an interface taken down', vppInterfaceKey('podGwLoop'), (v) => ({ ...v, enabled: false })],
  ['an interface with a new MTU and MAC', vppInterfaceKey('tap-vpp2'), (v) => ({ ...v, mtu: 1400, phys_address: '34:3c:00:00:00:99' })],
  ['a static ARP entry with a new MAC', vppArpKey('vxlanBVI', '192.168.30.2'), (v) => ({ ...v, phys_address: '12:2b:00:00:00:77' })],
];
for (const [what, key, edit] of updates) {
  test(`${what} is updated in place, converges to zero ops, and a failed update leaves VPP as before`, async (t) => {
    const { sim, client } = await rig(t);
    const { desired } = scenario('tap');
    t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
    const found = await retrieve(client, { correlate: desired });
    const next = changed(desired, key, edit);
    const tx = planVpp(next, found.items, linuxOf(next)).ops;
    t.deepEqual(tx.map((o) => `${o.op} ${o.key}`), [`update ${key}`]);
    const before = sim.dump();
    sim.failCall(sim.calls + tx.length + 1, -1);
    const failing = await apply(client, [...tx, { ...(tx[0] as typeof tx[number]), step: 1, op: 'create', key: vppArpKey('podGwLoop', '10.1.1.200'), kind: 'vpp-arp', item: { key: vppArpKey('podGwLoop', '10.1.1.200'), kind: 'vpp-arp', value: { interface: 'podGwLoop', ip_address: '10.1.1.200', phys_address: '02:00:00:00:00:01', static: true }, deps: [], owner: 'node' } }], found.index, { actual: found.items });
    sim.clearFaults();
    t.false(failing.ok);
    t.deepEqual(sim.dump(), before);
    const r = await apply(client, tx, found.index, { actual: found.items });
    t.true(r.ok);
    const after = await retrieve(client, { correlate: next });
    t.deepEqual(planVpp(next, after.items, linuxOf(next)).ops.map((o) => `${o.op} ${o.key}`), []);
  });
}

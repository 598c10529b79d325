import test from 'ava';
import { ItemSet, vppArp, vppArpKey, podOwner } from '../../src/desired/index.js';
import { apply, planVpp, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { desiredBody, retrieve, vppBody } from '../../src/vpp/retrieve/index.js';
import { applyAll, linuxOf, NameIndex, podA, podB, rig, scenario } from './harness.js';

test('the desired body tells applied, failed (with the worded error), pending (with what is missing) and unapplied items apart', async (t) => {
  const { sim, client } = await rig(t);
  const base = scenario('tap', [podB]).desired;
  t.true((await applyAll(client, base, new ItemSet(), new NameIndex())).ok);
  const found = await retrieve(client, { correlate: base });

  const desired = scenario('tap', [podA, podB]).desired;
  const ghost = vppArp({ interface: 'vpp-tap-ghost', ip_address: '10.1.1.99', phys_address: '02:fe:00:00:00:99', static: true }, podOwner('default', 'ghost'));
  desired.put(ghost);
  const p = planVpp(desired, found.items, linuxOf(desired));
  sim.failMessage('sw_interface_set_unnumbered', -74, 1);
  const r = await apply(client, p.ops, found.index, { actual: found.items, tapHost: tapHostsFrom(desired) });
  t.false(r.ok);

  const body = desiredBody(desired, found.items, { pending: p.pending, outcomes: r.outcomes });
  const unnumberedKey = `vpp/interface/unnumbered/vpp-tap-${podA.containerId}`.slice(0, 'vpp/interface/unnumbered/'.length + 63);
  t.is(body.items[unnumberedKey]?.state, 'failed');
  t.regex(body.items[unnumberedKey]?.error ?? '', /^failed to create vpp\/interface\/unnumbered\/.*: failed to set interface \d+ unnumbered to \d+: failed to call sw_interface_set_unnumbered: VPP returned -74/);
  t.deepEqual(body.items[vppArpKey('vpp-tap-ghost', '10.1.1.99')], {
    kind: 'vpp-arp', owner: 'pod/default/ghost', value: ghost.value, deps: ghost.deps, state: 'pending', missing: ['config/vpp/v2/interfaces/vpp-tap-ghost'],
  });
  t.is(body.items['config/vpp/v2/interfaces/podGwLoop']?.state, 'applied');
  t.is(body.items[`config/vpp/v2/interfaces/vpp-tap-${podA.containerId}`.slice(0, 'config/vpp/v2/interfaces/'.length + 63)]?.state, 'unapplied');
  // Linux items are never in VPP: they stay unapplied in a VPP-only view.
  t.is(body.items[`config/linux/interfaces/v2/interface/linux-loop-${podB.containerId}`.slice(0, 'config/linux/interfaces/v2/interface/'.length + 63)]?.state, 'unapplied');
  const total = Object.values(body.counts).reduce((a, b) => a + b, 0);
  t.is(total, desired.size);
  t.is(body.counts.failed, 1);
  t.is(body.counts.pending, 1);
  t.deepEqual(Object.keys(body.items), [...desired.keys()].sort());
  t.notThrows(() => JSON.parse(JSON.stringify(body)));
});

test('the VPP body lists what retrieve found under the desired keys, marking foreign and undesired items', async (t) => {
  const { client } = await rig(t);
  const { desired } = scenario('tap');
  t.true((await applyAll(client, desired, new ItemSet(), new NameIndex())).ok);
  const fewer = scenario('tap', [podB]).desired;
  const body = vppBody((await retrieve(client, { correlate: fewer })).items, fewer);
  const tapA = `config/vpp/v2/interfaces/vpp-tap-${podA.containerId}`.slice(0, 'config/vpp/v2/interfaces/'.length + 63);
  t.like(body.items[tapA], { kind: 'vpp-interface', owner: 'vpp', desired: false });
  t.like(body.items['config/vpp/v2/interfaces/podGwLoop'], { owner: 'node', desired: true, value: { name: 'podGwLoop', type: 'SOFTWARE_LOOPBACK', enabled: true, vrf: 1, ip_addresses: ['10.1.1.1/24'] } });
  t.is(body.items['config/vpp/v2/vrf-table/id/0/protocol/IPV4']?.origin, undefined);
  t.is(body.count, Object.keys(body.items).length);
});

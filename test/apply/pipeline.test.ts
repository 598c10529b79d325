import test from 'ava';
import { ItemSet } from '../../src/desired/index.js';
import type { VppChannel, VppMsg } from '../../src/vpp/api/channel.js';
import { apply, planVpp, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { VppRetvalError } from '../../src/vpp/bridge/errors.js';
import { retrieve } from '../../src/vpp/retrieve/retrieve.js';
import type { BridgeClient } from '../../src/vpp/bridge/client.js';
import { connectClient } from '../bridge/harness.js';
import { applyAll, linuxOf, NameIndex, podB, rig, scenario } from './harness.js';

/**
 * A pass-through channel that counts flights: a call sent while none of the transaction's
 * calls is awaiting its reply starts a new round trip the transaction has to wait for. With
 * `standIns`, it passes on the client's stand-ins for new interfaces (and its gathering).
 */
function flightCounter(ch: BridgeClient, standIns = false): VppChannel & { readonly flights: number; readonly calls: number } {
  let outstanding = 0;
  let flights = 0;
  let calls = 0;
  const track = <T>(p: () => Promise<T>): Promise<T> => {
    if (outstanding === 0) flights++;
    outstanding++;
    calls++;
    return p().finally(() => void outstanding--);
  };
  const counted = {
    request: (name: string, body?: VppMsg) => track(() => ch.request(name, body)),
    dump: (name: string, body?: VppMsg) => track(() => ch.dump(name, body)),
    get flights() { return flights; },
    get calls() { return calls; },
  };
  if (!standIns) return counted;
  return Object.assign(counted, {
    gather: () => ch.gather(),
    requestIndexed: (name: string, body: VppMsg, field: string) => {
      let standIn: number | undefined;
      const reply = track(() => {
        const r = ch.requestIndexed(name, body, field);
        standIn = r.standIn;
        return r.reply;
      });
      return { standIn, reply };
    },
  });
}

/** Node, peers and pod B in VPP; pod A's add transaction, sent through a fresh client. */
async function podAddRig(t: Parameters<typeof rig>[0], mode: 'tap' | 'veth') {
  const r = await rig(t);
  const base = scenario(mode, [podB]).desired;
  t.true((await applyAll(r.client, base, new ItemSet(), new NameIndex())).ok);
  const found = await retrieve(r.client, { correlate: base });
  const withA = scenario(mode).desired;
  const tx = planVpp(withA, found.items, linuxOf(withA)).ops;
  // a client of its own, so its in-flight high-water mark and its calls in the log are this transaction's
  const client = await connectClient(t, r.endpoint);
  await client.ping();
  const conn = r.sim.callLog.at(-1)?.conn;
  return { ...r, base, found, tx, client, conn, tapHost: tapHostsFrom(withA) };
}

const sequentialOrder = {
  tap: ['tap_create_v3'],
  veth: ['af_packet_create_v3', 'sw_interface_tag_add_del'],
};
const afterCreate = ['hw_interface_set_mtu', 'sw_interface_set_flags', 'ip_neighbor_add_del', 'ip_route_add_del', 'sw_interface_set_table', 'sw_interface_set_unnumbered'];

for (const mode of ['tap', 'veth'] as const) {
  test(`in ${mode} mode, through a channel without stand-ins, one pod's add waits for two round trips (the create, then everything else) and VPP runs its calls in dependency order`, async (t) => {
    const { sim, server, client, conn, found, tx, tapHost, base } = await podAddRig(t, mode);
    const before = sim.dump();
    const seq0 = sim.callLog.at(-1)?.seq ?? 0;
    const ch = flightCounter(client);
    const messages0 = server.stats.messagesIn;
    const r = await apply(ch, tx, found.index, { actual: found.items, tapHost });
    t.true(r.ok);
    // each flight is one ZeroMQ message: the new interface's settings leave with the next step's calls
    t.is(server.stats.messagesIn - messages0, 2);
    const sent = sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping');
    t.deepEqual(sent.map((c) => c.name), [...sequentialOrder[mode], ...afterCreate]);
    t.true(sent.every((c) => c.retval === 0));
    t.is(ch.calls, sent.length);
    t.is(ch.flights, 2, `${ch.calls} calls in ${ch.flights} flights`);
    // everything after the create was awaiting its reply at once
    t.true(client.stats.maxInFlight >= sent.length - 1, `maxInFlight=${client.stats.maxInFlight}`);
    t.notDeepEqual(sim.dump(), before);
    if (!r.ok) return;
    const back = await apply(ch, planVpp(base, r.actual).ops, found.index);
    t.true(back.ok);
    t.deepEqual(sim.dump(), before);
  });
}

test('a call failing in the middle of a flight: the calls sent behind it ran in VPP and are taken back, last first', async (t) => {
  const { sim, client, conn, found, tx, tapHost } = await podAddRig(t, 'tap');
  const before = sim.dump();
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  // call 2 of the transaction is the MTU, the first of the second flight
  sim.failCall(sim.calls + 2, -7);
  const r = await apply(client, tx, found.index, { actual: found.items, tapHost });
  sim.clearFaults();
  t.false(r.ok);
  if (r.ok) return;
  t.true(r.error instanceof VppRetvalError);
  t.is((r.error as VppRetvalError).retval, -7);
  const log = sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping');
  const names = log.map((c) => c.name);
  // all of the second flight ran (the failing MTU included), then the inverses in reverse order
  t.deepEqual(names.slice(0, 7), ['tap_create_v3', ...afterCreate]);
  t.deepEqual(log.slice(0, 7).map((c) => c.retval), [0, -7, 0, 0, 0, 0, 0]);
  t.deepEqual(names.slice(7), ['sw_interface_set_unnumbered', 'sw_interface_set_table', 'ip_route_add_del', 'ip_neighbor_add_del', 'tap_delete_v2']);
  t.deepEqual(log.slice(7).map((c) => c.args['is_add'] ?? c.args['vrf_id'] ?? 'del'), [false, 0, false, false, 'del']);
  // reported as a one-by-one run would: the ops of later steps were never its to start
  t.deepEqual(r.outcomes.map((o) => o.status), ['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
  t.deepEqual(sim.dump(), before);
});

test('a pod removal deletes its TAP only once every call before the delete succeeded, so a failure never leaves a re-created TAP behind', async (t) => {
  const { sim, client, conn, found, tx, tapHost, base } = await podAddRig(t, 'tap');
  const added = await apply(client, tx, found.index, { actual: found.items, tapHost });
  t.true(added.ok);
  if (!added.ok) return;
  const withPod = sim.dump();
  const del = planVpp(base, added.actual).ops;
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  sim.failCall(sim.calls + 1, -1);
  const r = await apply(client, del, found.index, { actual: added.actual });
  sim.clearFaults();
  t.false(r.ok);
  const names = sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping').map((c) => c.name);
  t.false(names.includes('tap_delete_v2'), names.join(' '));
  t.deepEqual(sim.dump(), withPod);
  const ch = flightCounter(client);
  const ok = await apply(ch, del, found.index, { actual: added.actual });
  t.true(ok.ok);
  t.is(ch.flights, 2, 'the successful removal: everything but the delete, then the delete');
});

for (const mode of ['tap', 'veth'] as const) {
  test(`in ${mode} mode, through a bridge that takes stand-ins, one pod's add is one message and one round trip, and VPP sees the new interface's real index in every call`, async (t) => {
    const { sim, server, client, conn, found, tx, tapHost, base } = await podAddRig(t, mode);
    const before = sim.dump();
    const seq0 = sim.callLog.at(-1)?.seq ?? 0;
    const ch = flightCounter(client, true);
    const messages0 = server.stats.messagesIn;
    const patched0 = server.stats.patchedFrames;
    const r = await apply(ch, tx, found.index, { actual: found.items, tapHost });
    t.true(r.ok);
    t.is(server.stats.messagesIn - messages0, 1);
    t.is(ch.flights, 1, `${ch.calls} calls in ${ch.flights} flights`);
    const sent = sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping');
    // the same calls in the same order as two round trips would send them
    t.deepEqual(sent.map((c) => c.name), [...sequentialOrder[mode], ...afterCreate]);
    t.true(sent.every((c) => c.retval === 0));
    t.is(server.stats.patchedFrames - patched0, sent.length - 1);
    const created = sim.state.interfaces.size - 1;
    const real = [...sim.state.interfaces.keys()].at(-1);
    t.true(created > 0 && real !== undefined);
    // the field naming the pod's interface: unnumbered names it as the borrower
    const named = sent.slice(1).map((c) => c.args['unnumbered_sw_if_index'] ?? c.args['sw_if_index']
      ?? (c.args['route'] as { paths: { sw_if_index: number }[] } | undefined)?.paths[0]?.sw_if_index
      ?? (c.args['neighbor'] as { sw_if_index: number } | undefined)?.sw_if_index);
    t.deepEqual(named, named.map(() => real));
    // the name index ends with the real index, both ways, not the stand-in
    const name = found.index.ifName(real as number);
    t.truthy(name);
    t.is(found.index.ifIndex(name as string), real);
    t.true(Object.values(found.index.toJSON().interfaces).every((i) => i < 0xfff00000));
    if (!r.ok) return;
    const back = await apply(ch, planVpp(base, r.actual).ops, found.index);
    t.true(back.ok);
    t.deepEqual(sim.dump(), before);
  });
}

test('through a bridge that takes stand-ins, a refused TAP create sends nothing after it to VPP, and the failed add leaves VPP and the name index as they were', async (t) => {
  const { sim, client, conn, found, tx, tapHost } = await podAddRig(t, 'tap');
  const before = sim.dump();
  const index0 = found.index.toJSON();
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  sim.failMessage('tap_create_v3', -1, 1);
  const r = await apply(client, tx, found.index, { actual: found.items, tapHost });
  sim.clearFaults();
  t.false(r.ok);
  if (r.ok) return;
  t.true(r.error instanceof VppRetvalError);
  const names = sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping').map((c) => c.name);
  t.deepEqual(names, ['tap_create_v3']);
  t.is(r.outcomes[0]?.status, 'failed');
  t.deepEqual(sim.dump(), before);
  t.deepEqual(found.index.toJSON(), index0);
});

test('through a bridge that takes stand-ins, an interface changed in place in a later step waits for the creates before it, so it never runs behind a refused one', async (t) => {
  const { sim, client, conn, found, tx, tapHost } = await podAddRig(t, 'tap');
  const create = tx.find((o) => o.op === 'create' && o.item.kind === 'vpp-interface');
  const loop = [...found.items].find((it) => it.kind === 'vpp-interface' && it.value.type === 'SOFTWARE_LOOPBACK' && found.index.ifIndex(it.value.name) !== undefined);
  if (create === undefined || loop === undefined || loop.kind !== 'vpp-interface') return t.fail('no TAP create or loopback in the scenario');
  const changed = { ...loop, value: { ...loop.value, mtu: 1400 } };
  const ops = [create, { step: create.step + 1, op: 'update' as const, key: loop.key, kind: loop.kind, item: changed, previous: loop }];
  const before = sim.dump();
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  sim.failMessage('tap_create_v3', -1, 1);
  const r = await apply(client, ops, found.index, { actual: found.items, tapHost });
  sim.clearFaults();
  t.false(r.ok);
  t.deepEqual(sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping').map((c) => c.name), ['tap_create_v3']);
  t.deepEqual(sim.dump(), before);
  // once the create succeeds, the change follows it
  const ok = await apply(client, ops, found.index, { actual: found.items, tapHost });
  t.true(ok.ok);
  t.deepEqual(sim.callLog.filter((c) => c.seq > seq0 && c.conn === conn && c.name !== 'control_ping').map((c) => c.name).slice(1, 3), ['tap_create_v3', 'hw_interface_set_mtu']);
});

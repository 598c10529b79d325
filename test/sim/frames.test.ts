import test from 'ava';
import { MEMCLNT_IDS, MessageTable, messageNames, nameCrc } from '../../src/vpp/binapi/index.js';
import { RV } from '../../src/vpp/sim/retval.js';
import { FrameClient } from './frame-client.js';
import { NONE, mac, newSim } from './helpers.js';

test('the handshake answers with every message the codec knows, under ids of the simulator\'s own (spec §2.11 item 2)', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim, false);
  const reply = await c.handshake(0xabcd);
  t.is(reply.context, 0xabcd);
  t.is(reply.response, 0);
  t.is(((reply.index as number) & 0x80000000) >>> 0, 0x80000000, 'socket clients get the top bit');
  t.is(reply.count, messageNames().length);
  t.is(c.table.idOf('control_ping'), MEMCLNT_IDS.control_ping);
  t.is(c.table.idOf('sockclnt_create_reply'), 16);
  const sequential = MessageTable.assign();
  const others = messageNames().filter((n) => !(n in MEMCLNT_IDS));
  const same = others.filter((n) => c.table.idOf(n) === sequential.idOf(n));
  t.true(same.length < others.length / 10, `ids must not be guessable; ${same.length} match a sequential numbering`);
  const ordered = others.map((n) => c.table.idOf(n));
  t.notDeepEqual(ordered, [...ordered].sort((a, b) => a - b), 'ids are not in registry order');
  const otherSim = await FrameClient.open(newSim({ seed: 7 }));
  t.not(otherSim.table.idOf('sw_interface_dump'), c.table.idOf('sw_interface_dump'));
  t.is(c.table.nameCrcOf(c.table.idOf('tap_create_v3')), nameCrc('tap_create_v3'));
});

test('a dump streams its details and control_ping_reply ends the stream with the simulator pid', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  await c.call('create_loopback', { mac_address: mac('00:00:00:00:00:00') });
  const got = await c.dump('sw_interface_dump', { sw_if_index: NONE }, 0x22);
  t.deepEqual(got.map((g) => g.name), ['sw_interface_details', 'sw_interface_details', 'control_ping_reply']);
  t.deepEqual(got.map((g) => g.msg.context), [0x22, 0x22, 0x22]);
  t.is(got[2]?.msg.vpe_pid, sim.pid);
  const none = await c.dump('sw_interface_dump', { sw_if_index: 40 });
  t.deepEqual(none.map((g) => g.name), ['control_ping_reply'], 'a filter that matches nothing still ends with the ping');
});

test('unknown ids, truncated messages and unknown client indexes get no reply; longer messages are accepted (spec §2.11 item 3)', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const unknown = Buffer.from([0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 1]);
  const full = c.frame('sw_interface_set_flags', { sw_if_index: 0, flags: 1 });
  const truncated = full.subarray(0, full.length - 2);
  const foreign = c.frame('control_ping', { client_index: 0x80000077 });
  c.send(unknown, truncated, foreign, Buffer.alloc(0), Buffer.from([1]));
  t.is(await c.quiet(), 0);
  t.like(sim.stats, { malformed: 4, unknownClient: 1 });
  c.send(Buffer.concat([c.frame('control_ping', {}, 3), Buffer.from([9, 9, 9])]));
  const [r] = await c.next(1);
  t.is(r?.name, 'control_ping_reply');
  t.is(r?.msg.context, 3);
});

test('interface events reach only subscribed clients, after the reply, batched per interface (spec §2.11 item 5)', async (t) => {
  const sim = newSim();
  const a = await FrameClient.open(sim);
  const b = await FrameClient.open(sim);
  t.is((await a.call('want_interface_events', { enable_disable: 1, pid: 4242 })).retval, 0);
  t.is((await a.call('want_interface_events', { enable_disable: 1, pid: 4242 })).retval, RV.INVALID_REGISTRATION);
  b.send(b.frame('create_loopback', { mac_address: mac('00:00:00:00:00:00') }));
  const [created] = await b.next(1);
  t.is(created?.name, 'create_loopback_reply');
  const sw = created?.msg.sw_if_index as number;
  const [ev1] = await a.next(1);
  t.deepEqual(ev1, { name: 'sw_interface_event', msg: { client_index: a.clientIndex, pid: 4242, sw_if_index: sw, flags: 0, deleted: false } });
  const got = await a.next(0);
  t.deepEqual(got, []);
  a.send(a.frame('sw_interface_set_flags', { sw_if_index: sw, flags: 1 }, 5));
  const [reply, ev2] = await a.next(2);
  t.is(reply?.name, 'sw_interface_set_flags_reply');
  t.like(ev2?.msg, { sw_if_index: sw, flags: 3, deleted: false });
  await a.call('delete_loopback', { sw_if_index: sw });
  const [ev3] = await a.next(1);
  t.like(ev3?.msg, { sw_if_index: sw, deleted: true });
  t.is(await b.quiet(), 0, 'the unsubscribed client got no events');
  t.is((await a.call('want_interface_events', { enable_disable: 0, pid: 4242 })).retval, 0);
  t.is((await a.call('want_interface_events', { enable_disable: 0, pid: 4242 })).retval, RV.INVALID_REGISTRATION);
});

test('failCall makes exactly the k-th call fail with the given retval and leaves state alone', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  sim.failCall(2, RV.UNSPECIFIED);
  const lo = () => c.call('create_loopback', { mac_address: mac('00:00:00:00:00:00') });
  t.is((await lo()).retval, 0);
  const second = await lo();
  t.is(second.retval, RV.UNSPECIFIED);
  t.is((await lo()).sw_if_index, 2);
  t.deepEqual(sim.callLog.map((r) => [r.name, r.retval, r.injected]), [
    ['create_loopback', 0, false], ['create_loopback', RV.UNSPECIFIED, true], ['create_loopback', 0, false],
  ]);
  sim.failMessage('sw_interface_set_flags', RV.INVALID_VALUE, 1);
  t.is((await c.call('sw_interface_set_flags', { sw_if_index: 1, flags: 1 })).retval, RV.INVALID_VALUE);
  t.is((await c.call('sw_interface_set_flags', { sw_if_index: 1, flags: 1 })).retval, 0);
  t.like(sim.callLog.at(-1)?.args, { sw_if_index: 1, flags: 1 });
});

test('onCall sees each handled request before its reply, and dropping the client there leaves the rest of its batch unhandled', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const seen: string[] = [];
  sim.onCall = (r) => {
    seen.push(`${r.name} ${r.retval}`);
    sim.dropConnection(r.conn);
  };
  const lo = (context: number) => c.frame('create_loopback', { mac_address: mac('00:00:00:00:00:00') }, context);
  c.send(lo(1), lo(2));
  t.deepEqual(seen, ['create_loopback 0']);
  t.is(c.closeReason?.kind, 'dropped');
  t.is(sim.stats.unknownClient, 1, 'the second frame came from a client VPP no longer knows');
  t.is([...sim.state.interfaces.values()].filter((i) => i.devType === 'Loopback').length, 1, 'only the first loopback exists');
});

test('restart loses all state, changes the pid and the ids, and closes sessions with "restart"', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const pid = sim.pid;
  const oldId = c.table.idOf('create_loopback');
  await c.call('create_loopback', { mac_address: mac('00:00:00:00:00:00') });
  await c.call('ip_table_add_del', { is_add: true, table: { table_id: 5, is_ip6: false, name: '' } });
  sim.restart();
  t.is(c.closeReason?.kind, 'restart');
  t.not(sim.pid, pid);
  const d = await FrameClient.open(sim);
  t.not(d.table.idOf('create_loopback'), oldId);
  const ifs = await d.dump('sw_interface_dump', { sw_if_index: NONE });
  t.deepEqual(ifs.map((g) => g.msg.interface_name ?? g.msg.vpe_pid), ['local0', sim.pid]);
  const tables = await d.dump('ip_table_dump');
  t.is(tables.length, 3, 'only the two tables 0 and the ping');
});

test('dropConnection ends a session with "dropped" and forgets its registration', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const other = await FrameClient.open(sim);
  sim.dropConnection((c.conn as unknown as { id: number }).id);
  t.is(c.closeReason?.kind, 'dropped');
  t.is(other.closeReason, undefined);
  other.send(other.frame('control_ping', { client_index: c.clientIndex }));
  t.is(await other.quiet(), 0, 'the dropped client index no longer resolves');
  t.is((await other.call('control_ping')).retval, 0);
});

test('setDelay holds replies back by the given time, in order', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  sim.setDelay(60);
  const start = Date.now();
  c.send(c.frame('control_ping', {}, 1), c.frame('show_version', {}, 2));
  const got = await c.next(2);
  t.true(Date.now() - start >= 55);
  t.deepEqual(got.map((g) => [g.name, g.msg.context]), [['control_ping_reply', 1], ['show_version_reply', 2]]);
  t.like(got[1]?.msg, { program: 'vpe', version: '24.02-release' });
});

test('a reply sent without delay never overtakes one still held back', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  sim.setDelay(40);
  c.send(c.frame('control_ping', {}, 1));
  sim.setDelay(0);
  c.send(c.frame('show_version', {}, 2));
  c.send(c.frame('control_ping', {}, 3));
  const got = await c.next(3);
  t.deepEqual(got.map((g) => g.msg.context), [1, 2, 3]);
  // with nothing held back any more, undelayed replies come out in order as well
  c.send(c.frame('control_ping', {}, 4), c.frame('show_version', {}, 5));
  t.deepEqual((await c.next(2)).map((g) => g.msg.context), [4, 5]);
});

test('sockclnt_delete frees the registration (response 1), after which its requests are ignored', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  c.send(c.frame('sockclnt_delete', { index: 0x80000999 }));
  t.is((await c.next(1))[0]?.msg.response, -1);
  c.send(c.frame('sockclnt_delete', { index: c.clientIndex }));
  t.is((await c.next(1))[0]?.msg.response, 1);
  c.send(c.frame('control_ping'));
  t.is(await c.quiet(), 0);
});

test('a stream of random garbage never crashes the simulator', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const rand = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + n * 31) & 255));
  for (let n = 0; n < 300; n++) {
    const f = rand(n % 120);
    if (f.length >= 2) f.writeUInt16BE(c.table.idOf('tap_create_v3') + (n % 3), 0);
    c.send(f);
  }
  t.is(sim.stats.internal, 0, sim.lastError);
  t.is((await c.call('control_ping')).vpe_pid, sim.pid);
});

test('silenceMessage swallows requests of that name without a reply, then answers again', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  sim.silenceMessage('show_version', 1);
  c.send(c.frame('show_version', {}, 1));
  t.is(await c.quiet(), 0);
  t.is(sim.stats.silenced, 1);
  t.is((await c.call('show_version')).retval, 0);
});

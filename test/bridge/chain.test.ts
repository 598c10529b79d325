import test from 'ava';
import { Dealer } from 'zeromq';
import { STAND_IN_MIN, encode, encodeWithId, MEMCLNT_IDS, MessageTable, decode } from '../../src/vpp/binapi/index.js';
import { encodeChainTable, parseChainTable } from '../../src/vpp/bridge/chain.js';
import { ControlCode, parseControl } from '../../src/vpp/bridge/contract.js';
import { DependencyFailedError, UnknownStandInError, VppRetvalError, VppTimeoutError } from '../../src/vpp/bridge/errors.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge, until } from './harness.js';

async function rig(t: Parameters<typeof startBridge>[0]) {
  const sim = new VppSimulator({ seed: 5 });
  t.teardown(() => sim.close());
  const server = await startBridge(t, sim);
  const client = await connectClient(t, server.endpoint);
  await client.ping();
  return { sim, server, client, seq0: sim.callLog.at(-1)?.seq ?? 0 };
}

/** What the simulator was sent after `seq0` (pings left out): name and the interface it named. */
function seen(sim: VppSimulator, seq0: number): { name: string; sw_if_index: unknown; retval: number | undefined }[] {
  return sim.callLog.filter((c) => c.seq > seq0 && c.name !== 'control_ping')
    .map((c) => ({ name: c.name, sw_if_index: c.args['sw_if_index'], retval: c.retval }));
}

async function flagsOf(client: Awaited<ReturnType<typeof rig>>['client'], swIfIndex: number): Promise<number | undefined> {
  const list = await client.dump('sw_interface_dump', { sw_if_index: swIfIndex, name_filter_valid: false });
  // bit 0 is admin up (a loopback's link comes up with it)
  return ((list[0]?.flags as number | undefined) ?? 0) & 1;
}

test('the table of a chained message reads back as written, and bad tables are refused with the reason', (t) => {
  const frames = [Buffer.alloc(20), Buffer.alloc(30)];
  const table = { sources: [{ frame: 0, replyId: 77, valueAt: 10, context: 0x01020304 }], patches: [{ frame: 1, at: 12, source: 0x01020304 }] };
  t.deepEqual(parseChainTable(encodeChainTable(table), frames), table);
  t.regex(parseChainTable(Buffer.alloc(13), frames) as string, /not whole 12-byte entries/);
  t.regex(parseChainTable(encodeChainTable({ sources: [], patches: [{ frame: 2, at: 12, source: 1 }] }), frames) as string, /names frame 2 of 2/);
  t.regex(parseChainTable(encodeChainTable({ sources: [], patches: [{ frame: 0, at: 18, source: 1 }] }), frames) as string, /writes bytes 18–21 of a 20-byte frame/);
  t.regex(parseChainTable(encodeChainTable({ sources: [], patches: [{ frame: 0, at: 0, source: 1 }] }), frames) as string, /writes bytes 0–3/);
  const badKind = encodeChainTable(table);
  badKind[0] = 9;
  t.regex(parseChainTable(badKind, frames) as string, /unknown kind 9/);
});

test('calls naming a new interface by its stand-in leave in one message with the create, and VPP sees the real index in each', async (t) => {
  const { sim, server, client, seq0 } = await rig(t);
  const in0 = server.stats.messagesIn;
  const patched0 = server.stats.patchedFrames;
  client.gather();
  const loop = client.requestIndexed('create_loopback', {}, 'sw_if_index');
  const standIn = loop.standIn as number;
  t.true(standIn >= STAND_IN_MIN && standIn < 0xffffffff, `stand-in ${standIn}`);
  const up = client.request('sw_interface_set_flags', { sw_if_index: standIn, flags: 1 });
  const addr = client.request('sw_interface_add_del_address', { sw_if_index: standIn, is_add: true, prefix: { address: { af: 0, un: { ip4: Buffer.from([10, 9, 0, 1]) } }, len: 24 } });
  const real = (await loop.reply).sw_if_index as number;
  await Promise.all([up, addr]);
  t.is(server.stats.messagesIn - in0, 1);
  t.is(server.stats.patchedFrames - patched0, 2);
  t.deepEqual(seen(sim, seq0), [
    { name: 'create_loopback', sw_if_index: undefined, retval: 0 },
    { name: 'sw_interface_set_flags', sw_if_index: real, retval: 0 },
    { name: 'sw_interface_add_del_address', sw_if_index: real, retval: 0 },
  ]);
  t.is(await flagsOf(client, real), 1);
  // once the reply is in, the client writes the index itself: nothing for the bridge to patch
  await client.request('sw_interface_set_flags', { sw_if_index: standIn, flags: 0 });
  t.is(server.stats.patchedFrames - patched0, 2);
  t.is(await flagsOf(client, real), 0);
});

test('when VPP refuses the create, the calls naming its stand-in fail as not sent and never reach VPP; the others in the message run', async (t) => {
  const { sim, client, seq0 } = await rig(t);
  sim.failMessage('create_loopback', -31, 1);
  client.gather();
  const loop = client.requestIndexed('create_loopback', {}, 'sw_if_index');
  const standIn = loop.standIn as number;
  const up = client.request('sw_interface_set_flags', { sw_if_index: standIn, flags: 1 });
  const other = client.request('create_loopback', {});
  await t.throwsAsync(loop.reply, { instanceOf: VppRetvalError });
  const err = await t.throwsAsync(up, { instanceOf: DependencyFailedError });
  t.regex(err?.message ?? '', /sw_interface_set_flags: not sent, the create of the interface it names failed/);
  t.true((err?.cause as Error) instanceof VppRetvalError);
  t.is(typeof (await other).sw_if_index, 'number');
  // a call made later with the failed stand-in is refused without being sent
  await t.throwsAsync(client.request('sw_interface_set_flags', { sw_if_index: standIn, flags: 1 }), { instanceOf: DependencyFailedError });
  t.deepEqual(seen(sim, seq0).map((c) => `${c.name} ${c.retval}`), ['create_loopback -31', 'create_loopback 0']);
});

test('a call sent in a later message while the create is still unanswered is held by the bridge until the reply, then patched', async (t) => {
  const { sim, server, client, seq0 } = await rig(t);
  sim.setDelay(60);
  const loop = client.requestIndexed('create_loopback', {}, 'sw_if_index');
  const standIn = loop.standIn as number;
  // a later turn: a message of its own, and VPP has not answered the create yet
  await new Promise((r) => setTimeout(r, 10));
  const patched0 = server.stats.patchedFrames;
  const mtu = client.request('hw_interface_set_mtu', { sw_if_index: standIn, mtu: 1400 });
  const real = (await loop.reply).sw_if_index as number;
  await mtu;
  sim.setDelay(0);
  t.is(server.stats.patchedFrames - patched0, 1);
  t.deepEqual(seen(sim, seq0).map((c) => [c.name, c.sw_if_index]), [['create_loopback', undefined], ['hw_interface_set_mtu', real]]);
});

test('an unknown stand-in is refused at the client, and a chained message the bridge cannot parse is dropped with a Malformed notice', async (t) => {
  const { sim, server, client, seq0 } = await rig(t);
  const err = await t.throwsAsync(client.request('sw_interface_set_flags', { sw_if_index: STAND_IN_MIN + 12345, flags: 1 }), { instanceOf: UnknownStandInError });
  t.regex(err?.message ?? '', /stand-in index 4293931065 is not one this connection has pending or remembers/);
  // a raw client: a bad table, then a patch naming a context the bridge never saw
  const raw = new Dealer({ linger: 0 });
  t.teardown(() => raw.close());
  raw.connect(server.endpoint);
  const got: Buffer[][] = [];
  void (async () => {
    try {
      for await (const m of raw) got.push(m);
    } catch {
      // closed
    }
  })();
  await raw.send(encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 1, name: 'raw' }));
  let table: MessageTable | undefined;
  let index = 0;
  await until(() => got.some((m) => m.some((f) => {
    if (f.length < 10 || f.readUInt16BE(0) !== MEMCLNT_IDS.sockclnt_create_reply) return false;
    const r = decode(MessageTable.bootstrap(), f);
    if (!r.ok) return false;
    table = MessageTable.fromEntries(r.msg.message_table as { index: number; name: string }[]);
    index = r.msg.index as number;
    return true;
  })), 'sockclnt_create_reply');
  t.true(got.some((m) => parseControl(m)?.code === ControlCode.Features && parseControl(m)?.detail === 'chain'), 'the bridge announced chains first');
  const tbl = table as MessageTable;
  const flags = encode(tbl, 'sw_interface_set_flags', { client_index: index, context: 5, sw_if_index: STAND_IN_MIN, flags: 1 });
  const malformed0 = server.stats.malformedFrames;
  await raw.send([Buffer.alloc(0), Buffer.from([ControlCode.Chain]), Buffer.alloc(7), flags]);
  await raw.send([Buffer.alloc(0), Buffer.from([ControlCode.Chain]), encodeChainTable({ sources: [], patches: [{ frame: 0, at: 10, source: 999 }] }), flags]);
  await until(() => got.filter((m) => parseControl(m)?.code === ControlCode.Malformed).length === 2, 'two Malformed notices');
  const notices = got.map((m) => parseControl(m)).filter((c) => c?.code === ControlCode.Malformed).map((c) => c?.detail);
  t.regex(notices[0] ?? '', /chained message of 1 frame\(s\): chain table of 7 bytes/);
  t.regex(notices[1] ?? '', /dropped 1 chained frame\(s\) naming a call the bridge does not know/);
  t.is(server.stats.malformedFrames - malformed0, 2);
  t.deepEqual(seen(sim, seq0).filter((c) => c.name === 'sw_interface_set_flags'), []);
  // a client starting over on its session is told again what the bridge does
  await raw.send(encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 2, name: 'raw' }));
  await until(() => got.filter((m) => parseControl(m)?.code === ControlCode.Features).length === 2, 'a second Features notice');
  // the session lives on
  const ping = encode(tbl, 'control_ping', { client_index: index, context: 6 });
  await raw.send(ping);
  const pingReply = tbl.idOf('control_ping_reply');
  await until(() => got.some((m) => m.some((f) => f.length >= 6 && f.readUInt16BE(0) === pingReply && f.readUInt32BE(2) === 6)), 'control_ping_reply');
  t.is(await client.ping(), sim.pid);
});

test('a create the client stopped waiting for still lends its index to the calls sent behind it when VPP answers late, as the bridge runs them', async (t) => {
  const { sim, client, seq0 } = await rig(t);
  sim.setDelay(80);
  client.gather();
  const loop = client.requestIndexed('create_loopback', {}, 'sw_if_index', { timeoutMs: 20 });
  const up = client.request('sw_interface_set_flags', { sw_if_index: loop.standIn as number, flags: 1 }, { timeoutMs: 2000 });
  await t.throwsAsync(loop.reply, { instanceOf: VppTimeoutError });
  // the bridge writes the index in once the late reply is in, so the call runs and its answer counts
  t.is((await up).retval, 0);
  sim.setDelay(0);
  const ran = seen(sim, seq0);
  t.deepEqual(ran.map((c) => c.name), ['create_loopback', 'sw_interface_set_flags']);
  t.is(await flagsOf(client, ran[1]?.sw_if_index as number), 1);
  // a call made after the timeout was never sent: it fails at once, saying why
  const late = await t.throwsAsync(client.request('sw_interface_set_flags', { sw_if_index: loop.standIn as number, flags: 0 }), { instanceOf: DependencyFailedError });
  t.regex(late?.message ?? '', /not sent, the create of the interface it names failed: .*no reply within 20 ms/);
});

test('with one frame per ZeroMQ message every call behind the create goes in a message of its own, and each gets the real index', async (t) => {
  const sim = new VppSimulator({ seed: 6 });
  t.teardown(() => sim.close());
  const server = await startBridge(t, sim);
  const client = await connectClient(t, server.endpoint, { maxBatch: 1 });
  await client.ping();
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  const in0 = server.stats.messagesIn;
  client.gather();
  const loop = client.requestIndexed('create_loopback', {}, 'sw_if_index');
  const calls = [
    client.request('sw_interface_set_flags', { sw_if_index: loop.standIn as number, flags: 1 }),
    client.request('hw_interface_set_mtu', { sw_if_index: loop.standIn as number, mtu: 1450 }),
  ];
  const real = (await loop.reply).sw_if_index;
  await Promise.all(calls);
  t.is(server.stats.messagesIn - in0, 3);
  t.deepEqual(seen(sim, seq0).map((c) => c.sw_if_index), [undefined, real, real]);
});

import test from 'ava';
import { Dealer } from 'zeromq';
import { MEMCLNT_IDS, MessageTable } from '../../src/vpp/binapi/table.js';
import { decode, encode, encodeWithId } from '../../src/vpp/binapi/wire.js';
import { ControlCode, parseControl } from '../../src/vpp/bridge/contract.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge, until } from './harness.js';

/** Small seeded PRNG (mulberry32) so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A raw DEALER that collects everything the bridge sends it. */
function rawDealer(endpoint: string): { sock: Dealer; got: Buffer[][]; done: Promise<void> } {
  const sock = new Dealer({ linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
  sock.connect(endpoint);
  const got: Buffer[][] = [];
  const done = (async () => {
    try {
      for await (const m of sock) got.push(m);
    } catch {
      // closed
    }
  })();
  return { sock, got, done };
}

/** Registers over a raw socket; returns the client index and table. */
async function handshake(d: ReturnType<typeof rawDealer>, context: number): Promise<{ index: number; table: MessageTable }> {
  await d.sock.send(encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context, name: 'fuzz' }));
  let found: { index: number; table: MessageTable } | undefined;
  await until(() => {
    for (const m of d.got) for (const f of m) {
      if (f.length >= 10 && f.readUInt16BE(0) === MEMCLNT_IDS.sockclnt_create_reply && f.readUInt32BE(6) === context) {
        const r = decode(MessageTable.bootstrap(), f);
        if (r.ok) found = { index: r.msg.index as number, table: MessageTable.fromEntries(r.msg.message_table as { index: number; name: string }[]) };
      }
    }
    return found !== undefined;
  }, 'sockclnt_create_reply', 5000);
  return found as { index: number; table: MessageTable };
}

test('10,000 random and mutated frames do not crash the bridge, and it still answers control_ping on old and new connections', async (t) => {
  const sim = new VppSimulator({ seed: 99 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const fuzzer = rawDealer(bridge.endpoint);
  const stranger = rawDealer(bridge.endpoint);
  t.teardown(() => {
    fuzzer.sock.close();
    stranger.sock.close();
  });
  const { index, table } = await handshake(fuzzer, 0x1234);

  const rnd = prng(20261129);
  const int = (n: number): number => Math.floor(rnd() * n);
  const hdr = { client_index: index, context: 7 };
  const seeds: Buffer[] = [
    encode(table, 'control_ping', hdr),
    encode(table, 'create_loopback', { ...hdr, mac_address: [2, 0, 0, 0, 0, 1] }),
    encode(table, 'sw_interface_dump', { ...hdr, sw_if_index: 0xffffffff }),
    encode(table, 'sw_interface_add_del_address', { ...hdr, sw_if_index: 1, is_add: true, prefix: { address: { af: 0, un: { ip4: [10, 0, 0, 1] } }, len: 24 } }),
    encode(table, 'ip_address_dump', { ...hdr, sw_if_index: 1 }),
    encode(table, 'want_interface_events', { ...hdr, enable_disable: 1, pid: 5 }),
    encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 9, name: 'x' }),
  ];
  const randomFrame = (): Buffer => {
    const b = Buffer.alloc(int(120));
    for (let i = 0; i < b.length; i++) b[i] = int(256);
    return b;
  };
  const mutate = (): Buffer => {
    const base = Buffer.from(seeds[int(seeds.length)] as Buffer);
    switch (int(5)) {
      case 0: // flip a few bytes anywhere, the id included
        for (let k = 0; k < 1 + int(4); k++) base[int(base.length)] = int(256);
        return base;
      case 1: // truncate
        return base.subarray(0, int(base.length));
      case 2: // extend with junk
        return Buffer.concat([base, randomFrame()]);
      case 3: // another known id with this body
        base.writeUInt16BE(1 + int(table.size + 40), 0);
        return base;
      default: // a huge count or length field
        if (base.length >= 14) base.writeUInt32BE(0xffffffff, base.length - 4);
        return base;
    }
  };

  let sent = 0;
  while (sent < 10_000) {
    const n = Math.min(10_000 - sent, 1 + int(16));
    const frames = Array.from({ length: n }, () => (rnd() < 0.4 ? randomFrame() : mutate()));
    const target = rnd() < 0.85 ? fuzzer : stranger;
    await target.sock.send(frames);
    sent += n;
  }

  // The same connection: register again (fuzz may have deleted the registration) and ping.
  const again = await handshake(fuzzer, 0x4321);
  await fuzzer.sock.send(encode(again.table, 'control_ping', { client_index: again.index, context: 0xbeef }));
  const pingId = again.table.idOf('control_ping_reply');
  await until(() => fuzzer.got.some((m) => m.some((f) => f.length >= 6 && f.readUInt16BE(0) === pingId && f.readUInt32BE(2) === 0xbeef)),
    'control_ping_reply on the fuzzed connection', 10000);
  // A fresh client.
  const fresh = await connectClient(t, bridge.endpoint);
  t.is(await fresh.ping(), sim.pid);

  t.true(bridge.stats.malformedFrames > 0, 'short frames were refused at the bridge');
  t.true(sim.stats.malformed + sim.stats.unhandled + sim.stats.unknownClient > 0, 'other frames reached the simulator');
  const controls = [...fuzzer.got, ...stranger.got].map((m) => parseControl(m)?.code).filter((c) => c !== undefined);
  t.true(controls.includes(ControlCode.Malformed));
  const lone = rawDealer(bridge.endpoint);
  t.teardown(() => lone.sock.close());
  await lone.sock.send(Buffer.from(seeds[0] as Buffer));
  await until(() => lone.got.some((m) => parseControl(m)?.code === ControlCode.NoSession), 'NoSession for traffic without a session');
  t.pass('traffic without a session is told so');
});

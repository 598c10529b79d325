import test from 'ava';
import type { CloseReason, VppBackend, VppConnection } from '../../src/vpp/backend.js';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { BridgeClosedError, ProtocolMismatchError, VppRetvalError, VppTimeoutError } from '../../src/vpp/bridge/errors.js';
import { BridgeServer } from '../../src/vpp/bridge/server.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, nextEvent, startBridge, tempDir, until } from './harness.js';

function sim(t: Parameters<typeof tempDir>[0], seed = 3): VppSimulator {
  const s = new VppSimulator({ seed });
  t.teardown(() => s.close());
  return s;
}

test('a call without a reply in time fails with a retryable VppTimeoutError and the late reply is ignored', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint);
  s.setDelay(200);
  const err = await t.throwsAsync(c.request('create_loopback', {}, { timeoutMs: 40 }), { instanceOf: VppTimeoutError });
  t.true(err?.retryable);
  t.regex(err?.message ?? '', /failed to call create_loopback: no reply within 40 ms/);
  s.setDelay(0);
  await new Promise((r) => setTimeout(r, 250));
  t.is(await c.ping(), s.pid);
  t.is(c.stats.inFlight, 0);
});

const retvals: [string, number, string][] = [
  ['create_loopback', -31, 'VNET_API_ERROR_INVALID_REGISTRATION'],
  ['sw_interface_set_flags', -2, 'VNET_API_ERROR_INVALID_SW_IF_INDEX'],
  ['sw_interface_add_del_address', -105, 'VNET_API_ERROR_ADDRESS_IN_USE'],
];
for (const [name, retval, retvalName] of retvals) {
  test(`the sim told to fail ${name} with ${retval} surfaces as a non-retryable VppRetvalError named ${retvalName}`, async (t) => {
    const s = sim(t);
    const c = await connectClient(t, (await startBridge(t, s)).endpoint);
    s.failMessage(name, retval, 1);
    const err = await t.throwsAsync(c.request(name, {}), { instanceOf: VppRetvalError });
    t.is(err?.retval, retval);
    t.is(err?.retvalName, retvalName);
    t.is(err?.messageName, name);
    t.false(err?.retryable);
    t.regex(err?.message ?? '', new RegExp(`failed to call ${name}: VPP returned ${retval} \\(${retvalName}\\)`));
  });
}

test('a real VPP error (address on local0) is a VppRetvalError too', async (t) => {
  const c = await connectClient(t, (await startBridge(t, sim(t))).endpoint);
  const err = await t.throwsAsync(c.request('sw_interface_add_del_address', {
    sw_if_index: 0, is_add: true, prefix: { address: { af: 0, un: { ip4: [10, 0, 0, 1] } }, len: 24 },
  }), { instanceOf: VppRetvalError });
  t.is(err?.retval, -126);
});

test('a message outside the codec is refused before sending with ProtocolMismatchError', async (t) => {
  const c = await connectClient(t, (await startBridge(t, sim(t))).endpoint);
  const err = await t.throwsAsync(c.request('no_such_message_v9', {}), { instanceOf: ProtocolMismatchError });
  t.false(err?.retryable);
  t.deepEqual(err?.missing, ['no_such_message_v9']);
});

test('a simulator restart is reported, in-flight calls fail retryably, and the client reconnects and works again', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint, { backoff: { initialMs: 10, maxMs: 50 } });
  const oldPid = await c.ping();
  const lo = await c.request('create_loopback', {});
  s.setDelay(100);
  const inflight = c.request('create_loopback', {});
  const restart = nextEvent(c, 'restart');
  const disconnected = nextEvent(c, 'disconnected');
  const connected = nextEvent(c, 'connected');
  s.restart();
  const e = await t.throwsAsync(inflight, { instanceOf: BridgeClosedError });
  t.true(e?.retryable);
  t.like(await restart, { previousPid: oldPid });
  t.regex((await disconnected as { reason: string }).reason, /restart/);
  await connected;
  s.setDelay(0);
  const newPid = await c.ping();
  t.is(newPid, s.pid);
  t.not(newPid, oldPid);
  const again = await c.request('create_loopback', {});
  t.is(again.sw_if_index, lo.sw_if_index, 'state was lost: the same index is handed out again');
});

test('a dropped backend connection reconnects without a restart event when the pid is unchanged', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint, { backoff: { initialMs: 10, maxMs: 50 } });
  const pid = await c.ping();
  let restarts = 0;
  c.on('restart', () => restarts++);
  const connected = nextEvent(c, 'connected');
  s.dropConnection();
  await connected;
  t.is(await c.ping(), pid);
  t.is(restarts, 0);
});

test('a bridge that goes away and comes back on the same endpoint is rejoined', async (t) => {
  const s = sim(t);
  const dir = await tempDir(t);
  const endpoint = `ipc://${dir}/bridge.sock`;
  const first = await BridgeServer.start({ listen: endpoint, backend: s });
  const c = await connectClient(t, endpoint, { backoff: { initialMs: 10, maxMs: 100 } });
  await c.ping();
  const disconnected = nextEvent(c, 'disconnected');
  await first.close();
  await disconnected;
  const connected = nextEvent(c, 'connected', 5000);
  const second = await BridgeServer.start({ listen: endpoint, backend: s });
  t.teardown(() => second.close());
  await connected;
  t.is(await c.ping(), s.pid);
});

test('a call in flight when the bridge goes away fails with BridgeClosedError, not at its deadline', async (t) => {
  const s = sim(t);
  const bridge = await startBridge(t, s);
  const c = await connectClient(t, bridge.endpoint, { backoff: { initialMs: 10, maxMs: 100 } });
  await c.ping();
  s.setDelay(20_000);
  const inflight = c.request('create_loopback', {}, { timeoutMs: 30_000 });
  await bridge.close();
  const err = await t.throwsAsync(inflight, { instanceOf: BridgeClosedError });
  t.is(err?.reason, 'bridge connection lost');
  t.false(c.connected);
});

/** Wraps a backend and records how many requests VPP holds unanswered at most. */
class OutstandingTap implements VppBackend {
  readonly kind = 'sim' as const;
  outstanding = 0;
  max = 0;
  constructor(private readonly inner: VppBackend, private readonly replyId: () => number) {}
  async connect(): Promise<VppConnection> {
    const conn = await this.inner.connect();
    const count = (n: number): void => {
      this.outstanding += n;
      this.max = Math.max(this.max, this.outstanding);
    };
    return {
      send: (frames) => {
        count(frames.filter((f) => f.readUInt16BE(0) !== 15).length);
        conn.send(frames);
      },
      onFrames: (l: (f: Buffer[]) => void) => {
        conn.onFrames((frames) => {
          count(-frames.filter((f) => f.readUInt16BE(0) === this.replyId()).length);
          l(frames);
        });
      },
      onClose: (l: (r: CloseReason) => void) => conn.onClose(l),
      close: () => conn.close(),
    };
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

test('pipelining keeps at most `window` calls at VPP and fills the window', async (t) => {
  const s = sim(t);
  const tap = new OutstandingTap(s, () => s.messageTable.idOf('control_ping_reply'));
  const c = await connectClient(t, (await startBridge(t, tap)).endpoint, { window: 4 });
  s.setDelay(5);
  const pids = await Promise.all(Array.from({ length: 40 }, () => c.ping()));
  t.deepEqual(new Set(pids), new Set([s.pid]));
  t.is(tap.max, 4);
  t.is(c.stats.maxInFlight, 4);
  t.is(tap.outstanding, 0);
});

test('calls issued in the same tick travel as one ZeroMQ message with one frame each', async (t) => {
  const bridge = await startBridge(t, sim(t));
  const c = await connectClient(t, bridge.endpoint);
  await c.ping();
  const before = { ...bridge.stats };
  const results = await c.callBatch([
    ...Array.from({ length: 20 }, () => ({ name: 'create_loopback' })),
    { name: 'sw_interface_dump', body: { sw_if_index: 0xffffffff }, dump: true },
  ]);
  t.true(results.every((r) => r.ok));
  t.is(bridge.stats.messagesIn - before.messagesIn, 1);
  t.is(bridge.stats.framesIn - before.framesIn, 22, '20 requests + dump + control_ping');
  const last = results[20];
  t.is(last?.ok === true && Array.isArray(last.value) ? last.value.length : -1, 21, 'local0 and 20 loopbacks');
});

test('interface events reach the client as decoded event messages', async (t) => {
  const c = await connectClient(t, (await startBridge(t, sim(t))).endpoint);
  const events: string[] = [];
  c.on('event', (e) => events.push(e.name));
  await c.request('want_interface_events', { enable_disable: 1, pid: 77 });
  await c.request('create_loopback', {});
  await until(() => events.length > 0, 'an interface event');
  t.is(events[0], 'sw_interface_event');
});

test('calls while no session is up fail at once with BridgeClosedError, and connect gives up after its timeout', async (t) => {
  const dir = await tempDir(t);
  const err = await t.throwsAsync(BridgeClient.connect(`ipc://${dir}/nobody.sock`, { timeoutMs: 200 }), { instanceOf: BridgeClosedError });
  t.regex(err?.message ?? '', /no session within 200 ms/);
});

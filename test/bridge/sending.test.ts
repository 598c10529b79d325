/**
 * When the client's frames leave: a lone call at once (it must not wait behind other jobs), the
 * calls released by a reply or issued by callBatch together in one ZeroMQ message.
 */
import test, { type ExecutionContext } from 'ava';
import type { BridgeClient } from '../../src/vpp/bridge/client.js';
import type { BridgeServer } from '../../src/vpp/bridge/server.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge } from './harness.js';

async function rig(t: ExecutionContext): Promise<{ s: VppSimulator; bridge: BridgeServer; c: BridgeClient }> {
  const s = new VppSimulator({ seed: 13 });
  t.teardown(() => s.close());
  const bridge = await startBridge(t, s);
  const c = await connectClient(t, bridge.endpoint);
  await c.ping();
  return { s, bridge, c };
}

/** Resolves in a turn of the event loop of its own, where no reply from the bridge arrived. */
function freshTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function counts(bridge: BridgeServer): () => { messages: number; frames: number } {
  const before = { ...bridge.stats };
  return () => ({ messages: bridge.stats.messagesIn - before.messagesIn, frames: bridge.stats.framesIn - before.framesIn });
}

test('calls made in a turn of their own: the first leaves at once on its own, the ones made behind it together', async (t) => {
  const { s, bridge, c } = await rig(t);
  await freshTurn();
  const sent = counts(bridge);
  const seq0 = s.callLog.at(-1)?.seq ?? 0;
  const replies = await Promise.all([c.request('create_loopback'), c.request('create_loopback'), c.ping()]);
  t.is(replies.length, 3);
  t.deepEqual(sent(), { messages: 2, frames: 3 });
  t.deepEqual(s.callLog.filter((r) => r.seq > seq0).map((r) => r.name), ['create_loopback', 'create_loopback', 'control_ping']);
});

test('calls made in reaction to a reply gather into one message', async (t) => {
  const { bridge, c } = await rig(t);
  const sent = counts(bridge);
  const after = await c.ping().then(() => Promise.all([c.ping(), c.ping(), c.ping()]));
  t.is(after.length, 3);
  t.deepEqual(sent(), { messages: 2, frames: 4 }, 'the first ping alone, then the three it released');
});

test('callBatch in a turn of its own is one message, and a dump leaves with its control_ping', async (t) => {
  const { bridge, c } = await rig(t);
  await freshTurn();
  const batch = counts(bridge);
  const results = await c.callBatch([{ name: 'create_loopback' }, { name: 'create_loopback' }, { name: 'control_ping' }]);
  t.true(results.every((r) => r.ok));
  t.deepEqual(batch(), { messages: 1, frames: 3 });
  await freshTurn();
  const dump = counts(bridge);
  const ifs = await c.dump('sw_interface_dump', { sw_if_index: 0xffffffff });
  t.is(ifs.length, 3, 'local0 and the two loopbacks');
  t.deepEqual(dump(), { messages: 1, frames: 2 });
});

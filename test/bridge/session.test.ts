import test from 'ava';
import { join } from 'node:path';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { BridgeClosedError } from '../../src/vpp/bridge/errors.js';
import { VppSocketBackend } from '../../src/vpp/socket/client.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge, tempDir, until } from './harness.js';

test('each client gets its own session, and closing a client ends only its session', async (t) => {
  const sim = new VppSimulator({ seed: 8 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const a = await connectClient(t, bridge.endpoint);
  const b = await connectClient(t, bridge.endpoint);
  t.not(a.current?.clientIndex, b.current?.clientIndex, 'two VPP registrations');
  t.is(bridge.sessionCount, 2);
  await a.close();
  await until(() => bridge.sessionCount === 1, 'the closed client’s session to end');
  t.is(await b.ping(), sim.pid);
  await t.throwsAsync(a.ping(), { instanceOf: BridgeClosedError, message: /client closed/ });
});

test('a vpp backend with nothing on its API socket makes connect fail with the cause', async (t) => {
  const dir = await tempDir(t);
  const backend = new VppSocketBackend(join(dir, 'no-vpp.sock'));
  const bridge = await startBridge(t, backend, dir);
  const err = await t.throwsAsync(BridgeClient.connect(bridge.endpoint, { timeoutMs: 500, backoff: { initialMs: 50, maxMs: 100 } }), { instanceOf: BridgeClosedError });
  t.regex(err?.message ?? '', /failed to connect to VPP API socket .*no-vpp\.sock/);
  t.is(bridge.sessionCount, 0);
  t.true(bridge.stats.backendErrors > 0);
});

test('a client that vanishes without a Bye loses its session the next time the bridge has something for it', async (t) => {
  const sim = new VppSimulator({ seed: 9 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);
  const ghost = await BridgeClient.connect(bridge.endpoint, { timeoutMs: 3000 });
  t.teardown(() => ghost.close().catch(() => undefined));
  await ghost.request('want_interface_events', { enable_disable: 1, pid: 1 });
  const live = await connectClient(t, bridge.endpoint);
  t.is(bridge.sessionCount, 2);
  // Crash-like exit: the socket goes away, no Bye is sent.
  (ghost as unknown as { dealer: { close(): void } }).dealer.close();
  await new Promise((r) => setTimeout(r, 50));
  await live.request('create_loopback', {}); // raises an interface event for the ghost's registration
  await until(() => bridge.sessionCount === 1, 'the ghost session to be released');
  t.is(bridge.stats.peersGone, 1);
  t.is(await live.ping(), sim.pid);
});

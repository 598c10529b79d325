import test from 'ava';
import { VppTimeoutError } from '../../src/vpp/bridge/errors.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge } from './harness.js';

function sim(t: Parameters<typeof startBridge>[0]): VppSimulator {
  const s = new VppSimulator({ seed: 11 });
  t.teardown(() => s.close());
  return s;
}

test('a short deadline issued after a long one still fails first, and the long call gets its reply', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint);
  s.setDelay(300);
  const order: string[] = [];
  const long = c.request('create_loopback', {}, { timeoutMs: 10_000 }).then((r) => {
    order.push('long replied');
    return r;
  });
  const short = c.request('create_loopback', {}, { timeoutMs: 30 }).catch((err: unknown) => {
    order.push(err instanceof VppTimeoutError ? `short timed out after ${err.timeoutMs} ms` : 'short failed otherwise');
  });
  await Promise.all([long, short]);
  t.deepEqual(order, ['short timed out after 30 ms', 'long replied']);
  t.is(typeof (await long).sw_if_index, 'number');
});

test('a call that times out while waiting for the window is never sent to VPP', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint, { window: 1 });
  await c.ping(); // the client's own ping after connecting holds the window until it returns
  s.setDelay(200);
  const first = c.request('create_loopback', {}, { timeoutMs: 10_000 });
  const queued = c.request('create_loopback', {}, { timeoutMs: 30 });
  await t.throwsAsync(queued, { instanceOf: VppTimeoutError });
  t.like(c.stats, { inFlight: 1, waiting: 0 });
  await first;
  s.setDelay(0);
  t.is(await c.ping(), s.pid);
  t.is(s.callLog.filter((r) => r.name === 'create_loopback').length, 1, 'only the call that was in the window reached VPP');
  t.like(c.stats, { inFlight: 0, waiting: 0 });
});

test('every call of a burst larger than the window times out when VPP stays silent, each with its own deadline', async (t) => {
  const s = sim(t);
  const c = await connectClient(t, (await startBridge(t, s)).endpoint, { window: 8 });
  s.silenceMessage('create_loopback');
  const deadlines = Array.from({ length: 40 }, (_, i) => 20 + (i % 4) * 10);
  const results = await Promise.allSettled(deadlines.map((ms) => c.request('create_loopback', {}, { timeoutMs: ms })));
  t.deepEqual(results.map((r) => (r.status === 'rejected' && r.reason instanceof VppTimeoutError ? r.reason.timeoutMs : 'not a timeout')), deadlines);
  t.like(c.stats, { inFlight: 0, waiting: 0 });
  s.clearFaults();
  t.is(await c.ping(), s.pid);
});

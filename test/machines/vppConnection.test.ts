import test from 'ava';
import { createActor, fromPromise, getMicrosteps, initialTransition, SimulatedClock, transition, type AnyEventObject } from 'xstate';
import { batchRunner, coalesce, vppConnectionMachine, type Txn, type TxnOutcome, type VppConnectionEmitted } from '../../src/machines/vppConnection.js';

const txn = (id: number, ...keys: string[]): Txn => ({ id, keys, payload: null });
const flush = () => new Promise((r) => setImmediate(r));

test('coalescing takes the longest prefix of transactions with disjoint keys', (t) => {
  const { batch, rest } = coalesce([txn(1, 'a', 'b'), txn(2, 'c'), txn(3, 'b'), txn(4, 'd')]);
  t.deepEqual(batch.map((x) => x.id), [1, 2]);
  t.deepEqual(rest.map((x) => x.id), [3, 4]);
});

test('an exclusive transaction is applied alone, and ends the batch of those before it', (t) => {
  const alone = { ...txn(3, 'z'), exclusive: true };
  const first = coalesce([txn(1, 'a'), txn(2, 'b'), alone, txn(4, 'c')]);
  t.deepEqual([first.batch.map((x) => x.id), first.rest.map((x) => x.id)], [[1, 2], [3, 4]]);
  const second = coalesce(first.rest);
  t.deepEqual([second.batch.map((x) => x.id), second.rest.map((x) => x.id)], [[3], [4]]);
});

test('coalescing an empty queue yields nothing', (t) => {
  t.deepEqual(coalesce([]), { batch: [], rest: [] });
});

test('transactions submitted while connecting wait and are applied once ready', (t) => {
  let [snap] = initialTransition(vppConnectionMachine, { initialBackoffMs: 100, maxBackoffMs: 5000 });
  t.is(snap.value, 'connecting');
  [snap] = transition(vppConnectionMachine, snap, { type: 'txn.submit', txn: txn(1, 'k1') });
  t.is(snap.context.queue.length, 1);
  [snap] = transition(vppConnectionMachine, snap, { type: 'xstate.done.actor.connect' } as unknown as AnyEventObject as never);
  t.is(snap.value, 'applying');
  t.deepEqual(snap.context.inFlight.map((x) => x.id), [1]);
  t.is(snap.context.queue.length, 0);
});

test('a submit to an idle connection takes its batch in the same step; an empty one leaves it idle', (t) => {
  let [snap] = initialTransition(vppConnectionMachine, { initialBackoffMs: 100, maxBackoffMs: 5000 });
  [snap] = transition(vppConnectionMachine, snap, { type: 'xstate.done.actor.connect' } as unknown as AnyEventObject as never);
  t.is(snap.value, 'ready');
  const [idle] = transition(vppConnectionMachine, snap, { type: 'txns.submit', txns: [] });
  t.deepEqual([idle.value, idle.context.queue.length, idle.context.inFlight.length], ['ready', 0, 0]);
  const [busy] = transition(vppConnectionMachine, snap, { type: 'txns.submit', txns: [txn(1, 'a'), txn(2, 'b'), txn(3, 'a')] });
  t.is(busy.value, 'applying');
  t.deepEqual([busy.context.inFlight.map((x) => x.id), busy.context.queue.map((x) => x.id)], [[1, 2], [3]]);
  const [single] = transition(vppConnectionMachine, snap, { type: 'txn.submit', txn: txn(4, 'c') });
  t.deepEqual([single.value, single.context.inFlight.map((x) => x.id), single.context.queue.length], ['applying', [4], 0]);
  // one microstep, not a queueing one and an eventless one: each costs xstate a full step per AddPod
  t.is(getMicrosteps(vppConnectionMachine, snap, { type: 'txn.submit', txn: txn(5, 'd') }).length, 1);
});

/** Runs the connection on a simulated clock with a scripted apply. */
function start(apply: (txns: readonly Txn[]) => Promise<TxnOutcome[]>, connect: () => Promise<void> = async () => undefined) {
  const clock = new SimulatedClock();
  const batches: number[][] = [];
  const emitted: VppConnectionEmitted[] = [];
  const actor = createActor(
    vppConnectionMachine.provide({
      actors: {
        connect: fromPromise(async () => connect()),
        // not an async function: an `apply` that throws reaches the runner as a throw
        runner: batchRunner((txns) => {
          batches.push(txns.map((x) => x.id));
          return apply(txns);
        }),
      },
    }),
    { input: { initialBackoffMs: 100, maxBackoffMs: 1000 }, clock },
  );
  for (const type of ['txn.done', 'vpp.connected', 'resync.needed'] as const) actor.on(type, (e) => void emitted.push(e));
  actor.start();
  return { actor, clock, batches, emitted };
}

test('queued non-conflicting transactions are applied as one batch, conflicting ones after it', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { actor, batches, emitted } = start(async (txns) => {
    if (txns[0]?.id === 1) await gate;
    return txns.map((x) => ({ id: x.id, ok: true, error: undefined }));
  });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(1, 'a') });
  actor.send({ type: 'txn.submit', txn: txn(2, 'b') });
  actor.send({ type: 'txn.submit', txn: txn(3, 'c') });
  actor.send({ type: 'txn.submit', txn: txn(4, 'b') });
  release();
  for (let i = 0; i < 5; i++) await flush();
  t.deepEqual(batches, [[1], [2, 3], [4]]);
  t.deepEqual(emitted.filter((e) => e.type === 'txn.done').map((e) => (e as { outcome: TxnOutcome }).outcome.id), [1, 2, 3, 4]);
});

test('transactions submitted together queue in their order and coalesce with single submits', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { actor, batches, emitted } = start(async (txns) => {
    if (txns[0]?.id === 1) await gate;
    return txns.map((x) => ({ id: x.id, ok: x.id !== 3, error: x.id === 3 ? 'refused' : undefined }));
  });
  await flush();
  actor.send({ type: 'txns.submit', txns: [txn(1, 'a')] });
  actor.send({ type: 'txns.submit', txns: [txn(2, 'b'), txn(3, 'c'), txn(4, 'b')] });
  actor.send({ type: 'txn.submit', txn: txn(5, 'd') });
  actor.send({ type: 'txns.submit', txns: [] });
  release();
  for (let i = 0; i < 5; i++) await flush();
  t.deepEqual(batches, [[1], [2, 3], [4, 5]]);
  const done = emitted.flatMap((e) => (e.type === 'txn.done' ? [e.outcome] : []));
  t.deepEqual(done.map((o) => [o.id, o.ok]), [[1, true], [2, true], [3, false], [4, true], [5, true]]);
  t.is(actor.getSnapshot().value, 'ready');
});

test('a failed apply reports every transaction of the batch as failed and keeps serving', async (t) => {
  const { actor, emitted } = start(async () => {
    throw new Error('VNET_API_ERROR_NO_SUCH_ENTRY');
  });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(7, 'x') });
  await flush();
  await flush();
  t.deepEqual(emitted.filter((e) => e.type === 'txn.done'), [{ type: 'txn.done', outcome: { id: 7, ok: false, error: 'VNET_API_ERROR_NO_SUCH_ENTRY' } }]);
  t.is(actor.getSnapshot().value, 'ready');
});

test('an apply that throws instead of rejecting fails its batch, and the connection keeps serving', async (t) => {
  const { actor, emitted } = start((txns) => {
    if (txns[0]?.id === 7) throw new Error('encoder bug');
    return Promise.resolve(txns.map((x) => ({ id: x.id, ok: true, error: undefined })));
  });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(7, 'x') });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(8, 'y') });
  for (let i = 0; i < 3; i++) await flush();
  t.is(actor.getSnapshot().status, 'active');
  t.deepEqual(emitted.flatMap((e) => (e.type === 'txn.done' ? [e.outcome] : [])), [
    { id: 7, ok: false, error: 'encoder bug' },
    { id: 8, ok: true, error: undefined },
  ]);
});

test('a VPP restart reconnects and asks for a full resync', async (t) => {
  const { actor, emitted } = start(async (txns) => txns.map((x) => ({ id: x.id, ok: true, error: undefined })));
  await flush();
  actor.send({ type: 'vpp.restarted' });
  await flush();
  t.is(actor.getSnapshot().value, 'ready');
  t.deepEqual(emitted.map((e) => e.type), ['vpp.connected', 'vpp.connected', 'resync.needed']);
});

test('connect failures back off exponentially on the clock', async (t) => {
  let attempts = 0;
  const { actor, clock } = start(async () => [], async () => {
    attempts++;
    if (attempts < 3) throw new Error('ECONNREFUSED');
  });
  await flush();
  t.is(actor.getSnapshot().value, 'disconnected');
  clock.increment(199); // first retry waits 100·2^1
  await flush();
  t.is(attempts, 1);
  clock.increment(1);
  await flush();
  t.is(attempts, 2);
  clock.increment(400);
  await flush();
  t.is(attempts, 3);
  t.is(actor.getSnapshot().value, 'ready');
});

test('a batch given up on a VPP restart reports late without touching the batch after it', async (t) => {
  const gates = new Map<number, () => void>();
  const { actor, batches, emitted } = start(async (txns) => {
    await new Promise<void>((r) => gates.set(txns[0]?.id ?? 0, r));
    return txns.map((x) => ({ id: x.id, ok: true, error: undefined }));
  });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(1, 'a') });
  await flush();
  actor.send({ type: 'vpp.restarted' });
  await flush();
  actor.send({ type: 'txn.submit', txn: txn(2, 'b') });
  await flush();
  t.deepEqual(batches, [[1], [2]]);
  // batch 1's apply still ends (its calls were on their way) while batch 2 is in flight
  gates.get(1)?.();
  for (let i = 0; i < 3; i++) await flush();
  t.is(actor.getSnapshot().value, 'applying', 'the late report did not end batch 2');
  gates.get(2)?.();
  for (let i = 0; i < 3; i++) await flush();
  t.is(actor.getSnapshot().value, 'ready');
  const done = emitted.flatMap((e) => (e.type === 'txn.done' ? [e.outcome] : []));
  t.deepEqual(done, [
    { id: 1, ok: false, error: 'VPP restarted during apply' },
    { id: 2, ok: true, error: undefined },
  ]);
});

import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition } from 'xstate';
import { supervisorMachine, type ResyncKind, type SupervisorEmitted, type SupervisorInput } from '../../src/machines/supervisor.js';

const input: SupervisorInput = { requiredSources: ['store', 'nodeId', 'vpp'], startupDeadlineMs: 30_000, healingDelayMs: 5_000, maxHealingAttempts: 3, periodicHealingMs: 0 };
const flush = () => new Promise((r) => setImmediate(r));

/** Starts a supervisor on a simulated clock with a scripted resync effect. */
function start(resync: (kind: ResyncKind) => Promise<void>, over: Partial<SupervisorInput> = {}) {
  const clock = new SimulatedClock();
  const kinds: ResyncKind[] = [];
  const emitted: SupervisorEmitted[] = [];
  const machine = supervisorMachine.provide({
    actors: {
      resync: fromPromise<void, { kind: ResyncKind; resyncCount: number }>(async ({ input: i }) => {
        kinds.push(i.kind);
        await resync(i.kind);
      }),
      shutdown: fromPromise<void, void>(async () => {}),
    },
  });
  const actor = createActor(machine, { input: { ...input, ...over }, clock });
  for (const type of ['supervisor.ready', 'supervisor.fatal', 'supervisor.resynced'] as const) actor.on(type, (e) => void emitted.push(e));
  actor.start();
  return { actor, clock, kinds, emitted };
}

test('the startup resync waits until every required source is ready', (t) => {
  let [snap] = initialTransition(supervisorMachine, input);
  t.deepEqual(snap.value, { startup: 'waitingForSources' });
  [snap] = transition(supervisorMachine, snap, { type: 'source.ready', source: 'store' });
  [snap] = transition(supervisorMachine, snap, { type: 'source.ready', source: 'vpp' });
  t.deepEqual(snap.value, { startup: 'waitingForSources' });
  const [after, actions] = transition(supervisorMachine, snap, { type: 'source.ready', source: 'nodeId' });
  t.deepEqual(after.value, { startup: 'resyncing' });
  t.is(after.context.resyncCount, 1);
  t.true(actions.some((a) => a.type === 'xstate.spawnChild'));
});

test('a source reported twice is counted once', (t) => {
  let [snap] = initialTransition(supervisorMachine, input);
  [snap] = transition(supervisorMachine, snap, { type: 'source.ready', source: 'store' });
  [snap] = transition(supervisorMachine, snap, { type: 'source.ready', source: 'store' });
  t.deepEqual(snap.context.ready, ['store']);
});

test('the agent gives up when the startup resync misses its deadline', async (t) => {
  const { actor, clock, emitted } = start(async () => undefined);
  actor.send({ type: 'source.ready', source: 'store' });
  clock.increment(29_999);
  t.deepEqual(actor.getSnapshot().value, { startup: 'waitingForSources' });
  clock.increment(1);
  await flush();
  t.is(actor.getSnapshot().value, 'fatal');
  t.like(emitted.at(-1), { type: 'supervisor.fatal' });
  t.regex((emitted.at(-1) as { reason: string }).reason, /within 30000 ms/);
});

test('a failed startup resync is retried within the deadline and then reports ready', async (t) => {
  let calls = 0;
  const { actor, clock, emitted, kinds } = start(async () => {
    if (++calls === 1) throw new Error('store not synced');
  });
  for (const source of ['store', 'nodeId', 'vpp'] as const) actor.send({ type: 'source.ready', source });
  await flush();
  t.deepEqual(actor.getSnapshot().value, { startup: 'retrying' });
  clock.increment(1000);
  await flush();
  t.is(actor.getSnapshot().value, 'running');
  t.deepEqual(kinds, ['startup', 'startup']);
  t.deepEqual(emitted.map((e) => e.type), ['supervisor.ready']);
});

test('a failed update schedules a healing resync after the configured delay', async (t) => {
  const { actor, clock, kinds } = start(async () => undefined);
  for (const source of ['store', 'nodeId', 'vpp'] as const) actor.send({ type: 'source.ready', source });
  await flush();
  actor.send({ type: 'update.failed', error: 'route add failed' });
  t.is(actor.getSnapshot().value, 'healingWait');
  clock.increment(4_999);
  t.is(actor.getSnapshot().value, 'healingWait');
  clock.increment(1);
  await flush();
  t.is(actor.getSnapshot().value, 'running');
  t.deepEqual(kinds, ['startup', 'healing']);
});

test('healing that keeps failing escalates to fatal after the attempt limit', async (t) => {
  const { actor, clock, emitted } = start(async (kind) => {
    if (kind === 'healing') throw new Error('VPP refuses');
  });
  for (const source of ['store', 'nodeId', 'vpp'] as const) actor.send({ type: 'source.ready', source });
  await flush();
  actor.send({ type: 'update.failed', error: 'x' });
  for (let i = 0; i < 3; i++) {
    clock.increment(5_000);
    await flush();
  }
  t.is(actor.getSnapshot().value, 'fatal');
  t.regex((emitted.at(-1) as { reason: string }).reason, /failed 3 times: VPP refuses/);
});

test('a VPP restart while running triggers a run-time resync', async (t) => {
  const { actor, kinds, emitted } = start(async () => undefined);
  for (const source of ['store', 'nodeId', 'vpp'] as const) actor.send({ type: 'source.ready', source });
  await flush();
  actor.send({ type: 'vpp.restarted' });
  await flush();
  t.deepEqual(kinds, ['startup', 'runtime']);
  t.deepEqual(emitted.map((e) => e.type), ['supervisor.ready', 'supervisor.resynced']);
});

test('shutdown from any state stops the supervisor', async (t) => {
  const { actor } = start(async () => undefined);
  actor.send({ type: 'shutdown' });
  await flush();
  t.is(actor.getSnapshot().value, 'stopped');
  t.is(actor.getSnapshot().status, 'done');
});

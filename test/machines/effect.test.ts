/**
 * `effectAction` / `startsEffect`: an effect started by a state's entry reports back to its
 * actor as `<name>.done` / `<name>.failed`, a throw included, and says nothing to an actor
 * that stopped meanwhile.
 */
import test from 'ava';
import { assign, createActor, setup } from 'xstate';
import { effectAction, EffectNotProvidedError, startsEffect } from '../../src/machines/effect.js';

type Ev = { type: 'go' } | { type: 'job.done'; output: number } | { type: 'job.failed'; error: unknown };

const machine = setup({
  types: { context: {} as { result: string }, events: {} as Ev },
  actions: { job: effectAction<{ n: number }>('job') },
}).createMachine({
  context: { result: '' },
  initial: 'idle',
  states: {
    idle: { on: { go: 'running' } },
    running: {
      entry: { type: 'job', params: () => ({ n: 20 }) },
      on: {
        'job.done': { target: 'idle', actions: assign({ result: ({ event }) => `done ${event.output}` }) },
        'job.failed': { target: 'idle', actions: assign({ result: ({ event }) => `failed ${(event.error as Error).message}` }) },
      },
    },
  },
});

const settled = () => new Promise((r) => setImmediate(r));

test('the effect gets the params as its input and its output comes back as <name>.done', async (t) => {
  const inputs: unknown[] = [];
  const actor = createActor(machine.provide({ actions: { job: startsEffect('job', async (i: { n: number }) => (inputs.push(i), i.n + 1)) } })).start();
  actor.send({ type: 'go' });
  t.is(actor.getSnapshot().value, 'running');
  await settled();
  t.deepEqual(inputs, [{ n: 20 }]);
  t.is(actor.getSnapshot().value, 'idle');
  t.is(actor.getSnapshot().context.result, 'done 21');
});

test('a rejection and a synchronous throw both come back as <name>.failed, and the actor lives on', async (t) => {
  for (const run of [async () => Promise.reject(new Error('refused')), () => { throw new Error('refused'); }]) {
    const actor = createActor(machine.provide({ actions: { job: startsEffect('job', run as () => Promise<number>) } })).start();
    actor.send({ type: 'go' });
    await settled();
    t.is(actor.getSnapshot().status, 'active');
    t.is(actor.getSnapshot().context.result, 'failed refused');
  }
});

test('an actor stopped while its effect runs is told nothing', async (t) => {
  let finish: (v: number) => void = () => undefined;
  const actor = createActor(machine.provide({ actions: { job: startsEffect('job', () => new Promise<number>((r) => (finish = r))) } })).start();
  const seen: string[] = [];
  actor.subscribe({ next: (s) => void seen.push(String(s.value)) });
  actor.send({ type: 'go' });
  actor.stop();
  // the effect reports through the actor it was started by (`self`): watch what reaches it
  const sent: string[] = [];
  const send = actor.send.bind(actor);
  actor.send = (e) => (sent.push(e.type), send(e));
  finish(1);
  await settled();
  t.deepEqual(sent, []);
  t.deepEqual(seen, ['running']);
  t.is(actor.getSnapshot().context.result, '');
});

test('a machine whose effect is not provided fails its actor with a wiring error naming it', (t) => {
  const actor = createActor(machine).start();
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => void errors.push(e) });
  actor.send({ type: 'go' });
  t.true(errors[0] instanceof EffectNotProvidedError);
  t.regex(String((errors[0] as Error).message), /effect 'job' is not provided/);
});

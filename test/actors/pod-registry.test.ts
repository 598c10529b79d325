// PodRegistry with a recording driver: adopted pods answer for themselves without an actor
// until the CNI names them, then carry on exactly as a pod adopted by `resync.adopt` would.
import test from 'ava';
import { History } from '../../src/actors/history.js';
import { PodRegistry, type PodDriver } from '../../src/actors/pods.js';
import { podMachine, type PodEffectInput, type PodWiring } from '../../src/machines/pod.js';

const container = (id: string) => ({ containerId: id, netns: `/var/run/netns/${id}`, ifName: 'eth0' });
const wiring = (ip: string): PodWiring => ({ ip, gateway: '10.1.1.1', mac: '02:00:00:00:00:01', vppIfName: `tap-${ip}`, hostIfName: 'eth0' });

function rig() {
  const calls: string[] = [];
  const seen: PodEffectInput[] = [];
  const driver: PodDriver = {
    wire: async (input) => {
      calls.push(`wire ${input.podKey} rewire=${input.rewire}`);
      seen.push(input);
      return input.wiring ?? wiring('10.1.1.9');
    },
    revert: async (input) => void calls.push(`revert ${input.podKey}`),
    unwire: async (input) => {
      calls.push(`unwire ${input.podKey} ${input.wiring?.ip}`);
      seen.push(input);
    },
  };
  const history = new History(1000);
  const pods = new PodRegistry(driver, history);
  return { pods, calls, seen, history, driver };
}

test('adopted pods are listed, found and answered from their record, and no actor runs for them', (t) => {
  const { pods, history } = rig();
  pods.adopt('ns/a', container('ca'), wiring('10.1.1.2'));
  pods.adopt('ns/b', container('cb'), wiring('10.1.1.3'));
  t.deepEqual(pods.list(), [
    { podKey: 'ns/a', state: 'wired', containerId: 'ca', ip: '10.1.1.2', restarts: 0 },
    { podKey: 'ns/b', state: 'wired', containerId: 'cb', ip: '10.1.1.3', restarts: 0 },
  ]);
  t.deepEqual(pods.wiring('ns/b'), wiring('10.1.1.3'));
  t.is(pods.containerOf('ns/a'), 'ca');
  t.is(pods.findByContainer('cb'), 'ns/b');
  t.is(pods.findByContainer('nope'), undefined);
  t.deepEqual(history.query({}), [], 'no actor was created, started or stepped');
  pods.broadcast('resync.begin');
  t.deepEqual(pods.list().map((r) => r.state), ['resyncing', 'resyncing']);
  pods.broadcast('resync.end');
  t.deepEqual(pods.list().map((r) => r.state), ['wired', 'wired']);
});

test('a repeated ADD of an adopted pod re-runs its wiring as adopted, and answers with it', async (t) => {
  const { pods, calls, seen } = rig();
  pods.adopt('ns/a', container('ca'), wiring('10.1.1.2'));
  t.deepEqual(await pods.add('ns/a', container('ca')), wiring('10.1.1.2'));
  t.deepEqual(calls, ['wire ns/a rewire=true']);
  t.deepEqual(seen[0]?.wiring, wiring('10.1.1.2'), 'the effect sees the recorded wiring');
  // wired by this agent now: a further ADD is answered without running the effect
  t.deepEqual(await pods.add('ns/a', container('ca')), wiring('10.1.1.2'));
  t.deepEqual(calls, ['wire ns/a rewire=true']);
  t.deepEqual(pods.list().map((r) => [r.podKey, r.state]), [['ns/a', 'wired']]);
});

test('a DEL of an adopted pod unwires what its record names; an ADD of a new container replaces it', async (t) => {
  const { pods, calls } = rig();
  pods.adopt('ns/a', container('ca'), wiring('10.1.1.2'));
  pods.adopt('ns/b', container('cb'), wiring('10.1.1.3'));
  const gone = await pods.del('ns/a', 'ca');
  t.like(gone, { type: 'pod.deleted', podKey: 'ns/a', containerId: 'ca', error: undefined });
  t.deepEqual(calls, ['unwire ns/a 10.1.1.2']);
  t.is(pods.wiring('ns/a'), undefined);
  calls.length = 0;
  await pods.add('ns/b', container('cb2'));
  t.deepEqual(calls, ['unwire ns/b 10.1.1.3', 'wire ns/b rewire=false']);
  t.is(pods.containerOf('ns/b'), 'cb2');
});

test('a pod woken while a resync runs starts in resyncing, as its adopted actor would be', async (t) => {
  const { pods, history } = rig();
  pods.adopt('ns/a', container('ca'), wiring('10.1.1.2'));
  pods.broadcast('resync.begin');
  const answered = pods.add('ns/a', container('ca'));
  t.deepEqual(pods.list().map((r) => r.state), ['wiring']);
  t.deepEqual(await answered, wiring('10.1.1.2'));
  pods.broadcast('resync.end');
  t.deepEqual(history.query({}).map((r) => [r.actor, r.event, r.from ?? null, r.to]), [
    ['pod/ns/a', 'xstate.init', null, 'resyncing'],
    ['pod/ns/a', 'cni.add', 'resyncing', 'wiring'],
    ['pod/ns/a', 'wire.done', 'wiring', 'wired'],
  ]);
});

/**
 * A pod machine whose action or guard `name` throws once `armed`: a fault inside the actor's
 * step (the effects cannot cause one: `startsEffect` turns their errors into the machine's own events).
 */
function faultyRig(kind: 'actions' | 'guards', name: 'emitWired' | 'hasNext') {
  const { calls, driver } = rig();
  const state = { armed: false };
  const fault = () => {
    if (!state.armed) return false;
    state.armed = false;
    throw new Error(`${name} threw`);
  };
  const base = podMachine.provide({ [kind]: { [name]: fault } });
  const history = new History(1000);
  return { pods: new PodRegistry(driver, history, undefined, undefined, base), calls, history, state };
}

test('a pod actor that crashes fails the ADD in flight at once and keeps the pod\'s wiring for the next DEL', async (t) => {
  const { pods, calls, history, state } = faultyRig('actions', 'emitWired');
  pods.adopt('ns/a', container('ca'), wiring('10.1.1.2'));
  state.armed = true;
  await t.throwsAsync(pods.add('ns/a', container('ca')), { message: /failed to wire pod ns\/a: pod actor failed: .*emitWired threw/ });
  t.deepEqual(history.query({}).filter((r) => r.event === 'actor.crashed').map((r) => [r.actor, r.to]), [['pod/ns/a', 'restart']]);
  t.deepEqual(pods.list(), [{ podKey: 'ns/a', state: 'wired', containerId: 'ca', ip: '10.1.1.2', restarts: 1 }]);
  // the restored actor still knows what to remove
  calls.length = 0;
  t.like(await pods.del('ns/a', 'ca'), { type: 'pod.deleted', error: undefined });
  t.deepEqual(calls, ['unwire ns/a 10.1.1.2']);
});

test('a DEL whose pod actor crashes is answered with the fault', async (t) => {
  const { pods, state, calls } = faultyRig('guards', 'hasNext');
  pods.adopt('ns/b', container('cb'), wiring('10.1.1.3'));
  state.armed = true;
  const answer = await pods.del('ns/b', 'cb');
  t.like(answer, { type: 'pod.deleted', podKey: 'ns/b', containerId: 'cb' });
  t.regex(answer.error ?? '', /^pod actor failed: .*hasNext threw/s);
  // the crash came after the unwire ran, but what the actor knew stays: a repeated DEL is harmless
  t.deepEqual(pods.list().map((r) => [r.podKey, r.state, r.restarts]), [['ns/b', 'wired', 1]]);
  t.like(await pods.del('ns/b', 'cb'), { type: 'pod.deleted', error: undefined });
  t.deepEqual(calls, ['unwire ns/b 10.1.1.3', 'unwire ns/b 10.1.1.3']);
});

/**
 * The same pod lifecycle driven through a registry (transitions recorded by the machine) and
 * through a bare actor fed by XState's inspection stream: wired, failed and reverted, paused
 * by a resync, deleted.
 */
async function lifecycle(mode: 'registry' | 'inspected'): Promise<{ records: unknown[]; raw: number }> {
  const driver: PodDriver = {
    wire: async (input) => {
      if (input.container.containerId === 'bad') throw new Error('VPP refused the TAP');
      return wiring('10.1.1.9');
    },
    revert: async () => undefined,
    unwire: async () => undefined,
  };
  const history = new History(1000);
  let raw = 0;
  history.observeInspection(() => void raw++);
  const wait = (actor: { on: (t: '*', f: (e: { type: string }) => void) => { unsubscribe(): void } }, type: string) =>
    new Promise<void>((resolve) => {
      const sub = actor.on('*', (e) => {
        if (e.type !== type) return;
        sub.unsubscribe();
        resolve();
      });
    });
  if (mode === 'registry') {
    const pods = new PodRegistry(driver, history);
    await pods.add('ns/a', container('ca'));
    await settledAsFailure(pods.add('ns/a', container('bad')));
    await pods.add('ns/a', container('ca'));
    pods.broadcast('resync.begin');
    pods.broadcast('resync.end');
    await pods.del('ns/a', 'ca');
  } else {
    const { createActor } = await import('xstate');
    const { inspectInto } = await import('../../src/actors/inspect.js');
    const { startsEffect } = await import('../../src/machines/effect.js');
    const machine = podMachine.provide({ actions: { wire: startsEffect('wire', driver.wire), revert: startsEffect('revert', driver.revert), unwire: startsEffect('unwire', driver.unwire) } });
    const actor = createActor(machine, { input: { podKey: 'ns/a' }, id: 'pod/ns/a', inspect: inspectInto(history, 'pod/ns/a') }).start();
    const step = async (event: Parameters<typeof actor.send>[0], until: string) => {
      const done = wait(actor, until);
      actor.send(event);
      await done;
    };
    await step({ type: 'cni.add', ...container('ca') }, 'pod.wired');
    await step({ type: 'cni.add', ...container('bad') }, 'pod.failed');
    await step({ type: 'cni.add', ...container('ca') }, 'pod.wired');
    actor.send({ type: 'resync.begin' });
    actor.send({ type: 'resync.end' });
    await step({ type: 'cni.del', containerId: 'ca' }, 'pod.deleted');
  }
  return { records: history.query({}).map(({ seq: _s, time: _t, ...r }) => r), raw };
}

async function settledAsFailure(p: Promise<unknown>): Promise<void> {
  await p.then(() => Promise.reject(new Error('expected the ADD to fail')), () => undefined);
}

test('pod actors leave in the history the records XState\'s inspection stream gives, failures and their errors included', async (t) => {
  const inspected = await lifecycle('inspected');
  const recorded = await lifecycle('registry');
  t.true(inspected.records.length >= 8, 'the lifecycle took its steps');
  t.true(inspected.records.some((r) => (r as { error?: string }).error === 'VPP refused the TAP'), 'the failure is in it with its error');
  t.deepEqual(recorded.records, inspected.records);
  // a watcher (a visualizer) still gets the raw stream of the registry's actors
  t.true(recorded.raw > 0);
  t.is(recorded.raw, inspected.raw);
});

/** A driver whose wire and unwire wait until released, per container. */
function gatedRig() {
  const gates = new Map<string, () => void>();
  const calls: string[] = [];
  const gate = (what: string) => new Promise<void>((r) => gates.set(what, r));
  const driver: PodDriver = {
    wire: async (input) => {
      calls.push(`wire ${input.container.containerId}`);
      await gate(`wire ${input.container.containerId}`);
      return wiring('10.1.1.9');
    },
    revert: async () => undefined,
    unwire: async (input) => {
      calls.push(`unwire ${input.container.containerId}`);
      await gate(`unwire ${input.container.containerId}`);
    },
  };
  const release = (what: string) => gates.get(what)?.();
  return { pods: new PodRegistry(driver, new History(1000)), calls, release };
}

/** How a promise settled within a second: its value, its error's message, or 'pending'. */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  const timer = new Promise((r) => setTimeout(() => r('pending'), 1000));
  return Promise.race([p.then((v) => ({ ok: v }), (e: Error) => ({ failed: e.message })), timer]);
}

const tick = () => new Promise((r) => setImmediate(r));

test('an ADD whose pod is deleted while it wires is answered with a failure, not left to the CNI timeout', async (t) => {
  const { pods, calls, release } = gatedRig();
  const add = pods.add('ns/a', container('ca'));
  await tick();
  const del = pods.del('ns/a', 'ca');
  release('wire ca');
  await tick();
  release('unwire ca');
  t.like(await outcome(add), { failed: 'failed to wire pod ns/a: the pod was deleted while it was being wired' });
  t.like(await outcome(del), { ok: { type: 'pod.deleted', containerId: 'ca', error: undefined } });
  t.deepEqual(calls, ['wire ca', 'unwire ca']);
});

test('an ADD overtaken by a newer sandbox of its pod fails; the newer one is wired', async (t) => {
  const { pods, calls, release } = gatedRig();
  const first = pods.add('ns/a', container('c1'));
  await tick();
  const second = pods.add('ns/a', container('c2'));
  release('wire c1');
  await tick();
  release('unwire c1');
  await tick();
  release('wire c2');
  t.like(await outcome(first), { failed: 'failed to wire pod ns/a: a newer sandbox of the pod came while it was being wired' });
  t.deepEqual(await outcome(second), { ok: wiring('10.1.1.9') });
  t.deepEqual(calls, ['wire c1', 'unwire c1', 'wire c2']);
});

test('an ADD that comes while a DEL of the same container unwires it is answered by the wiring that follows', async (t) => {
  const { pods, calls, release } = gatedRig();
  const add = pods.add('ns/a', container('ca'));
  await tick();
  release('wire ca');
  await add;
  const del = pods.del('ns/a', 'ca');
  await tick();
  const again = pods.add('ns/a', container('ca'));
  release('unwire ca');
  await tick();
  release('wire ca');
  t.deepEqual(await outcome(again), { ok: wiring('10.1.1.9') });
  t.like(await outcome(del), { ok: { type: 'pod.deleted', containerId: 'ca' } });
  t.deepEqual(calls, ['wire ca', 'unwire ca', 'wire ca']);
});

test('a DEL that comes while a failed ADD is reverted is answered once the revert settles', async (t) => {
  let releaseRevert!: () => void;
  const calls: string[] = [];
  const driver: PodDriver = {
    wire: async () => {
      calls.push('wire');
      throw new Error('VPP refused the TAP');
    },
    revert: async () => {
      calls.push('revert');
      await new Promise<void>((r) => (releaseRevert = r));
    },
    unwire: async () => void calls.push('unwire'),
  };
  const pods = new PodRegistry(driver, new History(1000));
  const add = pods.add('ns/a', container('ca'));
  await tick();
  t.deepEqual(pods.list().map((r) => r.state), ['reverting']);
  const del = pods.del('ns/a', 'ca');
  await tick();
  releaseRevert();
  t.like(await outcome(add), { failed: 'failed to wire pod ns/a: VPP refused the TAP' });
  t.like(await outcome(del), { ok: { type: 'pod.deleted', containerId: 'ca', error: undefined } });
  // the revert left nothing: the DEL has nothing more to remove
  t.deepEqual(calls, ['wire', 'revert']);
});

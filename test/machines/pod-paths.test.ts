/**
 * Model-based test of the pod machine (issue 6): xstate/graph generates every simple path, and
 * each path is replayed on a real actor whose named effects (`wire`, `revert`, `unwire`) are
 * fakes the test settles. After every step the actor must be where the path says, and have
 * asked for exactly the effects and reported exactly the events a small reference model of the
 * pod lifecycle expects.
 */
import test, { type ExecutionContext } from 'ava';
import { createActor, type AnyEventObject } from 'xstate';
import { getAdjacencyMap, getSimplePaths } from 'xstate/graph';
import { startsEffect } from '../../src/machines/effect.js';
import { podMachine, type PodContext, type PodEffectInput, type PodEmitted, type PodWiring } from '../../src/machines/pod.js';

const wiringA: PodWiring = { ip: '10.1.1.2', gateway: '10.1.1.1', mac: '02:fe:aa:bb:cc:dd', vppIfName: 'tap-vpp-a', hostIfName: 'eth0' };
const add = (id: string) => ({ type: 'cni.add', containerId: id, netns: `/var/run/netns/${id}`, ifName: 'eth0' });
const done = (effect: string, output?: unknown) => ({ type: `${effect}.done`, output });
const fail = (effect: string, message: string) => ({ type: `${effect}.failed`, error: new Error(message) });

type Snap = { value: unknown; context: PodContext };

/**
 * Event samples, relative to the state they are sent in: an ADD of the pod's own sandbox or of
 * another one, adoption, a DEL, a resync, and each effect succeeding or failing. Relative, because
 * the machine only compares sandbox IDs with each other: which ID is which does not matter, so a
 * path's states need not carry IDs, and the number of simple paths stays finite and small.
 */
const other = (id: string | undefined) => (id === 'cA' ? 'cB' : 'cA');
const own = (s: Snap) => s.context.container?.containerId ?? 'cA';
const outcomes = [
  done('wire', wiringA), fail('wire', 'boom'), done('revert'), fail('revert', 'revert boom'), done('unwire'), fail('unwire', 'unwire boom'),
  { type: 'resync.begin' }, { type: 'resync.end' },
] as AnyEventObject[];
const samples = (s: Snap): AnyEventObject[] => [
  add(own(s)), add(other(s.context.container?.containerId)), { ...add('cA'), type: 'resync.adopt', wiring: wiringA }, { type: 'cni.del', containerId: own(s) },
  ...outcomes,
];

/** A path's states are the machine's state plus the context facts that change what it does next. */
const serialize = (s: Snap) => JSON.stringify([s.value, !!s.context.next, s.context.deleteRequested, !!s.context.wiring, s.context.adopted]);
const options = { events: samples, input: { podKey: 'default/web' }, serializeState: serialize } as never;

/** An event as sent from `from`, with its sandbox ID replaced by its role there. */
const relative = (from: Snap, e: AnyEventObject) => {
  const id = (e as { containerId?: string }).containerId;
  return id === undefined ? e.type : `${e.type} ${id === own(from) ? 'own' : 'other'}`;
};
/** The same event for a pod whose real state is `actual`: the role is kept, the ID is that pod's. */
const translate = (from: Snap, e: AnyEventObject, actual: Snap): AnyEventObject => {
  const id = (e as { containerId?: string }).containerId;
  if (id === undefined || e.type === 'resync.adopt') return e;
  const ownActual = own(actual);
  const mapped = id === own(from) ? ownActual : other(actual.context.container?.containerId);
  return e.type === 'cni.add' ? add(mapped) : { ...e, containerId: mapped };
};

/** The reference model: what the pod lifecycle must do, written as a table of cases. */
interface Model {
  readonly value: string;
  readonly container?: string | undefined;
  readonly next?: string | undefined;
  readonly del: boolean;
  readonly wired: boolean;
  /** Known from its record at start-up: a duplicate ADD wires it again. */
  readonly adopted?: boolean;
  readonly error?: string | undefined;
}
interface Expected {
  readonly to: Model;
  readonly effects: string[];
  readonly emits: string[];
}

function expected(m: Model, e: AnyEventObject): Expected {
  const go = (to: Partial<Model>, effects: string[] = [], emits: string[] = []): Expected => ({ to: { ...m, ...to }, effects, emits });
  const c = (e as { containerId?: string }).containerId;
  const failure = (e as { error?: Error }).error?.message;
  const unwire = `unwire ${m.container}${m.wired ? ' (wired)' : ''}`;
  switch (`${m.value} ${e.type}`) {
    case 'pending cni.add':
    case 'failed cni.add':
      return go({ value: 'wiring', container: c, wired: false, error: undefined }, [`wire ${c}`]);
    case 'pending resync.adopt':
      return go({ value: 'wired', container: c, wired: true, adopted: true });
    case 'pending cni.del':
    case 'failed cni.del':
      return go({ value: 'gone' }, [], [`deleted ${c}`]);
    case 'wiring cni.add':
    case 'reverting cni.add':
      return c === m.container ? go({}) : go({ next: c });
    case 'wiring cni.del':
    case 'reverting cni.del':
      // honoured once the effect settles; the DEL is answered then
      return go({ del: true });
    case 'wiring wire.done':
      // a DEL or a newer sandbox arrived meanwhile: the ADD is told its wiring is abandoned, then it is removed
      if (m.del || m.next) return go({ value: 'unwiring', del: false, wired: true, adopted: false }, [`unwire ${m.container} (wired)`], [`abandoned ${m.container}`]);
      return go({ value: 'wired', wired: true, adopted: false }, [], [`wired ${m.container}`]);
    case 'wiring wire.failed':
      return go({ value: 'reverting', error: failure, adopted: false }, [`revert ${m.container} after ${failure}`]);
    case 'wired cni.add':
    case 'resyncing cni.add':
      // an adopted pod's record may predate its netns side (a crash while wiring): wire it again
      if (c === m.container) return m.adopted ? go({ value: 'wiring' }, [`wire ${c} (again)`]) : go({}, [], [`wired ${c}`]);
      return go({ value: 'unwiring', next: c }, [unwire]);
    case 'wired cni.del':
    case 'resyncing cni.del':
      return go({ value: 'unwiring' }, [unwire]);
    case 'wired resync.begin':
      return go({ value: 'resyncing' });
    case 'resyncing resync.end':
      return go({ value: 'wired' });
    case 'reverting revert.done':
    case 'reverting revert.failed': {
      // the ADD is answered first; a DEL or a newer sandbox that came while wiring is honoured after
      const reported = [`failed ${m.container}: ${m.error}${failure ? `, revert: ${failure}` : ''}`, ...(m.del ? [`deleted ${m.container}`] : [])];
      if (m.next) return go({ value: 'wiring', container: m.next, next: undefined, del: false, wired: false, error: undefined }, [`wire ${m.next}`], reported);
      return go({ value: m.del ? 'gone' : 'failed', wired: false }, [], reported);
    }
    case 'unwiring cni.add':
      return go({ next: c });
    case 'unwiring unwire.done':
    case 'unwiring unwire.failed': {
      const deleted = [`deleted ${m.container}${failure ? `: ${failure}` : ''}`];
      if (m.next) return go({ value: 'wiring', container: m.next, next: undefined, wired: false, adopted: false }, [`wire ${m.next}`], deleted);
      return go({ value: 'gone' }, [], deleted);
    }
    default:
      return go({}); // every other event is ignored where it arrives
  }
}

function describeEmitted(e: PodEmitted): string {
  if (e.type === 'pod.wired') return `wired ${e.containerId}`;
  if (e.type === 'pod.failed') return `failed ${e.containerId}: ${e.error}${e.revertError ? `, revert: ${e.revertError}` : ''}`;
  if (e.type === 'pod.abandoned') return `abandoned ${e.containerId}`;
  return `deleted ${e.containerId}${e.error ? `: ${e.error}` : ''}`;
}

/** A pod actor whose effects record their call and wait for the test to settle them. */
function podWithFakeEffects() {
  const effects: string[] = [];
  const emits: string[] = [];
  const pending = new Map<string, { resolve: (v: never) => void; reject: (e: unknown) => void }>();
  const fake = <T>(name: string, describe: (i: PodEffectInput) => string) =>
    startsEffect<PodEffectInput, T>(name, (input) => {
      effects.push(`${name} ${describe(input)}`);
      return new Promise<T>((resolve, reject) => pending.set(name, { resolve: resolve as (v: never) => void, reject }));
    });
  const machine = podMachine.provide({
    actions: {
      wire: fake<PodWiring>('wire', (i) => `${i.container.containerId}${i.rewire ? ' (again)' : ''}`),
      revert: fake<void>('revert', (i) => `${i.container.containerId} after ${i.error}`),
      unwire: fake<void>('unwire', (i) => `${i.container.containerId}${i.wiring ? ' (wired)' : ''}`),
    },
  });
  const actor = createActor(machine, { input: { podKey: 'default/web' } });
  for (const type of ['pod.wired', 'pod.failed', 'pod.deleted', 'pod.abandoned'] as const) actor.on(type, (e) => void emits.push(describeEmitted(e)));
  actor.start();
  return {
    actor,
    /** Delivers one path event: an effect outcome settles that fake, anything else is sent. */
    async deliver(e: AnyEventObject): Promise<{ effects: string[]; emits: string[] }> {
      effects.length = 0;
      emits.length = 0;
      const outcome = /^(wire|revert|unwire)\.(done|failed)$/.exec(e.type);
      if (outcome) {
        const settle = pending.get(outcome[1] as string);
        if (!settle) throw new Error(`no running ${outcome[1]} effect to settle`);
        pending.delete(outcome[1] as string);
        if (outcome[2] === 'done') settle.resolve((e as { output?: unknown }).output as never);
        else settle.reject((e as { error?: unknown }).error);
      } else {
        actor.send(e as never);
      }
      await new Promise((r) => setImmediate(r));
      return { effects: [...effects], emits: [...emits] };
    },
  };
}

type Path = { state: Snap; steps: Array<{ event: AnyEventObject; state: Snap }> };
const paths = getSimplePaths(podMachine as never, options) as Path[];

type Step = { from: Snap; event: AnyEventObject; to: Snap };
const stepsOf = (path: Path): Step[] =>
  path.steps.slice(1).map((step, i) => ({ from: (path.steps[i] as Path['steps'][number]).state, event: step.event, to: step.state }));

/** Replays graph steps on a pod with fake effects, checking each against the graph and the model. */
async function replay(t: ExecutionContext, steps: readonly Step[]): Promise<void> {
  const pod = podWithFakeEffects();
  let model: Model = { value: 'pending', del: false, wired: false };
  const trail: string[] = [];
  for (const { from, event: planned, to } of steps) {
    trail.push(relative(from, planned));
    const where = trail.join(' → ');
    const event = translate(from, planned, pod.actor.getSnapshot());
    const want = expected(model, event);
    const got = await pod.deliver(event);
    const snap = pod.actor.getSnapshot();
    t.is(serialize(snap), serialize(to), `path ${where}: the actor is not where the graph says`);
    t.is(String(snap.value), want.to.value, `path ${where}: state`);
    t.deepEqual(
      [snap.context.container?.containerId, snap.context.next?.containerId, snap.context.deleteRequested, !!snap.context.wiring, snap.context.adopted],
      [want.to.container, want.to.next, want.to.del, want.to.wired, !!want.to.adopted],
      `path ${where}: container, next, DEL pending, wiring, adopted`,
    );
    t.deepEqual(got.effects, want.effects, `path ${where}: effects asked for`);
    t.deepEqual(got.emits, want.emits, `path ${where}: events reported`);
    model = want.to;
  }
  pod.actor.stop();
}

test(`each of the ${paths.length} simple paths of the pod machine, replayed with fake effects, moves and asks for effects as the model says`, async (t) => {
  let steps = 0;
  for (const path of paths) {
    await replay(t, stepsOf(path));
    steps += path.steps.length - 1;
  }
  t.log(`${paths.length} simple paths, ${steps} steps`);
  t.deepEqual([...new Set(paths.map((p) => String(p.state.value)))].sort(), ['failed', 'gone', 'pending', 'resyncing', 'reverting', 'unwiring', 'wired', 'wiring']);
});

test('the transitions no simple path can take (they return to a state already on the path) are replayed at the end of one, so every transition is checked', async (t) => {
  const adjacency = getAdjacencyMap(podMachine as never, options) as unknown as Record<string, { state: Snap; transitions: Record<string, { event: AnyEventObject; state: Snap }> }>;
  const edge = (s: Step) => `${serialize(s.from)} --${relative(s.from, s.event)}--> ${serialize(s.to)}`;
  const all = new Map<string, Step>();
  for (const node of Object.values(adjacency)) {
    for (const { event, state } of Object.values(node.transitions)) {
      const step = { from: node.state, event, to: state };
      if (serialize(node.state) !== serialize(state)) all.set(edge(step), step);
    }
  }
  const walked = new Set(paths.flatMap((p) => stepsOf(p).map(edge)));
  const closing = [...all.entries()].filter(([key]) => !walked.has(key));
  t.log(`${all.size} transitions between distinct states, ${all.size - closing.length} on simple paths, ${closing.length} closing a cycle`);
  for (const [key, step] of closing) {
    // a simple path to the transition's source that already went through its target
    const lead = paths.find((p) => serialize(p.state) === serialize(step.from) && p.steps.some((s) => serialize(s.state) === serialize(step.to)));
    t.truthy(lead, `${key} is neither on a simple path nor closes a cycle`);
    if (lead) await replay(t, [...stepsOf(lead), step]);
  }
  t.true(all.size > 30 && closing.length > 0, `${all.size} transitions, ${closing.length} closing a cycle`);
});

import test from 'ava';
import { initialTransition, transition, type AnyEventObject } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { podMachine, type PodWiring } from '../../src/machines/pod.js';

const wiringA: PodWiring = { ip: '10.1.1.2', gateway: '10.1.1.1', mac: '02:fe:aa:bb:cc:dd', vppIfName: 'tap-vpp-a', hostIfName: 'eth0' };
const addA = { type: 'cni.add', containerId: 'cA', netns: '/var/run/netns/a', ifName: 'eth0' } as const;
const addB = { type: 'cni.add', containerId: 'cB', netns: '/var/run/netns/b', ifName: 'eth0' } as const;
const done = (effect: string, output?: unknown) => ({ type: `${effect}.done`, output }) as unknown as AnyEventObject;
const fail = (effect: string, message: string) => ({ type: `${effect}.failed`, error: new Error(message) }) as unknown as AnyEventObject;

type Snap = ReturnType<typeof initialTransition<typeof podMachine>>[0];
type Acts = ReturnType<typeof initialTransition<typeof podMachine>>[1];

/** Applies events one by one, as data, returning the last snapshot and all actions taken. */
function run(events: AnyEventObject[]): { snap: Snap; actions: Acts } {
  let [snap, actions] = initialTransition(podMachine, { podKey: 'default/web' });
  const all: Acts = [...actions];
  for (const e of events) {
    [snap, actions] = transition(podMachine, snap, e as never);
    all.push(...actions);
  }
  return { snap, actions: all };
}

type RawAction = { type: string; params?: unknown };
const emitted = (actions: Acts) =>
  (actions as RawAction[]).filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: { type: string } }).event);
const EFFECTS = new Set(['wire', 'revert', 'unwire']);
/** The effects started, in order (each is an action named after it, its input the params). */
const started = (actions: Acts) => (actions as RawAction[]).filter((a) => EFFECTS.has(a.type)).map((a) => a.type);

test('an ADD starts wiring by starting the wire effect with the container', (t) => {
  const { snap, actions } = run([addA as AnyEventObject]);
  t.is(snap.value, 'wiring');
  t.deepEqual(started(actions), ['wire']);
  t.deepEqual((actions as RawAction[]).find((a) => a.type === 'wire')?.params, {
    podKey: 'default/web', container: { containerId: 'cA', netns: '/var/run/netns/a', ifName: 'eth0' }, wiring: undefined, error: undefined, rewire: false,
  });
  t.is(snap.context.container?.containerId, 'cA');
});

test('a wiring that succeeds reports pod.wired with the wiring', (t) => {
  const { snap, actions } = run([addA as AnyEventObject, done('wire', wiringA)]);
  t.is(snap.value, 'wired');
  t.deepEqual(emitted(actions), [{ type: 'pod.wired', podKey: 'default/web', containerId: 'cA', wiring: wiringA }]);
});

test('a duplicate ADD for the same container answers with the same wiring and starts nothing', (t) => {
  const { snap, actions } = run([addA as AnyEventObject, done('wire', wiringA), addA as AnyEventObject]);
  t.is(snap.value, 'wired');
  t.deepEqual(started(actions), ['wire']);
  t.is(emitted(actions).length, 2);
  t.deepEqual(emitted(actions)[1], emitted(actions)[0]);
});

test('a failed wiring reverts before reporting pod.failed with the original error', (t) => {
  const { snap, actions } = run([addA as AnyEventObject, fail('wire', 'tap_create_v3: VNET_API_ERROR_INVALID_VALUE'), done('revert')]);
  t.is(snap.value, 'failed');
  t.deepEqual(started(actions), ['wire', 'revert']);
  t.deepEqual(emitted(actions), [{ type: 'pod.failed', podKey: 'default/web', containerId: 'cA', error: 'tap_create_v3: VNET_API_ERROR_INVALID_VALUE', revertError: undefined }]);
});

test('a revert error is attached to the original error, never replacing it', (t) => {
  const { actions } = run([addA as AnyEventObject, fail('wire', 'original'), fail('revert', 'revert broke')]);
  t.like(emitted(actions)[0], { type: 'pod.failed', error: 'original', revertError: 'revert broke' });
});

test('an ADD with a new container unwires the old wiring, then wires the new one', (t) => {
  const { snap, actions } = run([addA as AnyEventObject, done('wire', wiringA), addB as AnyEventObject, done('unwire')]);
  t.is(snap.value, 'wiring');
  t.is(snap.context.container?.containerId, 'cB');
  t.deepEqual(started(actions), ['wire', 'unwire', 'wire']);
  t.like(emitted(actions)[1], { type: 'pod.deleted', containerId: 'cA' });
});

test('a DEL during wiring is honoured once wiring settles', (t) => {
  const { snap, actions } = run([addA as AnyEventObject, { type: 'cni.del', containerId: 'cA' }, done('wire', wiringA), done('unwire')]);
  t.is(snap.value, 'gone');
  t.deepEqual(started(actions), ['wire', 'unwire']);
  // the ADD is answered (its wiring is abandoned) before the DEL is
  t.deepEqual(emitted(actions).map((e) => e.type), ['pod.abandoned', 'pod.deleted']);
});

test('a DEL for a pod never wired reports deletion without starting any effect', (t) => {
  const { snap, actions } = run([{ type: 'cni.del', containerId: 'cX' }]);
  t.is(snap.value, 'gone');
  t.deepEqual(started(actions), []);
  t.deepEqual(emitted(actions).map((e) => e.type), ['pod.deleted']);
});

test('a wired pod pauses in resyncing and returns to wired afterwards', (t) => {
  const a = run([addA as AnyEventObject, done('wire', wiringA), { type: 'resync.begin' }]);
  t.is(a.snap.value, 'resyncing');
  const b = run([addA as AnyEventObject, done('wire', wiringA), { type: 'resync.begin' }, { type: 'resync.end' }]);
  t.is(b.snap.value, 'wired');
});

/** Abstract state for the model: value plus the context facts that change behaviour. */
const abstract = (s: Snap) =>
  JSON.stringify([s.value, s.context.container?.containerId ?? null, s.context.next?.containerId ?? null, s.context.deleteRequested, !!s.context.wiring, !!s.context.error, s.context.adopted]);

const modelEvents = [
  addA, addB, { ...addA, type: 'resync.adopt', wiring: wiringA }, { type: 'cni.del', containerId: 'cA' }, { type: 'resync.begin' }, { type: 'resync.end' },
  done('wire', wiringA), fail('wire', 'boom'), done('revert'), fail('revert', 'revert boom'), done('unwire'), fail('unwire', 'unwire boom'),
] as AnyEventObject[];

test('every transition of the pod model keeps the invariants: failure reverts first, deletion of a wiring unwires it', (t) => {
  const adjacency: Record<string, { state: unknown; transitions: Record<string, { state: unknown }> }> = getAdjacencyMap(podMachine as never, { events: modelEvents, input: { podKey: 'default/web' }, serializeState: abstract } as never) as never;
  let edges = 0;
  const reached = new Set<string>();
  for (const node of Object.values(adjacency)) {
    const from = node.state as Snap;
    reached.add(String(from.value));
    for (const [eventKey, { state }] of Object.entries(node.transitions)) {
      const to = state as Snap;
      edges++;
      const where = `${abstract(from)} --${eventKey}--> ${abstract(to)}`;
      if (to.value === 'failed' && from.value !== 'failed') t.is(from.value, 'reverting', where);
      // a revert walks the same undo as an unwire (an adopted pod's failed re-wire reverts its wiring)
      if (to.value === 'gone' && from.value !== 'gone' && from.context.wiring) t.true(from.value === 'unwiring' || from.value === 'reverting', where);
      if (to.value === 'wired') t.truthy(to.context.wiring, where);
    }
  }
  t.true(edges > 40, `only ${edges} transitions explored`);
  t.deepEqual([...reached].sort(), ['failed', 'gone', 'pending', 'resyncing', 'reverting', 'unwiring', 'wired', 'wiring']);
});

test('every abstract state of the pod machine is reachable by a shortest path that replays to it', (t) => {
  const paths: Array<{ state: unknown; steps: Array<{ event: unknown }> }> = getShortestPaths(podMachine as never, { events: modelEvents, input: { podKey: 'default/web' }, serializeState: abstract } as never);
  t.true(paths.length >= 8);
  for (const path of paths) {
    const { snap } = run(path.steps.slice(1).map((s) => s.event as AnyEventObject));
    t.is(abstract(snap), abstract(path.state as Snap));
  }
});

const adoptA = { ...addA, type: 'resync.adopt', wiring: wiringA } as unknown as AnyEventObject;
const wireInputs = (actions: Acts) =>
  (actions as RawAction[]).filter((a) => a.type === 'wire').map((a) => (a.params as { rewire: boolean }).rewire);

test('a pod adopted at startup is wired without starting any effect', (t) => {
  const { snap, actions } = run([adoptA]);
  t.is(snap.value, 'wired');
  t.true(snap.context.adopted);
  t.deepEqual(started(actions), []);
  t.deepEqual(emitted(actions), []);
});

test('a duplicate ADD of an adopted pod wires it again (its record may predate the netns side) and answers once that is done; the next one is answered at once', (t) => {
  const again = run([adoptA, addA as AnyEventObject]);
  t.is(again.snap.value, 'wiring');
  t.deepEqual(wireInputs(again.actions), [true]);
  t.deepEqual(emitted(again.actions), []);
  const { snap, actions } = run([adoptA, addA as AnyEventObject, done('wire', wiringA), addA as AnyEventObject]);
  t.is(snap.value, 'wired');
  t.false(snap.context.adopted);
  t.deepEqual(started(actions), ['wire']);
  t.deepEqual(emitted(actions).map((e) => e.type), ['pod.wired', 'pod.wired']);
});

test('a new sandbox replacing an adopted pod is wired from scratch, not as a re-wire', (t) => {
  const { snap, actions } = run([adoptA, addB as AnyEventObject, done('unwire')]);
  t.is(snap.value, 'wiring');
  t.is(snap.context.container?.containerId, 'cB');
  t.deepEqual(wireInputs(actions), [false]);
});

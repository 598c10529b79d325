/**
 * Feeds actor transitions into the event history: each transition of an actor becomes one
 * record (event, from → to), which is what operators ask "what happened" with. Two ways in:
 * XState's inspection stream (`inspectInto`), which also hands every raw event (registrations,
 * events, snapshots) to the history's live observers, so a visualizer sees the same actors;
 * and the machine's own transition function (`recordingTransitions`), for actors made often.
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import type { History } from './history.js';

/** An `inspect` callback recording transitions of the actor tree rooted at `name`. */
export function inspectInto(history: History, name: string): (ev: InspectionEvent) => void {
  const last = new Map<string, string>();
  return (ev) => {
    history.inspected(ev);
    if (ev.type !== '@xstate.snapshot') return;
    const snap = ev.snapshot as { value?: unknown; status?: string };
    if (snap.value === undefined) return; // promise actors (effects) have no state value
    const id = ev.actorRef.sessionId;
    const to = stateText(snap.value);
    const from = last.get(id);
    if (from === to) return;
    last.set(id, to);
    if (snap.status === 'done' || snap.status === 'error') last.delete(id);
    recordTransition(history, name, ev.event, from, to);
  };
}

/**
 * `machine`, recording in `history` each transition of an actor that runs it, under the
 * actor's id, as `inspectInto` would. XState's inspection stream builds an object for every
 * event, action, microstep, snapshot and child actor; for a pod's add that is ~0.1 ms of
 * its ~2.4 ms (alternating runs of 500 adds), spent on the three records the add leaves.
 * The start is not a transition: whoever starts the actor records it (`recordStart`).
 */
export function recordingTransitions<M extends AnyStateMachine>(machine: M, history: History): M {
  // a machine whose transition function alone differs: XState calls it with this object as
  // `this`, and finds every other part of the machine through the prototype
  const recording = Object.create(machine) as M;
  recording.transition = (snapshot, event, scope) => {
    const next = machine.transition(snapshot, event, scope);
    const from = stateText(snapshot.value);
    const to = stateText(next.value);
    if (from !== to) recordTransition(history, scope.self.id, event, from, to);
    return next;
  };
  return recording;
}

/** Records an actor's start as the inspection stream shows it (from nothing to its state). */
export function recordStart(history: History, actor: string, value: unknown): void {
  history.record({ actor, event: 'xstate.init', from: undefined, to: stateText(value) });
}

/** One transition's record; an error event (a child actor's, or an effect's `<name>.failed`) carries its error's text. */
function recordTransition(history: History, actor: string, event: { type: string }, from: string | undefined, to: string): void {
  history.record({ actor, event: event.type, from, to, ...(isErrorEvent(event.type) ? { error: errorText(event) } : {}) });
}

function isErrorEvent(type: string): boolean {
  return type.startsWith('xstate.error') || type.endsWith('.failed');
}

/** A state value as the history shows it: most machines here are flat, their value a string. */
function stateText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value).replaceAll('"', '');
}

function errorText(event: unknown): string {
  const err = (event as { error?: unknown }).error;
  return err instanceof Error ? err.message : String(err);
}

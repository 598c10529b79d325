/**
 * Feeds XState's inspection stream into the event history: each transition of an actor
 * becomes one record (event, from → to), which is what operators ask "what happened" with.
 * Every raw event (registrations, events, snapshots) also goes to the history's live
 * observers, so a visualizer sees the same actors without a second hook in each registry.
 */
import type { InspectionEvent } from 'xstate';
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
    // most machines here are flat: their state value is already the string to show
    const to = typeof snap.value === 'string' ? snap.value : JSON.stringify(snap.value).replaceAll('"', '');
    const from = last.get(id);
    if (from === to) return;
    last.set(id, to);
    if (snap.status === 'done' || snap.status === 'error') last.delete(id);
    const event = ev.event.type;
    history.record({ actor: name, event, from, to, ...(event.startsWith('xstate.error') ? { error: errorText(ev.event) } : {}) });
  };
}

function errorText(event: unknown): string {
  const err = (event as { error?: unknown }).error;
  return err instanceof Error ? err.message : String(err);
}

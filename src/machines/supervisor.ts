/**
 * The agent's top-level lifecycle: wait for every source, run the startup resync under a
 * deadline, then serve events with run-time and healing resyncs until shutdown. Pure: the
 * resync and shutdown work are named effects; delays come from the input, time from the clock.
 */
import { assign, emit, setup } from 'xstate';
import { effect, errorMessage as message } from './effect.js';

/** Sources the startup resync waits for (contiv gates resync on every source having synced). */
export type SourceName = 'store' | 'nodeId' | 'vpp' | 'kubernetes';

/** Which resync a run is: startup (IPAM rebuilt), run-time (requested), healing (after a failure). */
export type ResyncKind = 'startup' | 'runtime' | 'healing';

/** Timing and gating of one supervisor, compiled from config. */
export interface SupervisorInput {
  readonly requiredSources: readonly SourceName[];
  readonly startupDeadlineMs: number;
  readonly healingDelayMs: number;
  /** Consecutive failed healing resyncs tolerated before the agent gives up (kubelet restarts it). */
  readonly maxHealingAttempts: number;
  /** 0 disables periodic healing. */
  readonly periodicHealingMs: number;
}

/** Events the supervisor accepts. */
export type SupervisorEvent =
  | { type: 'source.ready'; source: SourceName }
  | { type: 'resync.requested'; reason: string }
  | { type: 'update.failed'; error: string }
  | { type: 'vpp.restarted' }
  | { type: 'shutdown' };

/** What the supervisor tells listeners. */
export type SupervisorEmitted =
  | { type: 'supervisor.ready'; resyncCount: number }
  | { type: 'supervisor.fatal'; reason: string }
  | { type: 'supervisor.resynced'; kind: ResyncKind; resyncCount: number };

/** The supervisor's memory. */
export interface SupervisorContext extends SupervisorInput {
  readonly ready: readonly SourceName[];
  readonly resyncCount: number;
  readonly healingAttempts: number;
  readonly lastError: string | undefined;
  readonly fatalReason: string | undefined;
}

/** The supervisor machine. */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    input: {} as SupervisorInput,
    events: {} as SupervisorEvent,
    emitted: {} as SupervisorEmitted,
  },
  actors: {
    resync: effect<void, { kind: ResyncKind; resyncCount: number }>('resync'),
    shutdown: effect<void, void>('shutdown'),
  },
  delays: {
    startupDeadline: ({ context }) => context.startupDeadlineMs,
    healingDelay: ({ context }) => context.healingDelayMs,
    periodicHealing: ({ context }) => context.periodicHealingMs,
  },
  guards: {
    allSourcesReady: ({ context }) => context.requiredSources.every((s) => context.ready.includes(s)),
    healingExhausted: ({ context }) => context.healingAttempts + 1 >= context.maxHealingAttempts,
    periodicHealingEnabled: ({ context }) => context.periodicHealingMs > 0,
  },
  actions: {
    countResync: assign({ resyncCount: ({ context }) => context.resyncCount + 1 }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({ ...input, ready: [], resyncCount: 0, healingAttempts: 0, lastError: undefined, fatalReason: undefined }),
  initial: 'startup',
  on: { shutdown: '.shuttingDown' },
  states: {
    startup: {
      initial: 'waitingForSources',
      after: { startupDeadline: { target: 'fatal', actions: assign({ fatalReason: ({ context }) => `startup resync did not complete within ${context.startupDeadlineMs} ms${context.lastError ? `: ${context.lastError}` : ''}` }) } },
      on: {
        'source.ready': { actions: assign({ ready: ({ context, event }) => (context.ready.includes(event.source) ? context.ready : [...context.ready, event.source]) }) },
      },
      states: {
        waitingForSources: { always: { guard: 'allSourcesReady', target: 'resyncing' } },
        resyncing: {
          entry: 'countResync',
          invoke: {
            id: 'resync',
            src: 'resync',
            input: ({ context }) => ({ kind: 'startup' as const, resyncCount: context.resyncCount }),
            onDone: { target: '#supervisor.running', actions: emit(({ context }) => ({ type: 'supervisor.ready' as const, resyncCount: context.resyncCount })) },
            onError: { target: 'retrying', actions: assign({ lastError: ({ event }) => message(event.error) }) },
          },
        },
        // a failed startup resync is retried until the deadline fires (then the agent exits)
        retrying: { after: { 1000: 'resyncing' } },
      },
    },
    running: {
      entry: assign({ healingAttempts: 0 }),
      after: { periodicHealing: { guard: 'periodicHealingEnabled', target: 'healingResync' } },
      on: {
        'resync.requested': 'runtimeResync',
        'vpp.restarted': 'runtimeResync',
        'update.failed': { target: 'healingWait', actions: assign({ lastError: ({ event }) => event.error }) },
      },
    },
    runtimeResync: {
      entry: 'countResync',
      invoke: {
        id: 'resync',
        src: 'resync',
        input: ({ context }) => ({ kind: 'runtime' as const, resyncCount: context.resyncCount }),
        onDone: { target: 'running', actions: emit(({ context }) => ({ type: 'supervisor.resynced' as const, kind: 'runtime' as const, resyncCount: context.resyncCount })) },
        onError: { target: 'healingWait', actions: assign({ lastError: ({ event }) => message(event.error) }) },
      },
      // requests during a resync are served by the one running: it reads the newest state
    },
    healingWait: {
      after: { healingDelay: 'healingResync' },
      on: { 'update.failed': {}, 'resync.requested': {} },
    },
    healingResync: {
      entry: 'countResync',
      invoke: {
        id: 'resync',
        src: 'resync',
        input: ({ context }) => ({ kind: 'healing' as const, resyncCount: context.resyncCount }),
        onDone: { target: 'running', actions: emit(({ context }) => ({ type: 'supervisor.resynced' as const, kind: 'healing' as const, resyncCount: context.resyncCount })) },
        onError: [
          { guard: 'healingExhausted', target: 'fatal', actions: assign({ fatalReason: ({ context, event }) => `healing resync failed ${context.maxHealingAttempts} times: ${message(event.error)}` }) },
          { target: 'healingWait', actions: assign({ healingAttempts: ({ context }) => context.healingAttempts + 1, lastError: ({ event }) => message(event.error) }) },
        ],
      },
    },
    shuttingDown: {
      invoke: { id: 'shutdown', src: 'shutdown', onDone: 'stopped', onError: 'stopped' },
      on: { shutdown: {} },
    },
    stopped: { type: 'final' },
    fatal: {
      type: 'final',
      entry: emit(({ context }) => ({ type: 'supervisor.fatal' as const, reason: context.fatalReason ?? 'unknown' })),
    },
  },
});

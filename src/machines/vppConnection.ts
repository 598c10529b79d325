/**
 * The one path to VPP: connect, then apply transactions one at a time, coalescing queued
 * ones that touch disjoint keys into a single pipelined apply; on a VPP restart reconnect
 * and ask the supervisor for a full resync. Pure: connect and the batch runner are named
 * effects; `batchRunner` makes the runner from an apply function.
 */
import { assign, emit, enqueueActions, fromCallback, sendTo, setup, type CallbackActorLogic, type EventObject } from 'xstate';
import { EffectNotProvidedError, effect, errorMessage as message } from './effect.js';

/** A unit of work for VPP: the keys it writes (for conflict checks) and an opaque payload. */
export interface Txn {
  readonly id: number;
  readonly keys: readonly string[];
  readonly payload: unknown;
  /** Runs in a batch of its own (a resync reads and writes everything; order around it matters). */
  readonly exclusive?: boolean;
}

/** Per-transaction outcome of one apply. */
export interface TxnOutcome {
  readonly id: number;
  readonly ok: boolean;
  readonly error: string | undefined;
}

/** Events the connection accepts. */
export type VppConnectionEvent =
  | { type: 'txn.submit'; txn: Txn }
  /** Several transactions in submission order: one machine step for a burst instead of one each. */
  | { type: 'txns.submit'; txns: readonly Txn[] }
  | { type: 'vpp.restarted' }
  | { type: 'vpp.disconnected'; reason: string }
  | BatchReport;

/** What the batch runner tells the connection about batch `batch` (its number). */
export type BatchReport =
  | { type: 'batch.done'; batch: number; outcomes: readonly TxnOutcome[] }
  | { type: 'batch.failed'; batch: number; error: string };

/** What the connection asks of its batch runner. */
export interface BatchRun extends EventObject {
  readonly type: 'batch.run';
  readonly batch: number;
  readonly txns: readonly Txn[];
}

/**
 * The batch runner: one long-lived actor that runs each batch it is handed with `apply` and
 * reports back. A promise actor invoked per batch cost ~100 µs and ~37 KB of allocation per
 * batch in XState's actor set-up and tear-down (a pod add is one batch); handing a batch to
 * a running actor is an event. A failed `apply` is reported as the batch's failure, whether
 * it rejects or throws: a throw out of the runner would fail the connection itself.
 */
export function batchRunner(apply: (txns: readonly Txn[]) => Promise<readonly TxnOutcome[]>): CallbackActorLogic<BatchRun> {
  return fromCallback<BatchRun>(({ receive, sendBack }) => {
    receive(({ batch, txns }) => {
      let run: Promise<readonly TxnOutcome[]>;
      try {
        run = apply(txns);
      } catch (error) {
        run = Promise.reject(error);
      }
      run.then(
        (outcomes) => sendBack({ type: 'batch.done', batch, outcomes } satisfies BatchReport),
        (error: unknown) => sendBack({ type: 'batch.failed', batch, error: message(error) } satisfies BatchReport),
      );
    });
  });
}

/** Events the connection emits. */
export type VppConnectionEmitted =
  | { type: 'txn.done'; outcome: TxnOutcome }
  | { type: 'vpp.connected'; reconnect: boolean }
  | { type: 'resync.needed'; reason: string };

/** The connection's memory. */
export interface VppConnectionContext {
  readonly queue: readonly Txn[];
  readonly inFlight: readonly Txn[];
  /** Number of the batch in flight (or the last one): a report for any other is stale. */
  readonly batch: number;
  readonly reconnects: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly lastError: string | undefined;
}

/**
 * Takes the longest prefix of the queue whose transactions write disjoint keys, so that the
 * batch keeps submission order for any two transactions touching the same item. An
 * exclusive transaction ends the prefix, or is the whole batch when it comes first.
 */
export function coalesce(queue: readonly Txn[]): { batch: Txn[]; rest: Txn[] } {
  if (queue[0]?.exclusive === true) return { batch: queue.slice(0, 1), rest: queue.slice(1) };
  const seen = new Set<string>();
  let n = 0;
  for (const txn of queue) {
    if (txn.exclusive === true || txn.keys.some((k) => seen.has(k))) break;
    txn.keys.forEach((k) => seen.add(k));
    n++;
  }
  return { batch: queue.slice(0, n), rest: queue.slice(n) };
}

/** The queue with what a submit event brings appended (other events bring nothing). */
function queueWith(queue: readonly Txn[], event: VppConnectionEvent): readonly Txn[] {
  if (event.type === 'txn.submit') return [...queue, event.txn];
  return event.type === 'txns.submit' ? [...queue, ...event.txns] : queue;
}

/** The VPP connection machine. */
export const vppConnectionMachine = setup({
  types: {
    context: {} as VppConnectionContext,
    input: {} as { initialBackoffMs: number; maxBackoffMs: number },
    events: {} as VppConnectionEvent,
    emitted: {} as VppConnectionEmitted,
  },
  actors: {
    connect: effect<void, { reconnect: boolean }>('connect'),
    runner: fromCallback<BatchRun>(() => {
      throw new EffectNotProvidedError('runner');
    }),
  },
  delays: {
    backoff: ({ context }) => Math.min(context.maxBackoffMs, context.backoffMs * 2 ** Math.min(context.reconnects, 16)),
  },
  guards: {
    hasQueued: ({ context }) => context.queue.length > 0,
    isInFlight: ({ context, event }) => (event.type === 'batch.done' || event.type === 'batch.failed') && event.batch === context.batch,
    bringsWork: ({ event }) => event.type === 'txn.submit' || (event.type === 'txns.submit' && event.txns.length > 0),
  },
  actions: {
    enqueue: assign({ queue: ({ context, event }) => queueWith(context.queue, event) }),
    report: enqueueActions(({ enqueue }, params: { outcomes: readonly TxnOutcome[] }) => {
      for (const outcome of params.outcomes) enqueue.emit({ type: 'txn.done', outcome });
    }),
    failInFlight: enqueueActions(({ context, enqueue }, params: { reason: string }) => {
      for (const txn of context.inFlight) enqueue.emit({ type: 'txn.done', outcome: { id: txn.id, ok: false, error: params.reason } });
    }),
    takeBatch: assign(({ context }) => {
      const { batch, rest } = coalesce(context.queue);
      return { inFlight: batch, queue: rest, batch: context.batch + 1 };
    }),
    /** Queues what the event brings and takes the batch at once: one context update, not two. */
    enqueueAndTake: assign(({ context, event }) => {
      const { batch, rest } = coalesce(queueWith(context.queue, event));
      return { inFlight: batch, queue: rest, batch: context.batch + 1 };
    }),
    runBatch: sendTo('runner', ({ context }): BatchRun => ({ type: 'batch.run', batch: context.batch, txns: context.inFlight })),
  },
}).createMachine({
  id: 'vppConnection',
  context: ({ input }) => ({ queue: [], inFlight: [], batch: 0, reconnects: 0, backoffMs: input.initialBackoffMs, maxBackoffMs: input.maxBackoffMs, lastError: undefined }),
  initial: 'connecting',
  // the runner lives as long as the connection; a batch it reports after the connection gave
  // the batch up (a VPP restart mid-apply) is stale, and no state takes it
  invoke: { id: 'runner', src: 'runner' },
  on: { 'txn.submit': { actions: 'enqueue' }, 'txns.submit': { actions: 'enqueue' } },
  states: {
    disconnected: {
      after: { backoff: 'connecting' },
    },
    connecting: {
      invoke: {
        id: 'connect',
        src: 'connect',
        input: ({ context }) => ({ reconnect: context.reconnects > 0 }),
        onDone: [
          {
            guard: ({ context }) => context.reconnects > 0,
            target: 'ready',
            actions: [emit({ type: 'vpp.connected' as const, reconnect: true }), emit({ type: 'resync.needed' as const, reason: 'VPP reconnected' }), assign({ reconnects: 0 })],
          },
          { target: 'ready', actions: emit({ type: 'vpp.connected' as const, reconnect: false }) },
        ],
        onError: { target: 'disconnected', actions: assign({ reconnects: ({ context }) => context.reconnects + 1, lastError: ({ event }) => message(event.error) }) },
      },
    },
    ready: {
      always: { guard: 'hasQueued', target: 'applying', actions: 'takeBatch' },
      on: {
        // an idle connection goes straight to applying: one machine step per submit, not a
        // queueing step and then an eventless one
        'txn.submit': { target: 'applying', actions: 'enqueueAndTake' },
        'txns.submit': { guard: 'bringsWork', target: 'applying', actions: 'enqueueAndTake' },
        'vpp.restarted': { target: 'connecting', actions: assign({ reconnects: 1 }) },
        'vpp.disconnected': { target: 'disconnected', actions: assign({ reconnects: 1, lastError: ({ event }) => event.reason }) },
      },
    },
    applying: {
      // entered only from ready, whose transitions take the batch
      entry: 'runBatch',
      on: {
        'batch.done': { guard: 'isInFlight', target: 'ready', actions: [{ type: 'report', params: ({ event }) => ({ outcomes: event.outcomes }) }, assign({ inFlight: [] })] },
        'batch.failed': { guard: 'isInFlight', target: 'ready', actions: [{ type: 'failInFlight', params: ({ event }) => ({ reason: event.error }) }, assign({ inFlight: [] })] },
        // a restart mid-apply fails the batch; the resync that follows rebuilds VPP from desired state
        'vpp.restarted': { target: 'connecting', actions: [{ type: 'failInFlight', params: { reason: 'VPP restarted during apply' } }, assign({ reconnects: 1, inFlight: [] })] },
        'vpp.disconnected': { target: 'disconnected', actions: [{ type: 'failInFlight', params: { reason: 'VPP connection lost during apply' } }, assign({ reconnects: 1, inFlight: [] })] },
      },
    },
  },
});

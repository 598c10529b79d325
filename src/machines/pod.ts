/**
 * Lifecycle of one pod's network: pending → wiring → wired → unwiring → gone, with a failed
 * wiring reverting before it reports. Pure definition: the effects (`wire`, `revert`,
 * `unwire`) are named here and provided at the composition root. Each is an action its state
 * starts on entry, reporting back as `<effect>.done` / `<effect>.failed` (`effectAction`
 * says why not an invoked actor).
 */
import { and, assign, emit, setup } from 'xstate';
import { effectAction, errorMessage as message } from './effect.js';

/** The sandbox a CNI ADD names; a new container for the same pod replaces the old wiring. */
export interface PodContainer {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
}

/** What a successful wiring produced; handed back unchanged on a duplicate ADD. */
export interface PodWiring {
  readonly ip: string;
  readonly gateway: string;
  readonly mac: string;
  readonly vppIfName: string;
  readonly hostIfName: string;
}

/** Input of every pod effect. */
export interface PodEffectInput {
  readonly podKey: string;
  readonly container: PodContainer;
  readonly wiring: PodWiring | undefined;
  readonly error: string | undefined;
  /**
   * A duplicate ADD of a pod adopted at start-up: its record is written while VPP is wired, so
   * a crash can leave a record whose netns side was never wired; the wiring is run again (each
   * step is idempotent) instead of answering from the record.
   */
  readonly rewire: boolean;
}

/** Events a pod actor accepts (dot-namespaced). */
export type PodEvent =
  | ({ type: 'cni.add' } & PodContainer)
  | { type: 'cni.del'; containerId: string }
  | { type: 'resync.begin' }
  | { type: 'resync.end' }
  /** A pod found wired at startup (persisted record + VPP): no effect runs, it is just known again. */
  | ({ type: 'resync.adopt'; wiring: PodWiring } & PodContainer)
  /** The effects' reports (`startsEffect` sends them; nothing else does). */
  | { type: 'wire.done'; output: PodWiring }
  | { type: 'wire.failed'; error: unknown }
  | { type: 'revert.done' }
  | { type: 'revert.failed'; error: unknown }
  | { type: 'unwire.done' }
  | { type: 'unwire.failed'; error: unknown };

/** Events a pod actor emits to listeners (the CNI server waits on these). */
export type PodEmitted =
  | { type: 'pod.wired'; podKey: string; containerId: string; wiring: PodWiring }
  | { type: 'pod.failed'; podKey: string; containerId: string; error: string; revertError: string | undefined }
  | { type: 'pod.deleted'; podKey: string; containerId: string; error: string | undefined }
  /**
   * A wiring that succeeded but is removed before it is reported, because a DEL or a newer
   * sandbox of the pod came while it ran: the ADD that asked for it is answered with this.
   */
  | { type: 'pod.abandoned'; podKey: string; containerId: string; reason: string };

/** The pod machine's memory. */
export interface PodContext {
  readonly podKey: string;
  readonly container: PodContainer | undefined;
  readonly wiring: PodWiring | undefined;
  readonly error: string | undefined;
  /** A newer container waiting for the old wiring to be removed. */
  readonly next: PodContainer | undefined;
  /** A DEL arrived while wiring; honour it once wiring settles. */
  readonly deleteRequested: boolean;
  /** Known from its record at start-up and not wired by this agent since (see `rewire`). */
  readonly adopted: boolean;
}

const effectInput = ({ context }: { context: PodContext }): PodEffectInput => ({
  podKey: context.podKey,
  container: context.container as PodContainer,
  wiring: context.wiring,
  error: context.error,
  rewire: context.adopted,
});

const containerOf = (e: PodContainer): PodContainer => ({ containerId: e.containerId, netns: e.netns, ifName: e.ifName });

/** The pod lifecycle machine. */
export const podMachine = setup({
  types: {
    context: {} as PodContext,
    input: {} as { podKey: string },
    events: {} as PodEvent,
    emitted: {} as PodEmitted,
  },
  guards: {
    sameContainer: ({ context, event }) => 'containerId' in event && context.container?.containerId === event.containerId,
    otherContainer: ({ context, event }) => 'containerId' in event && context.container?.containerId !== event.containerId,
    adopted: ({ context }) => context.adopted,
    hasNext: ({ context }) => context.next !== undefined,
    deleteRequested: ({ context }) => context.deleteRequested,
  },
  actions: {
    wire: effectAction<PodEffectInput>('wire'),
    revert: effectAction<PodEffectInput>('revert'),
    unwire: effectAction<PodEffectInput>('unwire'),
    emitWired: emit(({ context }) => ({
      type: 'pod.wired' as const,
      podKey: context.podKey,
      containerId: context.container?.containerId ?? '',
      wiring: context.wiring as PodWiring,
    })),
    emitDeleted: emit(({ context }) => deleted(context, undefined)),
    emitAbandoned: emit(({ context }) => ({
      type: 'pod.abandoned' as const,
      podKey: context.podKey,
      containerId: context.container?.containerId ?? '',
      reason: context.deleteRequested ? 'the pod was deleted while it was being wired' : 'a newer sandbox of the pod came while it was being wired',
    })),
    /** A newer sandbox of the pod, wired once the current effect settles. */
    queueNext: assign({ next: ({ event }) => containerOf(event as PodContainer) }),
    /** A DEL that came while an effect runs, honoured once it settles. */
    requestDelete: assign({ deleteRequested: true }),
    /** A settled revert left nothing of the wiring (a failed re-wire of an adopted pod had one). */
    forgetWiring: assign({ wiring: undefined }),
    /** The newer sandbox replaces the one whose wiring failed; nothing of the old one carries over. */
    takeNext: assign({ container: ({ context }) => context.next, next: undefined, wiring: undefined, error: undefined, deleteRequested: false, adopted: false }),
  },
}).createMachine({
  id: 'pod',
  context: ({ input }) => ({ podKey: input.podKey, container: undefined, wiring: undefined, error: undefined, next: undefined, deleteRequested: false, adopted: false }),
  initial: 'pending',
  states: {
    pending: {
      on: {
        'resync.adopt': { target: 'wired', actions: assign({ container: ({ event }) => containerOf(event), wiring: ({ event }) => event.wiring, adopted: true }) },
        'cni.add': { target: 'wiring', actions: assign({ container: ({ event }) => containerOf(event) }) },
        'cni.del': { target: 'gone', actions: emit(({ context, event }) => ({ type: 'pod.deleted' as const, podKey: context.podKey, containerId: event.containerId, error: undefined })) },
      },
    },
    wiring: {
      entry: { type: 'wire', params: effectInput },
      on: {
        'wire.done': [
          { guard: 'deleteRequested', target: 'unwiring', actions: ['emitAbandoned', assign({ wiring: ({ event }) => event.output, deleteRequested: false, adopted: false })] },
          { guard: 'hasNext', target: 'unwiring', actions: ['emitAbandoned', assign({ wiring: ({ event }) => event.output, adopted: false })] },
          { target: 'wired', actions: [assign({ wiring: ({ event }) => event.output, error: undefined, adopted: false }), 'emitWired'] },
        ],
        'wire.failed': { target: 'reverting', actions: assign({ error: ({ event }) => message(event.error), adopted: false }) },
        'cni.add': { guard: 'otherContainer', actions: 'queueNext' },
        'cni.del': { actions: 'requestDelete' },
      },
    },
    wired: {
      on: {
        'cni.add': [
          { guard: and(['sameContainer', 'adopted']), target: 'wiring' },
          { guard: 'sameContainer', actions: 'emitWired' },
          { target: 'unwiring', actions: 'queueNext' },
        ],
        'cni.del': { target: 'unwiring' },
        'resync.begin': { target: 'resyncing' },
      },
    },
    resyncing: {
      on: {
        'resync.end': { target: 'wired' },
        'cni.add': [
          { guard: and(['sameContainer', 'adopted']), target: 'wiring' },
          { guard: 'sameContainer', actions: 'emitWired' },
          { target: 'unwiring', actions: 'queueNext' },
        ],
        'cni.del': { target: 'unwiring' },
      },
    },
    reverting: {
      entry: { type: 'revert', params: effectInput },
      on: {
        // as while wiring: a DEL or a newer sandbox is honoured once the revert settled (ignored
        // here, the DEL would wait for the CNI timeout, and so would the newer sandbox's ADD):
        // the DEL is answered (the revert left nothing to remove), the newer sandbox is wired next
        'cni.add': { guard: 'otherContainer', actions: 'queueNext' },
        'cni.del': { actions: 'requestDelete' },
        'revert.done': [
          { guard: and(['hasNext', 'deleteRequested']), target: 'wiring', actions: [emit(({ context }) => failed(context, undefined)), 'emitDeleted', 'takeNext'] },
          { guard: 'hasNext', target: 'wiring', actions: [emit(({ context }) => failed(context, undefined)), 'takeNext'] },
          { guard: 'deleteRequested', target: 'gone', actions: [emit(({ context }) => failed(context, undefined)), 'emitDeleted', 'forgetWiring'] },
          { target: 'failed', actions: [emit(({ context }) => failed(context, undefined)), 'forgetWiring'] },
        ],
        'revert.failed': [
          { guard: and(['hasNext', 'deleteRequested']), target: 'wiring', actions: [emit(({ context, event }) => failed(context, message(event.error))), 'emitDeleted', 'takeNext'] },
          { guard: 'hasNext', target: 'wiring', actions: [emit(({ context, event }) => failed(context, message(event.error))), 'takeNext'] },
          { guard: 'deleteRequested', target: 'gone', actions: [emit(({ context, event }) => failed(context, message(event.error))), 'emitDeleted', 'forgetWiring'] },
          { target: 'failed', actions: [emit(({ context, event }) => failed(context, message(event.error))), 'forgetWiring'] },
        ],
      },
    },
    failed: {
      on: {
        'cni.add': { target: 'wiring', actions: assign({ container: ({ event }) => containerOf(event), error: undefined, wiring: undefined }) },
        'cni.del': { target: 'gone', actions: emit(({ context, event }) => ({ type: 'pod.deleted' as const, podKey: context.podKey, containerId: event.containerId, error: undefined })) },
      },
    },
    unwiring: {
      entry: { type: 'unwire', params: effectInput },
      on: {
        'cni.add': { actions: 'queueNext' },
        'unwire.done': [
          { guard: 'hasNext', target: 'wiring', actions: [emit(({ context }) => deleted(context, undefined)), assign({ container: ({ context }) => context.next, next: undefined, wiring: undefined, adopted: false })] },
          { target: 'gone', actions: emit(({ context }) => deleted(context, undefined)) },
        ],
        // resync removes whatever a failed unwire left behind (leaked interfaces are ours by name)
        'unwire.failed': [
          { guard: 'hasNext', target: 'wiring', actions: [emit(({ context, event }) => deleted(context, message(event.error))), assign({ container: ({ context }) => context.next, next: undefined, wiring: undefined, adopted: false })] },
          { target: 'gone', actions: emit(({ context, event }) => deleted(context, message(event.error))) },
        ],
      },
    },
    gone: { type: 'final' },
  },
});

function failed(context: PodContext, revertError: string | undefined): PodEmitted {
  return { type: 'pod.failed', podKey: context.podKey, containerId: context.container?.containerId ?? '', error: context.error ?? 'unknown error', revertError };
}

function deleted(context: PodContext, error: string | undefined): PodEmitted {
  return { type: 'pod.deleted', podKey: context.podKey, containerId: context.container?.containerId ?? '', error };
}

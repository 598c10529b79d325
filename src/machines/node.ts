/**
 * One peer node: its tunnel and routes follow its record at once (an IP change re-applies
 * immediately, not at the next resync). Pure: `connectPeer` / `disconnectPeer` are effects.
 */
import { assign, emit, setup } from 'xstate';
import { effect, errorMessage as message } from './effect.js';

/** What this node knows of a peer (from the node-ID records). */
export interface PeerInfo {
  readonly id: number;
  readonly name: string;
  readonly vppIPs: readonly string[];
  /** Kubernetes management IPs, when a Kubernetes source runs. */
  readonly mgmtIPs?: readonly string[];
}

/** Events a peer actor accepts. */
export type NodeEvent = { type: 'node.updated'; peer: PeerInfo } | { type: 'node.removed' } | { type: 'resync.begin' } | { type: 'resync.end' };

/** Events a peer actor emits. */
export type NodeEmitted =
  | { type: 'node.connected'; peer: PeerInfo }
  | { type: 'node.failed'; peer: PeerInfo; error: string }
  | { type: 'node.gone'; peer: PeerInfo };

/** The peer actor's memory: what is applied and what should be. */
export interface NodeContext {
  readonly peer: PeerInfo;
  readonly applied: PeerInfo | undefined;
  readonly retryMs: number;
  readonly attempts: number;
  readonly error: string | undefined;
}

/** The peer node machine. */
export const nodeMachine = setup({
  types: {
    context: {} as NodeContext,
    input: {} as { peer: PeerInfo; retryMs: number },
    events: {} as NodeEvent,
    emitted: {} as NodeEmitted,
  },
  actors: {
    // resolves with the record it applied: an update arriving meanwhile is then still pending
    connectPeer: effect<PeerInfo, { peer: PeerInfo; previous: PeerInfo | undefined }>('connectPeer'),
    disconnectPeer: effect<void, { peer: PeerInfo }>('disconnectPeer'),
  },
  delays: { retry: ({ context }) => Math.min(30_000, context.retryMs * 2 ** Math.min(context.attempts, 10)) },
  guards: { changed: ({ context }) => JSON.stringify(context.peer) !== JSON.stringify(context.applied) },
}).createMachine({
  id: 'node',
  context: ({ input }) => ({ peer: input.peer, applied: undefined, retryMs: input.retryMs, attempts: 0, error: undefined }),
  initial: 'discovered',
  on: {
    'node.updated': { actions: assign({ peer: ({ event }) => event.peer }) },
    'node.removed': '.disconnecting',
  },
  states: {
    discovered: { always: 'connecting' },
    connecting: {
      invoke: {
        id: 'connectPeer',
        src: 'connectPeer',
        input: ({ context }) => ({ peer: context.peer, previous: context.applied }),
        onDone: { target: 'connected', actions: [assign({ applied: ({ event }) => event.output, attempts: 0, error: undefined }), emit(({ event }) => ({ type: 'node.connected' as const, peer: event.output }))] },
        onError: { target: 'retrying', actions: [assign({ error: ({ event }) => message(event.error), attempts: ({ context }) => context.attempts + 1 }), emit(({ context, event }) => ({ type: 'node.failed' as const, peer: context.peer, error: message(event.error) }))] },
      },
    },
    retrying: { after: { retry: 'connecting' } },
    connected: {
      always: { guard: 'changed', target: 'updating' },
      on: { 'resync.begin': 'resyncing' },
    },
    resyncing: { on: { 'resync.end': 'connected' } },
    updating: {
      invoke: {
        id: 'connectPeer',
        src: 'connectPeer',
        input: ({ context }) => ({ peer: context.peer, previous: context.applied }),
        onDone: { target: 'connected', actions: [assign({ applied: ({ event }) => event.output, attempts: 0, error: undefined }), emit(({ event }) => ({ type: 'node.connected' as const, peer: event.output }))] },
        onError: { target: 'retrying', actions: [assign({ error: ({ event }) => message(event.error), attempts: ({ context }) => context.attempts + 1 }), emit(({ context, event }) => ({ type: 'node.failed' as const, peer: context.peer, error: message(event.error) }))] },
      },
    },
    disconnecting: {
      on: { 'node.removed': {} },
      invoke: {
        id: 'disconnectPeer',
        src: 'disconnectPeer',
        input: ({ context }) => ({ peer: context.applied ?? context.peer }),
        // a failed removal leaves items the next resync deletes: they are no longer desired
        onDone: { target: 'gone', actions: emit(({ context }) => ({ type: 'node.gone' as const, peer: context.peer })) },
        onError: { target: 'gone', actions: emit(({ context }) => ({ type: 'node.gone' as const, peer: context.peer })) },
      },
    },
    gone: { type: 'final' },
  },
});

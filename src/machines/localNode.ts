/**
 * This node's own VPP configuration (main interface, host interconnect, VRFs, gateway
 * loopback): waits for the node ID, configures, and re-configures when the node IP changes.
 */
import { assign, emit, setup } from 'xstate';
import { effect, errorMessage as message } from './effect.js';

/** Events the local-node actor accepts. */
export type LocalNodeEvent = { type: 'nodeid.allocated'; nodeId: number } | { type: 'node.ipv4.changed'; nodeIP: string } | { type: 'resync.begin' } | { type: 'resync.end' };

/** Events it emits. */
export type LocalNodeEmitted = { type: 'localNode.ready'; nodeId: number; nodeIP: string | undefined } | { type: 'localNode.failed'; error: string };

/** Its memory. */
export interface LocalNodeContext {
  readonly nodeId: number | undefined;
  readonly nodeIP: string | undefined;
  readonly retryMs: number;
  readonly attempts: number;
  readonly error: string | undefined;
}

/** The local node machine. */
export const localNodeMachine = setup({
  types: {
    context: {} as LocalNodeContext,
    input: {} as { retryMs: number; nodeIP?: string },
    events: {} as LocalNodeEvent,
    emitted: {} as LocalNodeEmitted,
  },
  actors: { configureHost: effect<void, { nodeId: number; nodeIP: string | undefined }>('configureHost') },
  delays: { retry: ({ context }) => Math.min(30_000, context.retryMs * 2 ** Math.min(context.attempts, 10)) },
}).createMachine({
  id: 'localNode',
  context: ({ input }) => ({ nodeId: undefined, nodeIP: input.nodeIP, retryMs: input.retryMs, attempts: 0, error: undefined }),
  initial: 'awaitingNodeId',
  on: { 'node.ipv4.changed': { guard: ({ context }) => context.nodeId !== undefined, target: '.configuringHost', actions: assign({ nodeIP: ({ event }) => event.nodeIP }) } },
  states: {
    awaitingNodeId: {
      on: {
        'nodeid.allocated': { target: 'configuringHost', actions: assign({ nodeId: ({ event }) => event.nodeId }) },
        'node.ipv4.changed': { actions: assign({ nodeIP: ({ event }) => event.nodeIP }) },
      },
    },
    configuringHost: {
      invoke: {
        id: 'configureHost',
        src: 'configureHost',
        input: ({ context }) => ({ nodeId: context.nodeId as number, nodeIP: context.nodeIP }),
        onDone: { target: 'ready', actions: [assign({ attempts: 0, error: undefined }), emit(({ context }) => ({ type: 'localNode.ready' as const, nodeId: context.nodeId as number, nodeIP: context.nodeIP }))] },
        onError: { target: 'retrying', actions: [assign({ attempts: ({ context }) => context.attempts + 1, error: ({ event }) => message(event.error) }), emit(({ event }) => ({ type: 'localNode.failed' as const, error: message(event.error) }))] },
      },
    },
    retrying: { after: { retry: 'configuringHost' } },
    ready: { on: { 'resync.begin': 'resyncing' } },
    resyncing: { on: { 'resync.end': 'ready' } },
  },
});

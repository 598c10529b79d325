import test from 'ava';
import { createActor, fromPromise, initialTransition, SimulatedClock, transition } from 'xstate';
import { nodeMachine, type NodeEmitted, type PeerInfo } from '../../src/machines/node.js';
import { localNodeMachine } from '../../src/machines/localNode.js';
import { decideRestart } from '../../src/machines/supervision.js';

const peer2: PeerInfo = { id: 2, name: 'node-2', vppIPs: ['192.168.16.2/24'] };
const flush = () => new Promise((r) => setImmediate(r));

function startPeer(connect: (p: PeerInfo, prev: PeerInfo | undefined) => Promise<void>) {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  const emitted: NodeEmitted[] = [];
  const actor = createActor(
    nodeMachine.provide({
      actors: {
        connectPeer: fromPromise(async ({ input }: { input: { peer: PeerInfo; previous: PeerInfo | undefined } }) => {
          calls.push(`connect ${input.peer.vppIPs.join(',')} (was ${input.previous?.vppIPs.join(',') ?? 'none'})`);
          await connect(input.peer, input.previous);
          return input.peer;
        }),
        disconnectPeer: fromPromise<void, { peer: PeerInfo }>(async ({ input }) => {
          calls.push(`disconnect ${input.peer.name}`);
        }),
      },
    }),
    { input: { peer: peer2, retryMs: 500 }, clock },
  );
  for (const type of ['node.connected', 'node.failed', 'node.gone'] as const) actor.on(type, (e) => void emitted.push(e));
  actor.start();
  return { actor, clock, calls, emitted };
}

test('a discovered peer connects at once', (t) => {
  const [snap, actions] = initialTransition(nodeMachine, { peer: peer2, retryMs: 500 });
  t.is(snap.value, 'connecting');
  t.true(actions.some((a) => a.type === 'xstate.spawnChild'));
});

test('an IP change of a connected peer re-applies at once with the previous record', async (t) => {
  const { actor, calls } = startPeer(async () => undefined);
  await flush();
  t.is(actor.getSnapshot().value, 'connected');
  actor.send({ type: 'node.updated', peer: { ...peer2, vppIPs: ['192.168.16.22/24'] } });
  await flush();
  t.is(actor.getSnapshot().value, 'connected');
  t.deepEqual(calls, ['connect 192.168.16.2/24 (was none)', 'connect 192.168.16.22/24 (was 192.168.16.2/24)']);
});

test('an IP change arriving while the first connect runs is applied after it, not marked applied unseen', async (t) => {
  let release: () => void = () => undefined;
  const first = new Promise<void>((r) => (release = r));
  let n = 0;
  const { actor, calls } = startPeer(() => (++n === 1 ? first : Promise.resolve()));
  await flush();
  t.is(actor.getSnapshot().value, 'connecting');
  actor.send({ type: 'node.updated', peer: { ...peer2, vppIPs: ['192.168.16.22/24'] } });
  release();
  await flush();
  await flush();
  t.is(actor.getSnapshot().value, 'connected');
  t.deepEqual(actor.getSnapshot().context.applied?.vppIPs, ['192.168.16.22/24']);
  t.deepEqual(calls, ['connect 192.168.16.2/24 (was none)', 'connect 192.168.16.22/24 (was 192.168.16.2/24)']);
});

test('an unchanged record does not re-apply', async (t) => {
  const { actor, calls } = startPeer(async () => undefined);
  await flush();
  actor.send({ type: 'node.updated', peer: { ...peer2 } });
  await flush();
  t.is(calls.length, 1);
});

test('a failed connect retries after a backoff on the clock and reports the failure', async (t) => {
  let n = 0;
  const { actor, clock, emitted } = startPeer(async () => {
    if (++n === 1) throw new Error('vxlan_add_del_tunnel_v3: VNET_API_ERROR_INVALID_VALUE');
  });
  await flush();
  t.is(actor.getSnapshot().value, 'retrying');
  clock.increment(1000);
  await flush();
  t.is(actor.getSnapshot().value, 'connected');
  t.deepEqual(emitted.map((e) => e.type), ['node.failed', 'node.connected']);
});

test('a removed peer is disconnected and its actor ends', async (t) => {
  const { actor, calls, emitted } = startPeer(async () => undefined);
  await flush();
  actor.send({ type: 'node.removed' });
  await flush();
  t.is(actor.getSnapshot().status, 'done');
  t.deepEqual(calls.at(-1), 'disconnect node-2');
  t.is(emitted.at(-1)?.type, 'node.gone');
});

test('the local node configures only after its node ID, and again when the node IP changes', (t) => {
  let [snap] = initialTransition(localNodeMachine, { retryMs: 100 });
  [snap] = transition(localNodeMachine, snap, { type: 'node.ipv4.changed', nodeIP: '192.168.16.1/24' });
  t.is(snap.value, 'awaitingNodeId');
  [snap] = transition(localNodeMachine, snap, { type: 'nodeid.allocated', nodeId: 1 });
  t.is(snap.value, 'configuringHost');
  [snap] = transition(localNodeMachine, snap, { type: 'xstate.done.actor.configureHost' } as never);
  t.is(snap.value, 'ready');
  [snap] = transition(localNodeMachine, snap, { type: 'node.ipv4.changed', nodeIP: '192.168.16.9/24' });
  t.is(snap.value, 'configuringHost');
  t.is(snap.context.nodeIP, '192.168.16.9/24');
});

const policy = { initialDelayMs: 100, maxDelayMs: 2000, maxRestarts: 3, windowMs: 60_000 };
const restartCases: Array<[string, number[], number, string]> = [
  ['first failure restarts after the initial delay', [1000], 1000, 'restart 100'],
  ['the third failure in the window doubles twice', [0, 10, 20], 30, 'restart 400'],
  ['failures outside the window are forgotten', [0, 10, 20, 70_000], 70_001, 'restart 100'],
  ['a fourth failure within the window escalates', [0, 10, 20, 30], 40, 'escalate'],
];
for (const [title, failures, now, expected] of restartCases) {
  test(`restart policy: ${title}`, (t) => {
    const d = decideRestart(policy, failures, now);
    t.is(d.action === 'restart' ? `restart ${d.delayMs}` : 'escalate', expected);
  });
}

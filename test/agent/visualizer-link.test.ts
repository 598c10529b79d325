// The visualizer link on its own: an operator may open the visualizer after the agent started,
// or never; the agent must neither lose the early actors nor keep connecting once stopped.
import test from 'ava';
import { createActor } from 'xstate';
import { WebSocketServer } from 'ws';
import { History } from '../../src/actors/history.js';
import { inspectInto } from '../../src/actors/inspect.js';
import { startVisualizer } from '../../src/actors/visualizer.js';
import { startsEffect } from '../../src/machines/effect.js';
import { podMachine, type PodWiring } from '../../src/machines/pod.js';
import { createLogger } from '../../src/util/log.js';
import { freePort } from '../helpers/agent.js';
import { until } from '../helpers/until.js';

const log = createLogger('test-visualizer', 'silent');
const wiring: PodWiring = { ip: '10.1.1.2', gateway: '10.1.1.1', mac: '02:fe:00:00:00:02', vppIfName: 'tap-a', hostIfName: 'eth0' };

async function listen(port: number) {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const frames: Array<{ type: string; name?: string; sessionId: string; snapshot?: { value?: unknown } }> = [];
  let connections = 0;
  server.on('connection', (s) => {
    connections++;
    s.on('message', (d) => frames.push(JSON.parse(String(d))));
  });
  const close = () => {
    // the server's close waits for open connections: end them first
    for (const c of server.clients) c.terminate();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { frames, connections: () => connections, close };
}


test('a visualizer that starts listening after the actors ran still receives their registration and states, once', async (t) => {
  const port = await freePort();
  const history = new History(100);
  const viz = await startVisualizer(`ws://127.0.0.1:${port}`, history, log, { retryMs: 50 });
  t.teardown(() => viz.stop());
  const machine = podMachine.provide({ actions: { wire: startsEffect('wire', async () => wiring) } });
  const actor = createActor(machine, { input: { podKey: 'default/a' }, id: 'pod/default/a', inspect: inspectInto(history, 'pod/default/a') });
  actor.start();
  actor.send({ type: 'cni.add', containerId: 'c1', netns: '/var/run/netns/a', ifName: 'eth0' });
  await until('wired', () => actor.getSnapshot().value === 'wired');
  t.false(viz.stats().connected);

  const server = await listen(port);
  t.teardown(() => server.close());
  const pod = () => server.frames.find((f) => f.type === '@xstate.actor' && f.name === 'pod/default/a');
  const states = () => server.frames.filter((f) => f.type === '@xstate.snapshot' && f.sessionId === pod()?.sessionId).map((f) => f.snapshot?.value);
  await until('the backlog', () => states().includes('wired'));

  t.deepEqual(states(), ['pending', 'wiring', 'wired']);
  t.like(viz.stats(), { connected: true, dropped: 0 });
  // the event history kept its own records alongside
  t.deepEqual(history.query().map((r) => r.to), ['pending', 'wiring', 'wired']);

  // later events go straight through, and nothing of the backlog is sent twice
  actor.send({ type: 'resync.begin' });
  await until('resyncing', () => states().includes('resyncing'));
  t.deepEqual(states(), ['pending', 'wiring', 'wired', 'resyncing']);
  t.is(server.connections(), 1);
});

test('a stopped link does not connect again, even when stopped while its visualizer was unreachable', async (t) => {
  const port = await freePort();
  const viz = await startVisualizer(`ws://127.0.0.1:${port}`, new History(10), log, { retryMs: 20 });
  await new Promise((r) => setTimeout(r, 150)); // several refused attempts
  await viz.stop();
  const server = await listen(port);
  t.teardown(() => server.close());
  await new Promise((r) => setTimeout(r, 400)); // twenty retry periods
  t.is(server.connections(), 0);
});

test('the backlog is bounded: past its size the oldest events are dropped and counted, the newest are sent', async (t) => {
  const port = await freePort();
  const history = new History(10);
  let inspected = 0;
  history.observeInspection((ev) => void (['@xstate.actor', '@xstate.event', '@xstate.snapshot'].includes(ev.type) && inspected++));
  const viz = await startVisualizer(`ws://127.0.0.1:${port}`, history, log, { retryMs: 50, backlog: 5 });
  t.teardown(() => viz.stop());
  const actor = createActor(podMachine, { input: { podKey: 'default/b' }, id: 'pod/default/b', inspect: inspectInto(history, 'pod/default/b') });
  actor.start();
  // ignored by the machine in pending, still inspected; `n` tells them apart on the wire
  for (let n = 0; n < 10; n++) actor.send({ type: 'resync.end', n } as never);
  await until('every event handed to the link', () => viz.stats().dropped === inspected - 5);
  t.is(viz.stats().sent, 0);

  const server = await listen(port);
  t.teardown(() => server.close());
  await until('the backlog', () => server.frames.length === 5);
  const last = server.frames.filter((f) => f.type === '@xstate.event').map((f) => (f as unknown as { event: { n: number } }).event.n);
  t.deepEqual(last, [8, 9]);
  t.is(server.frames.at(-1)?.type, '@xstate.snapshot');
  t.like(viz.stats(), { sent: 5, dropped: inspected - 5 });
});

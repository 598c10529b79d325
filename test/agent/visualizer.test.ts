// The agent's actor inspection stream, received by a real WebSocket server in the wire format of
// @statelyai/inspect (the format the owner's state-machine visualizer reads).
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WebSocketServer } from 'ws';
import { removeDir, standaloneAgentYaml, startAgentProcess } from '../helpers/agent.js';
import { sandbox, startInProcessAgent } from '../helpers/in-process-agent.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);
const standalone = standaloneAgentYaml;

/** One frame as the visualizer receives it. */
interface Frame {
  type: string;
  _version: string;
  sessionId: string;
  name?: string;
  parentId?: string;
  definition?: string;
  event?: { type: string; [k: string]: unknown };
  snapshot?: { value?: unknown; status?: string; context?: Record<string, unknown> };
}

/** A visualizer stand-in: a WebSocket server on a free loopback port keeping every frame. */
async function visualizerServer(t: import('ava').ExecutionContext) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const frames: Frame[] = [];
  let connections = 0;
  let closes = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    socket.on('close', () => closes++);
  });
  t.teardown(() => {
    // the server's close waits for open connections: end them first
    for (const c of server.clients) c.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, frames, connections: () => connections, closes: () => closes };
}


test('a pod added to an agent with inspect.websocket set reaches the visualizer as actor, events and pending → wiring → wired snapshots', async (t) => {
  const viz = await visualizerServer(t);
  const { agent, pods } = await startInProcessAgent(t, { inspect: { websocket: viz.url } });
  const c = sandbox(1);
  const wiring = await pods.pods!.add('default/web', c);

  const podActor = () => viz.frames.find((f) => f.type === '@xstate.actor' && f.name === 'pod/default/web');
  const states = (id: string) => viz.frames.filter((f) => f.type === '@xstate.snapshot' && f.sessionId === id).map((f) => f.snapshot?.value);
  await until('the pod actor wired', () => podActor() !== undefined && states(podActor()!.sessionId).includes('wired'));
  const pod = podActor()!;

  t.true(viz.frames.every((f) => f._version === '0.7.2' && ['@xstate.actor', '@xstate.event', '@xstate.snapshot'].includes(f.type)));
  // registration carries the machine definition the visualizer draws
  const definition = JSON.parse(pod.definition ?? '{}') as { id?: string; states?: Record<string, unknown> };
  t.is(definition.id, 'pod');
  t.deepEqual(Object.keys(definition.states ?? {}).sort(), ['failed', 'gone', 'pending', 'resyncing', 'reverting', 'unwiring', 'wired', 'wiring']);
  // the event that started the wiring, with the sandbox it names
  const events = viz.frames.filter((f) => f.type === '@xstate.event' && f.sessionId === pod.sessionId).map((f) => f.event);
  t.like(events.find((e) => e?.type === 'cni.add'), { type: 'cni.add', containerId: c.containerId, netns: c.netns, ifName: 'eth0' });
  t.true(events.some((e) => e?.type === 'wire.done'), JSON.stringify(events.map((e) => e?.type)));
  // its states in order, and the wired snapshot holds the wiring the CNI answer got
  t.deepEqual(states(pod.sessionId), ['pending', 'wiring', 'wired']);
  const wired = viz.frames.find((f) => f.type === '@xstate.snapshot' && f.sessionId === pod.sessionId && f.snapshot?.value === 'wired');
  t.deepEqual(wired?.snapshot?.context?.['wiring'], wiring);
  t.is(wired?.snapshot?.status, 'active');
  // the wire effect runs inside the pod actor (no child actor): its report, with what it wired, is the pod's event
  t.false(viz.frames.some((f) => f.type === '@xstate.actor' && f.parentId === pod.sessionId));
  t.like(events.find((e) => e?.type === 'wire.done'), { type: 'wire.done', output: wiring });
  // the supervisor is there too
  const supervisor = viz.frames.find((f) => f.type === '@xstate.actor' && JSON.parse(f.definition ?? '{}').id === 'supervisor');
  t.truthy(supervisor, JSON.stringify(viz.frames.filter((f) => f.type === '@xstate.actor').map((f) => f.name)));

  // a DEL ends the actor: the visualizer sees it done
  await pods.pods!.del('default/web', c.containerId);
  await until('the pod actor gone', () => states(pod.sessionId).includes('gone'));
  t.deepEqual(states(pod.sessionId), ['pending', 'wiring', 'wired', 'unwiring', 'gone']);

  // stopping the agent closes the socket it opened, once
  await agent.stop();
  await until('the socket closed', () => viz.closes() === 1);
  t.is(viz.connections(), 1);
});

test('the agent executable without inspect.websocket listens only on its HTTP port and opens no TCP connection of its own', async (t) => {
  const agent = await startAgentProcess(standalone());
  t.teardown(() => removeDir(agent.dir));
  try {
    const port = new URL(agent.base).port;
    const { stdout } = await run('ss', ['-tanpH']);
    const mine = stdout.split('\n').filter((l) => l.includes(`pid=${agent.child.pid},`));
    // the test's own requests to the HTTP port are the only connections the agent holds
    const foreign = mine.filter((l) => !new RegExp(`^\\S+\\s+\\d+\\s+\\d+\\s+127\\.0\\.0\\.1:${port}\\s`).test(l));
    t.deepEqual(foreign, []);
    t.true(mine.some((l) => l.startsWith('LISTEN')), stdout);
    t.false(agent.output().includes('visualizer'));
  } finally {
    await agent.stop();
  }
});

test('the agent executable with inspect.websocket connects to the visualizer and streams its supervisor', async (t) => {
  const viz = await visualizerServer(t);
  const agent = await startAgentProcess(standalone(`inspect: { websocket: "${viz.url}" }`));
  t.teardown(() => removeDir(agent.dir));
  try {
    await until('the supervisor registered', () => viz.frames.some((f) => f.type === '@xstate.actor' && JSON.parse(f.definition ?? '{}').id === 'supervisor'));
    t.is(viz.connections(), 1);
  } finally {
    const { code } = await agent.stop();
    t.is(code, 0, agent.output());
  }
  await until('the socket closed', () => viz.closes() === 1);
});

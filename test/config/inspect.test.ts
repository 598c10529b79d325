import test from 'ava';
import { compileConfig, formatProblem, type InspectConfig } from '../../src/config/index.js';

const env = { hostname: 'node-a' };

test('the visualizer stream is off by default: no URL, so no outgoing connection', (t) => {
  const { config, problems } = compileConfig({}, env);
  t.deepEqual(problems, []);
  t.deepEqual(config?.inspect, { websocket: undefined });
});

const accepted: ReadonlyArray<readonly [string, unknown, InspectConfig]> = [
  ['with a loopback ws URL keeps it', { websocket: 'ws://127.0.0.1:8787' }, { websocket: 'ws://127.0.0.1:8787' }],
  ['with a wss URL keeps it', { websocket: 'wss://viz.example:443/inspect' }, { websocket: 'wss://viz.example:443/inspect' }],
  ['with an empty URL, as templated deployments write it, is off', { websocket: '' }, { websocket: undefined }],
  ['of an explicit null is off', { websocket: null }, { websocket: undefined }],
];
for (const [says, section, want] of accepted) {
  test(`an inspect section ${says}`, (t) => {
    const { config, problems } = compileConfig({ inspect: section }, env);
    t.deepEqual(problems, []);
    t.deepEqual(config?.inspect, want);
  });
}

const rejected: ReadonlyArray<readonly [string, unknown, string, 'error' | 'warning', string]> = [
  ['an http URL', { websocket: 'http://127.0.0.1:8787' }, 'inspect.websocket', 'error', 'not a WebSocket URL'],
  ['text that is no URL', { websocket: '127.0.0.1:8787' }, 'inspect.websocket', 'error', 'not a WebSocket URL'],
  ['a port number instead of a URL', { websocket: 8787 }, 'inspect.websocket', 'error', 'must be a string'],
  ['a misspelt key', { websockt: 'ws://127.0.0.1:1' }, 'inspect.websockt', 'warning', 'closest known key: "websocket"'],
];
for (const [says, section, key, severity, reason] of rejected) {
  test(`an inspect section with ${says} is reported at ${key}`, (t) => {
    const { config, problems } = compileConfig({ inspect: section }, env);
    const p = problems.find((x) => x.key === key);
    t.truthy(p, problems.map(formatProblem).join('\n'));
    t.is(p?.severity, severity);
    t.true(p?.reason.includes(reason), p?.reason);
    if (severity === 'error') t.is(config, undefined);
    else t.deepEqual(config?.inspect, { websocket: undefined });
  });
}

import test from 'ava';
import { BridgeArgsError, DEFAULT_VPP_SOCKET, parseBridgeArgs } from '../../src/vpp/bridge/args.js';

const good: [string, string[], object][] = [
  ['sim over ipc', ['--listen', 'ipc:///tmp/x.sock', '--backend', 'sim'], { listen: 'ipc:///tmp/x.sock', backend: 'sim', vppSocket: DEFAULT_VPP_SOCKET }],
  ['vpp with the default socket', ['--listen', 'tcp://127.0.0.1:5555', '--backend', 'vpp'], { listen: 'tcp://127.0.0.1:5555', backend: 'vpp', vppSocket: '/run/vpp/api.sock' }],
  ['vpp with a custom socket', ['--backend', 'vpp', '--listen', 'ipc:///a', '--vpp-socket', '/x/api.sock'], { listen: 'ipc:///a', backend: 'vpp', vppSocket: '/x/api.sock' }],
  ['sim exposed on an API socket', ['--listen', 'inproc://b', '--backend', 'sim', '--api-socket', '/t/api.sock'], { listen: 'inproc://b', backend: 'sim', vppSocket: DEFAULT_VPP_SOCKET, apiSocket: '/t/api.sock' }],
];

for (const [title, argv, want] of good) {
  test(`the command line "${title}" parses into frozen options`, (t) => {
    const got = parseBridgeArgs(argv);
    t.deepEqual({ ...got }, want);
    t.true(Object.isFrozen(got));
  });
}

const bad: [string, string[], RegExp][] = [
  ['no listen', ['--backend', 'sim'], /--listen is required/],
  ['unknown backend', ['--listen', 'ipc:///a', '--backend', 'dpdk'], /--backend must be sim or vpp/],
  ['missing backend', ['--listen', 'ipc:///a'], /--backend must be sim or vpp/],
  ['not an endpoint', ['--listen', '/tmp/a.sock', '--backend', 'sim'], /not an ipc:\/\//],
  ['unknown flag', ['--listen', 'ipc:///a', '--backend', 'sim', '--verbose'], /Unknown option/],
  ['positional', ['--listen', 'ipc:///a', '--backend', 'sim', 'extra'], /positional/],
  ['api socket with vpp', ['--listen', 'ipc:///a', '--backend', 'vpp', '--api-socket', '/x'], /--api-socket only applies/],
  ['vpp socket with sim', ['--listen', 'ipc:///a', '--backend', 'sim', '--vpp-socket', '/x'], /--vpp-socket only applies/],
];

for (const [title, argv, want] of bad) {
  test(`a command line with ${title} is refused with a clear message`, (t) => {
    const err = t.throws(() => parseBridgeArgs(argv), { instanceOf: BridgeArgsError });
    t.regex(err?.message ?? '', want);
  });
}

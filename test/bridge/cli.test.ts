import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BridgeClient } from '../../src/vpp/bridge/client.js';
import { tempDir } from './harness.js';

const bin = fileURLToPath(new URL('../../bin/ipnet-vpp-bridge.js', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly ready: Record<string, unknown>;
  readonly stdout: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI as a child process and waits for its ready line. */
async function startCli(t: ExecutionContext, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const deadline = Date.now() + 15000;
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`bridge exited early (${child.exitCode}): ${err}`);
    if (Date.now() > deadline) throw new Error(`no ready line within 15 s; stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, ready: JSON.parse(out.split('\n')[0] as string) as Record<string, unknown>, stdout: () => out, exited };
}

test('the CLI chain sim (+API socket) ← vpp backend serves a client, keeps its sockets 0600, and exits cleanly on SIGTERM', async (t) => {
  const dir = await tempDir(t);
  const simListen = `ipc://${join(dir, 'sim.sock')}`;
  const api = join(dir, 'api.sock');
  const sim = await startCli(t, ['--listen', simListen, '--backend', 'sim', '--api-socket', api]);
  t.deepEqual(sim.ready, { ready: true, listen: simListen, backend: 'sim' });
  const vppListen = `ipc://${join(dir, 'vpp.sock')}`;
  const vpp = await startCli(t, ['--listen', vppListen, '--backend', 'vpp', '--vpp-socket', api]);
  t.deepEqual(vpp.ready, { ready: true, listen: vppListen, backend: 'vpp' });

  for (const f of ['sim.sock', 'vpp.sock', 'api.sock']) {
    t.is((await stat(join(dir, f))).mode & 0o777, 0o600, `${f} is 0600`);
  }
  for (const endpoint of [simListen, vppListen]) {
    const c = await BridgeClient.connect(endpoint, { timeoutMs: 5000 });
    const lo = await c.request('create_loopback', {});
    t.is(lo.retval, 0);
    t.true((await c.dump('sw_interface_dump', { sw_if_index: 0xffffffff })).length >= 2);
    t.true((await c.ping()) > 0);
    await c.close();
  }

  vpp.child.kill('SIGTERM');
  sim.child.kill('SIGINT');
  t.deepEqual(await vpp.exited, { code: 0, signal: null });
  t.deepEqual(await sim.exited, { code: 0, signal: null });
  t.is(sim.stdout().trim().split('\n').length, 1, 'exactly one line on stdout');
  t.is(vpp.stdout().trim().split('\n').length, 1, 'exactly one line on stdout');
});

const badArgs: [string, string[], RegExp][] = [
  ['without --listen', ['--backend', 'sim'], /--listen is required/],
  ['with an unknown backend', ['--listen', 'ipc:///tmp/x', '--backend', 'dpdk'], /--backend must be sim or vpp/],
];
for (const [title, args, want] of badArgs) {
  test(`the CLI ${title} prints the reason and usage on stderr and exits 2`, async (t) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    t.is(code, 2);
    t.regex(err, want);
    t.regex(err, /usage: ipnet-vpp-bridge --listen/);
    t.is(out, '');
  });
}

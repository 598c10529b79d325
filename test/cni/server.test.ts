/**
 * The agent's CNI socket: permissions, stale-socket handling, framing limits, per-container
 * serialisation, and how handler failures become CNI errors.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { lstat, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CniError } from '../../src/cni/errors.js';
import type { CniHandler } from '../../src/cni/dispatch.js';
import { decodeResponse, encodeRequest } from '../../src/cni/framing.js';
import { CniServerStartError, startCniServer } from '../../src/sources/cni/server.js';
import { tempDir } from './_harness.js';

/** Sends raw bytes and collects the whole answer. */
function exchange(socket: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(socket, () => s.write(bytes));
    s.on('data', (c: Buffer) => chunks.push(c));
    // A reset after the server hung up is a hang-up too; the callers check what arrived.
    s.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e); });
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const cfg = Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'net', type: 'ipnet-cni' }));
const env = (command: string, cid: string): Record<string, string> => ({
  CNI_COMMAND: command, CNI_CONTAINERID: cid, CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0',
  CNI_ARGS: 'K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p',
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingHandler(log: string[], delayMs: number, fail?: Error): CniHandler {
  return {
    add: async (req) => {
      log.push(`start ${req.containerId}`);
      await sleep(delayMs);
      log.push(`end ${req.containerId}`);
      if (fail) throw fail;
      return { interfaces: [], ips: [], routes: [] };
    },
    del: async (req) => { log.push(`del ${req.containerId}`); },
    check: async () => undefined, status: async () => undefined, gc: async () => undefined,
  };
}

test('the socket is created with mode 0600 in a created parent dir and removed on close', async (t) => {
  const dir = await tempDir(t, 'perm');
  const socket = join(dir, 'run', 'ipnet', 'cni.sock');
  const server = await startCniServer({ socketPath: socket, handler: recordingHandler([], 0) });
  const st = await stat(socket);
  t.true(st.isSocket());
  t.is(st.mode & 0o777, 0o600);
  t.is((await stat(join(dir, 'run', 'ipnet'))).mode & 0o777, 0o700);
  await server.close();
  await t.throwsAsync(lstat(socket), { code: 'ENOENT' });
});

test('a stale socket file is replaced, a live one or a regular file is refused', async (t) => {
  const dir = await tempDir(t, 'stale');
  const socket = join(dir, 'cni.sock');
  const other = createServer();
  await new Promise<void>((r) => other.listen(socket, r));
  await t.throwsAsync(startCniServer({ socketPath: socket, handler: recordingHandler([], 0) }), { instanceOf: CniServerStartError, message: /another process is serving/ });
  await new Promise<void>((r) => other.close(() => r()));
  // A crashed agent leaves its socket file behind: a child binds and dies by SIGKILL.
  const script = `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`;
  await new Promise((r) => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }).once('exit', r));
  t.true((await lstat(socket)).isSocket());
  const server = await startCniServer({ socketPath: socket, handler: recordingHandler([], 0) });
  await server.close();
  const file = join(dir, 'plain');
  await writeFile(file, 'x');
  await t.throwsAsync(startCniServer({ socketPath: file, handler: recordingHandler([], 0) }), { message: /is not a socket/ });
});

test('requests for one container run one after another, different containers in parallel', async (t) => {
  const dir = await tempDir(t, 'serial');
  const log: string[] = [];
  const server = await startCniServer({ socketPath: join(dir, 's.sock'), handler: recordingHandler(log, 80) });
  t.teardown(() => server.close());
  const answers = await Promise.all([
    exchange(server.socketPath, encodeRequest(env('ADD', 'aaa'), cfg)),
    exchange(server.socketPath, encodeRequest(env('ADD', 'aaa'), cfg)),
    exchange(server.socketPath, encodeRequest(env('ADD', 'bbb'), cfg)),
  ]);
  t.deepEqual(answers.map((a) => decodeResponse(a).exitCode), [0, 0, 0]);
  const a = log.filter((l) => l.endsWith('aaa'));
  t.deepEqual(a, ['start aaa', 'end aaa', 'start aaa', 'end aaa']);
  t.true(log.indexOf('start bbb') < log.indexOf('end aaa'), log.join(', '));
});

test('a plain handler error becomes code 100 with context, a CniError keeps its code', async (t) => {
  const dir = await tempDir(t, 'errors');
  const plain = await startCniServer({ socketPath: join(dir, 'a.sock'), handler: recordingHandler([], 0, new Error('VPP said -2')) });
  t.teardown(() => plain.close());
  const r1 = decodeResponse(await exchange(plain.socketPath, encodeRequest(env('ADD', 'ccc'), cfg)));
  t.is(r1.exitCode, 1);
  t.like(JSON.parse(r1.stdout), { cniVersion: '1.0.0', code: 100, msg: 'failed to add pod ns/p (container ccc, eth0): VPP said -2' });
  const typed = await startCniServer({ socketPath: join(dir, 'b.sock'), handler: recordingHandler([], 0, new CniError(11, 'agent busy', 'resync running')) });
  t.teardown(() => typed.close());
  const r2 = decodeResponse(await exchange(typed.socketPath, encodeRequest(env('ADD', 'ddd'), cfg)));
  t.like(JSON.parse(r2.stdout), { code: 11, msg: 'agent busy', details: 'resync running' });
});

test('a frame with a bad magic or over the size limit is answered with code 6', async (t) => {
  const dir = await tempDir(t, 'frames');
  const log: string[] = [];
  const server = await startCniServer({ socketPath: join(dir, 'f.sock'), handler: recordingHandler(log, 0), maxPayloadBytes: 4096 });
  t.teardown(() => server.close());
  const junk = decodeResponse(await exchange(server.socketPath, Buffer.from('GET / HTTP/1.1\r\n\r\n')));
  t.is(junk.exitCode, 1);
  t.like(JSON.parse(junk.stdout), { code: 6 });
  const big = decodeResponse(await exchange(server.socketPath, encodeRequest(env('ADD', 'eee'), Buffer.alloc(5000, 0x20))));
  t.like(JSON.parse(big.stdout), { code: 6 });
  t.regex(JSON.parse(big.stdout).msg as string, /exceeds the limit of 4096 bytes/);
  t.deepEqual(log, []);
});

test('a client that never finishes its frame is disconnected after the read timeout', async (t) => {
  const dir = await tempDir(t, 'slow');
  const server = await startCniServer({ socketPath: join(dir, 'slow.sock'), handler: recordingHandler([], 0), readTimeoutMs: 100 });
  t.teardown(() => server.close());
  const t0 = performance.now();
  const got = await exchange(server.socketPath, encodeRequest(env('ADD', 'fff'), cfg).subarray(0, 20));
  t.is(got.length, 0);
  t.true(performance.now() - t0 < 2000);
});

import test from 'ava';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { MEMCLNT_IDS, MessageTable } from '../../src/vpp/binapi/table.js';
import { SocketDeframer, frameSocketMessage } from '../../src/vpp/binapi/socket.js';
import { decode, encode, encodeWithId } from '../../src/vpp/binapi/wire.js';
import { VppSocketBackend } from '../../src/vpp/socket/client.js';
import { serveVppSocket } from '../../src/vpp/socket/server.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { tempDir, until } from './harness.js';

async function served(t: Parameters<typeof tempDir>[0]): Promise<{ sim: VppSimulator; path: string }> {
  const sim = new VppSimulator({ seed: 5 });
  t.teardown(() => sim.close());
  const server = await serveVppSocket(sim, join(await tempDir(t), 'api.sock'));
  t.teardown(() => server.close());
  return { sim, path: server.path };
}

/** A raw unix-socket client that deframes what it receives. */
async function raw(path: string): Promise<{ sock: Socket; got: Buffer[]; closed: () => boolean }> {
  const sock = connect(path);
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const got: Buffer[] = [];
  const deframer = new SocketDeframer();
  let closed = false;
  sock.on('data', (c: Buffer) => got.push(...deframer.tryPush(c).messages));
  sock.on('close', () => (closed = true));
  sock.on('error', () => undefined);
  return { sock, got, closed: () => closed };
}

test('the API socket reassembles a handshake written one byte at a time and answers it with the message table', async (t) => {
  const { sim, path } = await served(t);
  const c = await raw(path);
  t.teardown(() => c.sock.destroy());
  const bytes = frameSocketMessage(encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 42, name: 'bytewise' }));
  for (const b of bytes) {
    c.sock.write(Buffer.from([b]));
    await new Promise((r) => setImmediate(r));
  }
  await until(() => c.got.length > 0, 'sockclnt_create_reply');
  const r = decode(MessageTable.bootstrap(), c.got[0] as Buffer);
  t.true(r.ok);
  if (!r.ok) return;
  t.is(r.name, 'sockclnt_create_reply');
  t.is(r.msg.context, 42);
  t.is((r.msg.message_table as unknown[]).length, sim.messageTable.size);
});

test('several messages in one write are all answered, in order', async (t) => {
  const { sim, path } = await served(t);
  const c = await raw(path);
  t.teardown(() => c.sock.destroy());
  c.sock.write(frameSocketMessage(encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 1, name: 'batch' })));
  await until(() => c.got.length === 1, 'handshake');
  const hs = decode(MessageTable.bootstrap(), c.got[0] as Buffer);
  const index = hs.ok ? (hs.msg.index as number) : 0;
  const table = sim.messageTable;
  const pings = [10, 11, 12, 13].map((context) => frameSocketMessage(encode(table, 'control_ping', { client_index: index, context })));
  c.sock.write(Buffer.concat(pings));
  await until(() => c.got.length === 5, 'four control_ping_reply');
  t.deepEqual(c.got.slice(1).map((f) => f.readUInt32BE(2)), [10, 11, 12, 13]);
});

test('an absurd length header gets that client disconnected while other clients keep working', async (t) => {
  const { path } = await served(t);
  const bad = await raw(path);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x7fffffff, 8);
  bad.sock.write(header);
  await until(bad.closed, 'the bad client to be disconnected');
  const backend = new VppSocketBackend(path);
  t.teardown(() => backend.close());
  const conn = await backend.connect();
  const got: Buffer[] = [];
  conn.onFrames((f) => got.push(...f));
  conn.send([encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: 3, name: 'good' })]);
  await until(() => got.length === 1, 'a reply for the good client');
  t.is(got[0]?.readUInt16BE(0), MEMCLNT_IDS.sockclnt_create_reply);
});

test('the vpp backend reports a refused socket as a connect error and a VPP restart behind the socket as a dropped session', async (t) => {
  const dir = await tempDir(t);
  const nowhere = new VppSocketBackend(join(dir, 'missing.sock'));
  await t.throwsAsync(nowhere.connect(), { message: /failed to connect to VPP API socket .*missing\.sock/ });

  const sim = new VppSimulator({ seed: 6 });
  t.teardown(() => sim.close());
  const server = await serveVppSocket(sim, join(dir, 'api.sock'));
  const backend = new VppSocketBackend(server.path);
  t.teardown(() => backend.close());
  const conn = await backend.connect();
  const reason = new Promise((resolve) => conn.onClose(resolve));
  sim.restart();
  t.like(await reason, { kind: 'dropped' });
  await server.close();
});

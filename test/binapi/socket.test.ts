import test from 'ava';
import {
  FrameTooLargeError, MessageTable, SOCKET_HEADER_BYTES, SocketDeframer, decode, encode, encodeFramed, frameSocketMessage,
} from '../../src/vpp/binapi/index.js';

const table = MessageTable.bootstrap();
const ping = encode(table, 'control_ping', { client_index: 0x80000000, context: 1 });

test('frameSocketMessage prepends the 16-byte header with data_len big-endian at bytes 8–11', (t) => {
  const framed = frameSocketMessage(ping);
  t.is(framed.length, SOCKET_HEADER_BYTES + 10);
  t.is(framed.subarray(0, 16).toString('hex'), '0000000000000000' + '0000000a' + '00000000');
  t.true(framed.subarray(16).equals(ping));
});

test('encodeFramed produces the same bytes as encode followed by frameSocketMessage', (t) => {
  const body = { client_index: 3, context: 9, name: 'ipnet' };
  t.true(encodeFramed(table, 'get_first_msg_id', body).equals(frameSocketMessage(encode(table, 'get_first_msg_id', body))));
});

test('the deframer reassembles messages split at every byte boundary', (t) => {
  const msgs = [ping, encode(table, 'sockclnt_create', { context: 2, name: 'a' }), Buffer.from([0, 23])];
  const stream = Buffer.concat(msgs.map(frameSocketMessage));
  const d = new SocketDeframer();
  const got: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
  t.deepEqual(got.map((b) => b.toString('hex')), msgs.map((b) => b.toString('hex')));
  t.is(d.pending, 0);
});

test('the deframer returns several messages from one chunk and keeps a partial one pending', (t) => {
  const stream = Buffer.concat([frameSocketMessage(ping), frameSocketMessage(ping), frameSocketMessage(ping)]);
  const d = new SocketDeframer();
  const first = d.push(stream.subarray(0, 60));
  t.is(first.length, 2);
  t.is(d.pending, 60 - 52);
  const rest = d.push(stream.subarray(60));
  t.is(rest.length, 1);
  const r = decode(table, rest[0] as Buffer);
  t.true(r.ok && r.name === 'control_ping');
});

test('an absurd announced length throws FrameTooLargeError and poisons the stream', (t) => {
  const d = new SocketDeframer({ maxMessageBytes: 1024 });
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1025, 8);
  const before = frameSocketMessage(ping);
  const err = t.throws(() => d.push(Buffer.concat([before, header])), { instanceOf: FrameTooLargeError });
  t.is(err?.length, 1025);
  const again = d.tryPush(frameSocketMessage(ping));
  t.false(again.ok);
  t.is(again.messages.length, 0);
});

test('tryPush hands back the messages completed before a bad header along with the error', (t) => {
  const d = new SocketDeframer({ maxMessageBytes: 64 });
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0xffffffff, 8);
  const r = d.tryPush(Buffer.concat([frameSocketMessage(ping), header]));
  t.false(r.ok);
  t.is(r.messages.length, 1);
  if (!r.ok) t.regex(r.error.message, /announced length 4294967295 exceeds the limit of 64 bytes/);
});

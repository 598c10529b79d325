import test from 'ava';
import {
  MEMCLNT_IDS, MessageTable, UnknownMessageError, decode, encode, encodeWithId, isMessage, messages, nameCrc, peekHeader,
} from '../../src/vpp/binapi/index.js';

test('control_ping encodes as the bare 10-byte request header with the fixed memclnt id 23', (t) => {
  const buf = encode(MessageTable.bootstrap(), 'control_ping', { client_index: 0x80000001, context: 0xdeadbeef });
  t.is(buf.toString('hex'), '0017' + '80000001' + 'deadbeef');
});

test('nameCrc joins the message name and its 24.02 CRC', (t) => {
  t.is(nameCrc('control_ping'), 'control_ping_51077d14');
  t.is(nameCrc('sw_interface_details'), 'sw_interface_details_6c221fc7');
  t.is(messages.sockclnt_create.nameCrc, 'sockclnt_create_455fb9c4');
});

test('a sockclnt_create_reply carrying a message table decodes into a table that resolves ids', (t) => {
  const server = MessageTable.assign(['sockclnt_create', 'sockclnt_create_reply', 'control_ping', 'control_ping_reply', 'sw_interface_dump', 'sw_interface_details'], 300);
  const frame = encodeWithId(MEMCLNT_IDS.sockclnt_create_reply, 'sockclnt_create_reply', {
    context: 7, response: 0, index: 0x80000003, message_table: server.entries(),
  });
  t.is(frame.length, 20 + 66 * server.size);
  const r = decode(MessageTable.bootstrap(), frame);
  if (!isMessage(r, 'sockclnt_create_reply')) return t.fail(JSON.stringify(r));
  t.is(r.msg.count, server.size);
  t.is(r.msg.index, 0x80000003);
  const client = MessageTable.fromEntries(r.msg.message_table);
  t.is(client.idOf('sw_interface_dump'), 300);
  t.is(client.idOf('sw_interface_details'), 301);
  t.is(client.idOf('control_ping'), 23);
  t.is(client.nameOf(301), 'sw_interface_details');
  t.throws(() => client.idOf('create_loopback'), { instanceOf: UnknownMessageError, message: /create_loopback_42bb5d22/ });
});

test('peekHeader finds the context at offset 6 of a request and offset 2 of a reply', (t) => {
  const table = MessageTable.bootstrap();
  t.deepEqual(peekHeader(table, encode(table, 'control_ping', { context: 99 })), { id: 23, context: 99 });
  t.deepEqual(peekHeader(table, encode(table, 'control_ping_reply', { context: 98, vpe_pid: 5 })), { id: 24, context: 98 });
  t.deepEqual(peekHeader(table, Buffer.from([0x12, 0x34, 0, 0])), { id: 0x1234 });
  t.is(peekHeader(table, Buffer.from([1])), undefined);
});

test('header offsets follow the spec per kind: bootstrap replies put context at 6, events have none', (t) => {
  const table = MessageTable.assign(['sw_interface_event', 'sw_interface_set_flags', 'sw_interface_details'], 400);
  const reply = encode(table, 'sockclnt_create_reply', { client_index: 0, context: 0x0a0b0c0d, index: 0x80000001 });
  t.deepEqual(peekHeader(table, reply), { id: 16, context: 0x0a0b0c0d });
  t.deepEqual(peekHeader(table, encode(table, 'sockclnt_create', { context: 42, name: 'x' })), { id: 15, context: 42 });
  t.deepEqual(peekHeader(table, encode(table, 'sw_interface_event', { client_index: 1, pid: 2, sw_if_index: 3 })), { id: 400 });
  const offsets = (name: keyof typeof messages) => [messages[name].clientIndexOffset, messages[name].contextOffset];
  t.deepEqual(offsets('sw_interface_set_flags'), [2, 6]);
  t.deepEqual(offsets('sw_interface_set_flags_reply'), [undefined, 2]);
  t.deepEqual(offsets('sw_interface_details'), [undefined, 2]);
  t.deepEqual(offsets('sw_interface_event'), [2, undefined]);
  t.deepEqual(offsets('sockclnt_create_reply'), [2, 6]);
  t.is(messages.sw_interface_event.kind, 'event');
  t.is(messages.tap_create_v2.deprecated, true);
  t.is(messages.tap_create_v3.deprecated, false);
});

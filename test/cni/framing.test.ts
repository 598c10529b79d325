/**
 * The forwarder ↔ agent framing and the per-key serialiser, as plain functions.
 */
import test from 'ava';
import { decodeRequestHeader, decodeRequestPayload, decodeResponse, encodeRequest, encodeResponse, FrameError } from '../../src/cni/framing.js';
import { KeyedSerializer } from '../../src/sources/cni/serial.js';

test('a request frame round-trips env values with "=" and binary stdin', (t) => {
  const env = { CNI_COMMAND: 'ADD', CNI_ARGS: 'A=1;B=x=y', CNI_PATH: '' };
  const stdin = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
  const frame = encodeRequest(env, stdin);
  const len = decodeRequestHeader(frame);
  t.is(len, frame.length - 8);
  const back = decodeRequestPayload(frame.subarray(8));
  t.deepEqual(back.env, env);
  t.deepEqual([...back.stdin], [...stdin]);
});

const badFrames: [string, Buffer, RegExp][] = [
  ['a wrong magic', Buffer.from('IPN2\0\0\0\0'), /frame magic/],
  ['a length over the limit', Buffer.from([0x49, 0x50, 0x4e, 0x31, 0x00, 0x20, 0x00, 0x00]), /exceeds the limit/],
  ['a header shorter than 8 bytes', Buffer.from('IPN1'), /frame magic/],
];
for (const [what, head, message] of badFrames) {
  test(`a request header with ${what} is refused`, (t) => {
    t.throws(() => decodeRequestHeader(head, 1024), { instanceOf: FrameError, message });
  });
}

test('an env block without terminator or with a nameless entry is refused', (t) => {
  t.throws(() => decodeRequestPayload(Buffer.from('CNI_COMMAND=ADD')), { instanceOf: FrameError, message: /not terminated/ });
  t.throws(() => decodeRequestPayload(Buffer.from('=x\0\0')), { instanceOf: FrameError, message: /has no name/ });
});

test('a response frame carries the exit code and the exact stdout', (t) => {
  t.deepEqual(decodeResponse(encodeResponse(1, '{"code":7}')), { exitCode: 1, stdout: '{"code":7}' });
  t.deepEqual(decodeResponse(encodeResponse(0, '')), { exitCode: 0, stdout: '' });
  t.throws(() => decodeResponse(Buffer.from([0, 0, 0, 9, 0])), { instanceOf: FrameError });
});

test('the serialiser runs one key in order even when a task fails, and forgets idle keys', async (t) => {
  const s = new KeyedSerializer();
  const order: string[] = [];
  const step = (name: string, ms: number, fail = false) => () => new Promise<string>((resolve, reject) => {
    order.push(`start ${name}`);
    setTimeout(() => { order.push(`end ${name}`); if (fail) reject(new Error(name)); else resolve(name); }, ms);
  });
  const a1 = s.run('a', step('a1', 30, true));
  const a2 = s.run('a', step('a2', 5));
  const b1 = s.run('b', step('b1', 5));
  await t.throwsAsync(a1, { message: 'a1' });
  t.is(await a2, 'a2');
  t.is(await b1, 'b1');
  t.deepEqual(order.filter((o) => / a\d$/.test(o)), ['start a1', 'end a1', 'start a2', 'end a2']);
  t.true(order.indexOf('end b1') < order.indexOf('end a1'));
  await new Promise((r) => setImmediate(r));
  t.is(s.busyKeys, 0);
});

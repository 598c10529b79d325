/**
 * The compiled struct readers (src/vpp/binapi/fast-read.ts) against the field-by-field
 * reference: same value for every generated body of every message, same outcome (value or
 * error, path included) for truncated and corrupted frames, and zero-filled fixed arrays
 * decoded once, frozen and shared.
 */
import test from 'ava';
import {
  MessageTable, array, bytes, decode, encode, encodeDynamic, messageNames, messages, struct, u16, u8,
  type Cursor, type MessageDef, type StructReader,
} from '../../src/vpp/binapi/index.js';
import { compileStructReader } from '../../src/vpp/binapi/fast-read.js';
import { below, generate, rng } from './gen.js';

const table = MessageTable.assign(messageNames(), 0x0400);
const defs = Object.values(messages) as unknown as MessageDef[];

/** Decodes a frame's body with the reference reader, as `decode` would with the compiled one. */
function referenceDecode(def: MessageDef, frame: Buffer): { ok: true; msg: unknown; off: number } | { ok: false; error: string } {
  const cur: Cursor = { off: 2, end: frame.length };
  try {
    const msg = (def.codec as unknown as { readEach: StructReader }).readEach(frame, cur, {});
    return { ok: true, msg, off: cur.off };
  } catch (err) {
    return { ok: false, error: `${(err as Error).message} @${(err as { path?: string[] }).path?.join('.') ?? ''}` };
  }
}

function compiledDecode(def: MessageDef, frame: Buffer): { ok: true; msg: unknown; off: number } | { ok: false; error: string } {
  const cur: Cursor = { off: 2, end: frame.length };
  try {
    const msg = def.codec.read(frame, cur, {});
    return { ok: true, msg, off: cur.off };
  } catch (err) {
    return { ok: false, error: `${(err as Error).message} @${(err as { path?: string[] }).path?.join('.') ?? ''}` };
  }
}

test('every message decodes to the same value through the compiled reader and the reference', (t) => {
  const r = rng(0xfa57);
  let compared = 0;
  for (const def of defs) {
    for (let k = 0; k < 20; k++) {
      const frame = encodeDynamic(table, def.name, generate(r, def.codec).input as Record<string, unknown>);
      t.deepEqual(compiledDecode(def, frame), referenceDecode(def, frame), def.name);
      compared++;
    }
  }
  t.true(compared >= defs.length * 20);
});

test('truncated and corrupted frames fail (or pass) alike, with the reference error and field path', (t) => {
  const r = rng(0xbad5);
  let failed = 0;
  for (let n = 0; n < 4000; n++) {
    const def = defs[below(r, defs.length)] as MessageDef;
    const frame = Buffer.from(encodeDynamic(table, def.name, generate(r, def.codec).input as Record<string, unknown>));
    const cut = below(r, 3) === 0 ? frame.subarray(0, 2 + below(r, frame.length - 1)) : frame;
    for (let i = 0; i < 1 + below(r, 3) && cut.length > 2; i++) cut[2 + below(r, cut.length - 2)] = below(r, 256);
    const want = referenceDecode(def, cut);
    t.deepEqual(compiledDecode(def, cut), want, def.name);
    if (!want.ok) failed++;
  }
  // the corpus must exercise the error path, not only the happy one
  t.true(failed > 200, `only ${failed} failing frames`);
});

test('a route path without labels shares one frozen zero label stack; one with labels gets its own', (t) => {
  const route = (labels: number) => encode(table, 'ip_route_details', {
    route: { table_id: 0, prefix: { address: { af: 0, un: { ip4: [10, 1, 0, 0] } }, len: 16 }, n_paths: 1,
      paths: [{ sw_if_index: 3, n_labels: labels, label_stack: labels > 0 ? [{ label: 100, ttl: 64 }] : [] }] },
  });
  const a = decode(table, route(0));
  const b = decode(table, route(0));
  const c = decode(table, route(1));
  if (!a.ok || !b.ok || !c.ok) return t.fail('decode failed');
  const stack = (m: Record<string, unknown>) => ((m.route as { paths: { label_stack: unknown[] }[] }).paths[0] as { label_stack: unknown[] }).label_stack;
  t.is(stack(a.msg), stack(b.msg));
  t.true(Object.isFrozen(stack(a.msg)) && Object.isFrozen(stack(a.msg)[0]));
  t.throws(() => {
    (stack(a.msg)[0] as { label: number }).label = 5;
  }, { instanceOf: TypeError });
  t.not(stack(c.msg), stack(a.msg));
  t.like(stack(c.msg)[0], { label: 100, ttl: 64 });
  t.is(stack(c.msg).length, 16);
});

test('a zero-filled fixed array whose elements hold bytes is decoded afresh each time (a Uint8Array cannot be frozen)', (t) => {
  const codec = struct('with_macs', { n: u8, entries: array(3, struct('entry', { mac: bytes(6), port: u16 })) });
  const frame = Buffer.alloc(1 + 3 * 8);
  const read = () => codec.read(frame, { off: 0, end: frame.length }, {}) as { entries: { mac: Uint8Array }[] };
  const a = read();
  const b = read();
  t.not(a.entries, b.entries);
  (a.entries[0] as { mac: Uint8Array }).mac[0] = 7;
  t.is((b.entries[0] as { mac: Uint8Array }).mac[0], 0);
  t.deepEqual(read(), codec.readEach(frame, { off: 0, end: frame.length }, {}));
});

test('a field named __proto__ is never compiled into a reader', (t) => {
  const codec = struct('odd', { a: u8 });
  t.like(codec.read(Buffer.from([5]), { off: 0, end: 1 }, {}), { a: 5 });
  t.is(compileStructReader([['__proto__', u8]], () => ({})), undefined);
});

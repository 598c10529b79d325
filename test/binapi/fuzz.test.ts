/**
 * Seeded fuzzing: random and mutated frames into `decode`, random chunkings and garbage into
 * the deframer. Nothing may throw; every outcome is an ok value or a typed error value.
 */
import test from 'ava';
import {
  BinapiDecodeError, FrameTooLargeError, MessageTable, SocketDeframer, decode, encodeDynamic, frameSocketMessage,
  messageNames, messages, peekHeader, type MessageDef,
} from '../../src/vpp/binapi/index.js';
import { below, generate, rng } from './gen.js';

const table = MessageTable.assign(messageNames(), 0x0400);
const defs = Object.values(messages) as unknown as MessageDef[];
const ids = defs.map((d) => table.idOf(d.name));

// A pool of valid frames (three per message) to mutate: generating bodies costs more than decoding them.
const pool = ((): Buffer[] => {
  const r = rng(0x9001);
  return defs.flatMap((def) => [0, 1, 2].map(() => encodeDynamic(table, def.name, generate(r, def.codec).input as Record<string, unknown>)));
})();

function validFrame(r: () => number): Buffer {
  return pool[below(r, pool.length)] as Buffer;
}

function mutate(r: () => number, f: Buffer): Buffer {
  const b = Buffer.from(f);
  switch (below(r, 6)) {
    case 0: return b.subarray(0, below(r, b.length + 1)); // truncate
    case 1: return Buffer.concat([b, Buffer.from(Array.from({ length: 1 + below(r, 8) }, () => below(r, 256)))]); // extend
    case 2: { // flip a few bytes
      for (let i = 0; i < 1 + below(r, 4) && b.length > 0; i++) b[below(r, b.length)] = below(r, 256);
      return b;
    }
    case 3: { // a huge u32 somewhere (count or string length)
      if (b.length >= 6) b.writeUInt32BE([0xffffffff, 0x7fffffff, 0x10000, 1 + below(r, 300)][below(r, 4)] as number, 2 + below(r, b.length - 5));
      return b;
    }
    case 4: { // another message's id on this body
      if (b.length >= 2) b.writeUInt16BE(ids[below(r, ids.length)] as number, 0);
      return b;
    }
    default: // a random id, possibly unknown
      if (b.length >= 2) b.writeUInt16BE(below(r, 0x10000), 0);
      return b;
  }
}

test('10,000 random and mutated frames decode to ok or a BinapiDecodeError, never a throw', (t) => {
  const r = rng(0xf022);
  let untyped = 0;
  const outcomes = { ok: 0, short: 0, inconsistent: 0, 'unknown-id': 0, trailing: 0, oversized: 0, internal: 0 };
  for (let i = 0; i < 10_000; i++) {
    let frame: Buffer;
    if (i % 4 === 0) {
      frame = Buffer.from(Array.from({ length: below(r, 400) }, () => below(r, 256)));
      if (frame.length >= 2 && r() < 0.7) frame.writeUInt16BE(ids[below(r, ids.length)] as number, 0);
    } else {
      frame = mutate(r, validFrame(r));
    }
    let res;
    try {
      res = decode(table, frame, { trailing: r() < 0.5 ? 'ignore' : 'reject' });
      peekHeader(table, frame);
    } catch (err) {
      return t.fail(`frame ${i} (${frame.toString('hex')}) threw: ${String(err)}`);
    }
    if (res.ok) outcomes.ok++;
    else if (res.error instanceof BinapiDecodeError) outcomes[res.error.reason]++;
    else untyped++;
  }
  t.is(untyped, 0);
  t.is(outcomes.internal, 0);
  // The mix must exercise acceptance and each rejection path, or the fuzzer proves little.
  for (const k of ['ok', 'short', 'inconsistent', 'unknown-id', 'trailing'] as const) t.true(outcomes[k] > 50, `${k}: ${outcomes[k]}`);
});

test('random chunkings of a valid stream always deframe to the original messages', (t) => {
  const r = rng(0xc4a1);
  for (let round = 0; round < 200; round++) {
    const msgs = Array.from({ length: 1 + below(r, 10) }, () => validFrame(r));
    const stream = Buffer.concat(msgs.map(frameSocketMessage));
    const d = new SocketDeframer();
    const got: Buffer[] = [];
    for (let off = 0; off < stream.length;) {
      const n = 1 + below(r, 300);
      const res = d.tryPush(stream.subarray(off, off + n));
      if (!res.ok) return t.fail(res.error.message);
      got.push(...res.messages);
      off += n;
    }
    t.is(got.length, msgs.length);
    t.true(got.every((g, i) => g.equals(msgs[i] as Buffer)));
  }
});

test('garbage streams into the deframer give messages or a FrameTooLargeError, never a throw', (t) => {
  const r = rng(0x6a7b);
  let errors = 0;
  let delivered = 0;
  for (let round = 0; round < 500; round++) {
    const d = new SocketDeframer({ maxMessageBytes: 1 << 16 });
    for (let c = 0; c < 10; c++) {
      const chunk = r() < 0.5
        ? Buffer.from(Array.from({ length: below(r, 200) }, () => below(r, 256)))
        : mutate(r, frameSocketMessage(validFrame(r)));
      let res;
      try {
        res = d.tryPush(chunk);
      } catch (err) {
        return t.fail(`round ${round} threw: ${String(err)}`);
      }
      delivered += res.messages.length;
      for (const m of res.messages) decode(table, m);
      if (!res.ok) {
        t.true(res.error instanceof FrameTooLargeError);
        errors++;
        break;
      }
    }
  }
  t.true(errors > 0 && delivered > 0, `errors ${errors}, delivered ${delivered}`);
});

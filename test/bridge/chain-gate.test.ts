import test from 'ava';
import { ChainGate } from '../../src/vpp/bridge/chain-gate.js';
import { StandIns } from '../../src/vpp/bridge/stand-ins.js';
import { STAND_INS_REMEMBERED, STAND_IN_MIN } from '../../src/vpp/binapi/index.js';
import { UnknownStandInError } from '../../src/vpp/bridge/errors.js';
import { CHAIN_SOURCES_KEPT } from '../../src/vpp/bridge/contract.js';

const REPLY = 50;
/** A request frame: id, client index, context, then a u32 index at 10. */
function req(ctx: number, index = 0): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(40, 0);
  b.writeUInt32BE(ctx, 6);
  b.writeUInt32BE(index, 10);
  return b;
}
/** A reply frame: id, context, retval, then the new index at 10. */
function reply(ctx: number, retval: number, index: number): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(REPLY, 0);
  b.writeUInt32BE(ctx, 2);
  b.writeInt32BE(retval, 6);
  b.writeUInt32BE(index, 10);
  return b;
}
const contexts = (frames: readonly Buffer[]) => frames.map((f) => f.readUInt32BE(6));

test('frames wait behind an unanswered create, get its index, and later messages queue behind them', (t) => {
  const gate = new ChainGate();
  const first = gate.admit([req(1), req(2, STAND_IN_MIN), req(3)], {
    sources: [{ frame: 0, replyId: REPLY, valueAt: 10, context: 1 }],
    patches: [{ frame: 1, at: 10, source: 1 }],
  });
  t.deepEqual(contexts(first.forward), [1]);
  t.true(gate.busy);
  t.deepEqual(gate.admit([req(4)], undefined).forward, []);
  const released = gate.observe([reply(1, 0, 17)]);
  t.deepEqual(contexts(released.forward), [2, 3, 4]);
  t.is(released.forward[0]?.readUInt32BE(10), 17);
  t.is(released.patched, 1);
  t.false(gate.busy);
  // a patch naming that source later is filled from memory
  const later = gate.admit([req(5, STAND_IN_MIN)], { sources: [], patches: [{ frame: 0, at: 10, source: 1 }] });
  t.is(later.forward[0]?.readUInt32BE(10), 17);
});

test('a refused create drops what names it, and a dropped frame that was itself a create drops what names that, so nothing stays held', (t) => {
  const gate = new ChainGate();
  gate.admit([req(1), req(2, STAND_IN_MIN), req(3, STAND_IN_MIN + 1), req(4)], {
    sources: [{ frame: 0, replyId: REPLY, valueAt: 10, context: 1 }, { frame: 1, replyId: REPLY, valueAt: 10, context: 2 }],
    patches: [{ frame: 1, at: 10, source: 1 }, { frame: 2, at: 10, source: 2 }],
  });
  const r = gate.observe([reply(1, -1, 0)]);
  t.deepEqual(contexts(r.forward), [4]);
  t.is(r.unknown, 0);
  t.false(gate.busy);
  t.deepEqual(contexts(gate.admit([req(5)], undefined).forward), [5]);
});

test('a patch naming a context the gate never saw drops that frame and counts it; a reset lets held frames go', (t) => {
  const gate = new ChainGate();
  const r = gate.admit([req(9, STAND_IN_MIN), req(10)], { sources: [], patches: [{ frame: 0, at: 10, source: 77 }] });
  t.deepEqual(contexts(r.forward), [10]);
  t.is(r.unknown, 1);
  gate.admit([req(1), req(2, STAND_IN_MIN)], { sources: [{ frame: 0, replyId: REPLY, valueAt: 10, context: 1 }], patches: [{ frame: 1, at: 10, source: 1 }] });
  t.true(gate.busy);
  t.is(gate.reset(), 1);
  t.false(gate.busy);
  // the reply of a forgotten source releases nothing
  t.deepEqual(gate.observe([reply(1, 0, 3)]).forward, []);
});

test('a client forgets answered stand-ins only past the number it promises to remember, and never one a queued call holds', (t) => {
  const ins = new StandIns<string>();
  const first = ins.allocate(1);
  const frame = Buffer.alloc(14);
  frame.writeUInt32BE(first, 10);
  const held = ins.lookup('sw_interface_set_flags', frame, [10]);
  if (held instanceof Error) return t.fail(held.message);
  ins.settle(first, 5);
  for (let i = 0; i < STAND_INS_REMEMBERED; i++) ins.settle(ins.allocate(i + 2), i);
  // the oldest is forgotten for new calls, but the call that looked it up still gets its index
  t.true(ins.lookup('x', frame, [10]) instanceof UnknownStandInError);
  t.is(ins.fill('sw_interface_set_flags', frame, [10], held, 'call'), undefined);
  t.is(frame.readUInt32BE(10), 5);
  // the most recent ones are remembered
  const recent = Buffer.alloc(14);
  recent.writeUInt32BE(first + STAND_INS_REMEMBERED, 10);
  t.false(ins.lookup('x', recent, [10]) instanceof Error);
});

test('the bridge forgets answered creates only past the number the contract promises, oldest first', (t) => {
  const gate = new ChainGate();
  const n = CHAIN_SOURCES_KEPT + 1;
  for (let ctx = 1; ctx <= n; ctx++) {
    gate.admit([req(ctx)], { sources: [{ frame: 0, replyId: REPLY, valueAt: 10, context: ctx }], patches: [] });
    gate.observe([reply(ctx, 0, ctx + 1000)]);
  }
  const oldest = gate.admit([req(n + 1, STAND_IN_MIN)], { sources: [], patches: [{ frame: 0, at: 10, source: 1 }] });
  t.is(oldest.unknown, 1);
  const newest = gate.admit([req(n + 2, STAND_IN_MIN)], { sources: [], patches: [{ frame: 0, at: 10, source: n }] });
  t.is(newest.forward[0]?.readUInt32BE(10), n + 1000);
  const kept = gate.admit([req(n + 3, STAND_IN_MIN)], { sources: [], patches: [{ frame: 0, at: 10, source: n - CHAIN_SOURCES_KEPT / 2 + 1 }] });
  t.is(kept.unknown, 0);
});

/**
 * Encoding and decoding whole messages. Encoding throws typed errors (the caller built a bad
 * body); decoding never throws — frames come from the network, so every failure is a value.
 */
import { DecodeFail, EncodeFail, type Cursor } from './codec.js';
import type { MessageDef } from './define.js';
import { BinapiDecodeError, BinapiEncodeError, UnknownMessageError } from './errors.js';
import { defOf, type MessageBody, type MessageInput, type MessageName } from './registry.js';
import type { MessageTable } from './table.js';

/**
 * Largest message we decode or deframe (4 MiB). A full 24.02 message table is ≈120 KB; anything
 * near this bound is a desynchronised or hostile stream.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Outcome of decoding one frame; `msg` holds header fields too (context, client_index, retval…). */
export type DecodeResult =
  | { ok: true; name: string; id: number; msg: Record<string, unknown> }
  | { ok: false; error: BinapiDecodeError; id?: number };

/** A successful decode of a known message, with its typed body. */
export type Decoded<N extends MessageName> = { ok: true; name: N; id: number; msg: MessageBody<N> & Record<string, unknown> };

/** How strict `decode` is about bytes after the last field. */
export interface DecodeOptions {
  /**
   * `reject` (default): a tail means the peer's layout differs from ours, so the agent and the
   * simulator refuse it. `ignore`: accept and drop the tail, as a real VPP does (§1.7).
   */
  readonly trailing?: 'reject' | 'ignore';
}

function defFor(name: string): MessageDef {
  const d = defOf(name);
  if (d === undefined) throw new UnknownMessageError(name, name);
  return d;
}

function encodeDef(id: number, def: MessageDef, body: unknown, headroom: number): Buffer {
  if (!Number.isInteger(id) || id < 1 || id > 0xffff) throw new BinapiEncodeError(`failed to encode ${def.name}: message id ${id} is not a u16 above 0`);
  try {
    const size = 2 + def.codec.size(body as Record<string, unknown> | undefined);
    const buf = Buffer.allocUnsafe(headroom + size).fill(0);
    buf.writeUInt16BE(id, headroom);
    def.codec.write(buf, headroom + 2, body as Record<string, unknown> | undefined);
    return buf;
  } catch (err) {
    if (err instanceof EncodeFail) throw new BinapiEncodeError(`failed to encode ${def.name}${err.pathText()}: ${err.detail}`);
    // A body of the wrong shape (null where a struct goes, a number for an array) surfaces as a
    // TypeError deep in a codec; callers get the same typed error as for a range violation.
    if (err instanceof BinapiEncodeError) throw err;
    throw new BinapiEncodeError(`failed to encode ${def.name}: ${(err as Error).message}`);
  }
}

/**
 * Encodes a message with the id VPP gave it in this run; absent fields are zero. Typed for
 * literal names; a run-time name takes a plain record (and fails on unknown names).
 */
export function encode<N extends MessageName>(table: MessageTable, name: N, body: MessageInput<N>): Buffer;
export function encode(table: MessageTable, name: string, body: object): Buffer;
export function encode(table: MessageTable, name: string, body: unknown): Buffer {
  return encodeDef(table.idOf(name), defFor(name), body, 0);
}

/** Encodes with an explicit id: for the server side, which owns the id allocation. */
export function encodeWithId<N extends MessageName>(id: number, name: N, body: MessageInput<N>): Buffer;
export function encodeWithId(id: number, name: string, body: object): Buffer;
export function encodeWithId(id: number, name: string, body: unknown): Buffer {
  return encodeDef(id, defFor(name), body, 0);
}

/** Encodes a message whose name is only known at run time (generic tooling, the bridge). */
export function encodeDynamic(table: MessageTable, name: string, body: Record<string, unknown>): Buffer {
  return encodeDef(table.idOf(name), defFor(name), body, 0);
}

/** Encodes straight into a socket-framed buffer (16-byte header first), saving one copy per message. */
export function encodeFramed<N extends MessageName>(table: MessageTable, name: N, body: MessageInput<N>): Buffer;
export function encodeFramed(table: MessageTable, name: string, body: object): Buffer;
export function encodeFramed(table: MessageTable, name: string, body: unknown): Buffer {
  const buf = encodeDef(table.idOf(name), defFor(name), body, 16);
  buf.writeUInt32BE(buf.length - 16, 8);
  return buf;
}

/** Decodes one message (no socket header). Never throws. */
export function decode(table: MessageTable, frame: Buffer, opts?: DecodeOptions): DecodeResult {
  if (!Buffer.isBuffer(frame) || frame.length < 2) {
    return { ok: false, error: new BinapiDecodeError(`failed to decode message: frame of ${Buffer.isBuffer(frame) ? frame.length : 'non-buffer'} bytes has no message id`, 'short') };
  }
  const id = frame.readUInt16BE(0);
  if (frame.length > MAX_MESSAGE_BYTES) {
    return { ok: false, id, error: new BinapiDecodeError(`failed to decode message id ${id}: ${frame.length} bytes exceed the ${MAX_MESSAGE_BYTES}-byte limit`, 'oversized') };
  }
  const def = table.defAt(id);
  if (def === undefined) {
    const known = table.nameCrcOf(id);
    const what = known === undefined ? 'not in the message table' : `${known} has no definition in the codec`;
    return { ok: false, id, error: new BinapiDecodeError(`failed to decode message id ${id}: ${what}`, 'unknown-id') };
  }
  const cur: Cursor = { off: 2, end: frame.length };
  try {
    const msg = def.codec.read(frame, cur, {}) as Record<string, unknown>;
    if (cur.off !== frame.length && opts?.trailing !== 'ignore') {
      return {
        ok: false, id,
        error: new BinapiDecodeError(`failed to decode ${def.name}: ${frame.length - cur.off} trailing bytes after ${cur.off}-byte message`, 'trailing', def.name),
      };
    }
    return { ok: true, name: def.name, id, msg };
  } catch (err) {
    if (err instanceof DecodeFail) {
      const field = err.path.filter((p) => p !== '').join('.');
      return { ok: false, id, error: new BinapiDecodeError(`failed to decode ${def.name}${field ? `.${field}` : ''}: ${err.message}`, err.reason, def.name) };
    }
    return { ok: false, id, error: new BinapiDecodeError(`failed to decode ${def.name}: ${String(err)}`, 'internal', def.name) };
  }
}

/** Narrows a decode result to one message, typing its body. */
export function isMessage<N extends MessageName>(r: DecodeResult, name: N): r is Decoded<N> {
  return r.ok && r.name === name;
}

/** Message id and (if its kind has one) context, without decoding: for routing replies. */
export function peekHeader(table: MessageTable, frame: Buffer): { id: number; context?: number } | undefined {
  if (frame.length < 2) return undefined;
  const id = frame.readUInt16BE(0);
  const off = table.defAt(id)?.contextOffset;
  if (off === undefined || frame.length < off + 4) return { id };
  return { id, context: frame.readUInt32BE(off) };
}

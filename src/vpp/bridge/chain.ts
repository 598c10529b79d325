/**
 * The table of a chained data message (contract.ts). Entries are 12 bytes, big-endian:
 *
 *   source: kind=1, 0, frame u16, reply id u16, index offset u16, context u32
 *     "frame's reply (message `reply id`, this context) carries at `index offset` an index
 *      that later frames take"
 *   patch:  kind=2, 0, frame u16, offset u16, 0 u16, source context u32
 *     "write the index from the reply to `source context` at `offset` of frame"
 *
 * `frame` counts the message's VPP frames from 0 (the table itself not included). A source's
 * context may belong to a frame of an earlier message of the same session.
 */

import { ControlCode } from './contract.js';

/** A frame whose reply other frames take an interface index from. */
export interface ChainSource {
  readonly frame: number;
  /** Message id of the reply (VPP's reply to the frame). */
  readonly replyId: number;
  /** Where the index sits in that reply. */
  readonly valueAt: number;
  /** The frame's context, which its reply carries. */
  readonly context: number;
}

/** A 4-byte spot of a frame to fill with a source's index. */
export interface ChainPatch {
  readonly frame: number;
  readonly at: number;
  /** Context of the source call. */
  readonly source: number;
}

/** What one chained message asks besides forwarding. */
export interface ChainTable {
  readonly sources: readonly ChainSource[];
  readonly patches: readonly ChainPatch[];
}

const ENTRY = 12;
const SOURCE = 1;
const PATCH = 2;

/** Encodes a table; frame numbers and offsets must fit u16 (the client's batches are far smaller). */
export function encodeChainTable(t: ChainTable): Buffer {
  const buf = Buffer.alloc((t.sources.length + t.patches.length) * ENTRY);
  let off = 0;
  for (const s of t.sources) {
    buf[off] = SOURCE;
    buf.writeUInt16BE(s.frame, off + 2);
    buf.writeUInt16BE(s.replyId, off + 4);
    buf.writeUInt16BE(s.valueAt, off + 6);
    buf.writeUInt32BE(s.context >>> 0, off + 8);
    off += ENTRY;
  }
  for (const p of t.patches) {
    buf[off] = PATCH;
    buf.writeUInt16BE(p.frame, off + 2);
    buf.writeUInt16BE(p.at, off + 4);
    buf.writeUInt32BE(p.source >>> 0, off + 8);
    off += ENTRY;
  }
  return buf;
}

/**
 * Parses a table against the message's frames: every entry must name one of them, a patch
 * must fit inside its frame, and the table must be whole entries. Returns the reason otherwise.
 */
export function parseChainTable(table: Buffer, frames: readonly Buffer[]): ChainTable | string {
  if (table.length === 0 || table.length % ENTRY !== 0) return `chain table of ${table.length} bytes is not whole ${ENTRY}-byte entries`;
  const sources: ChainSource[] = [];
  const patches: ChainPatch[] = [];
  for (let off = 0; off < table.length; off += ENTRY) {
    const kind = table[off];
    const frame = table.readUInt16BE(off + 2);
    const f = frames[frame];
    if (f === undefined) return `chain entry ${off / ENTRY} names frame ${frame} of ${frames.length}`;
    if (kind === SOURCE) {
      sources.push({ frame, replyId: table.readUInt16BE(off + 4), valueAt: table.readUInt16BE(off + 6), context: table.readUInt32BE(off + 8) });
    } else if (kind === PATCH) {
      const at = table.readUInt16BE(off + 4);
      // a patch may not touch the message id (the bridge routes by it) and must fit the frame
      if (at < 2 || at + 4 > f.length) return `chain entry ${off / ENTRY} writes bytes ${at}–${at + 3} of a ${f.length}-byte frame`;
      patches.push({ frame, at, source: table.readUInt32BE(off + 8) });
    } else {
      return `chain entry ${off / ENTRY} has unknown kind ${String(kind)}`;
    }
  }
  return { sources, patches };
}

/**
 * For a chained message (`[<empty>, <Chain>, <table>, ...frames]`): takes the header off
 * `frames`, leaving the VPP frames, and returns the parsed table, or why it is not one.
 * Any other message is left alone (undefined).
 */
export function takeChainTable(frames: Buffer[]): ChainTable | string | undefined {
  const code = frames[1];
  if (frames.length < 4 || (frames[0] as Buffer).length !== 0 || code?.length !== 1 || code[0] !== ControlCode.Chain) return undefined;
  const table = frames[2] as Buffer;
  frames.splice(0, 3);
  return parseChainTable(table, frames);
}

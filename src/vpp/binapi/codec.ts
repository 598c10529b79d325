/**
 * The field-definition engine's leaves: big-endian integers, enums, bools, f64, fixed byte
 * arrays and strings. Every codec knows its wire size, writes into a zero-filled buffer
 * (so an absent value costs nothing) and reads against a cursor that bounds every access.
 */

/** Read position and hard end of one decode; codecs never look past `end`. */
export interface Cursor {
  off: number;
  end: number;
}

/** Internal decode failure; carries the field path and is turned into a result by `decode`. */
export class DecodeFail extends Error {
  readonly path: string[] = [];
  constructor(
    message: string,
    readonly reason: 'short' | 'inconsistent',
  ) {
    super(message);
  }
}

/**
 * Internal encode failure. Leaves throw it with the bare problem; containers prepend their field
 * name or index on the way out, so no path string is built unless something is wrong.
 */
export class EncodeFail extends Error {
  readonly path: string[] = [];
  constructor(readonly detail: string) {
    super(detail);
  }

  /** `a.b[2].c` from the collected segments. */
  pathText(): string {
    return this.path.map((p) => (p.startsWith('[') ? p : `.${p}`)).join('');
  }
}

/** What a codec is, so tests and tools can walk definitions (generate values, print layouts). */
export type Shape =
  | { t: 'int'; bytes: 1 | 2 | 4; signed: boolean; enumName?: string }
  | { t: 'bigint'; signed: boolean }
  | { t: 'f64' }
  | { t: 'bool' }
  | { t: 'bytes'; n: number; alias?: string }
  | { t: 'fstring'; n: number }
  | { t: 'vstring' }
  | { t: 'array'; n: number; of: AnyCodec }
  | { t: 'vla'; count: string; of: AnyCodec }
  | { t: 'struct'; name: string; fields: readonly (readonly [string, AnyCodec])[] }
  | { t: 'union'; name: string; size: number; members: readonly (readonly [string, AnyCodec])[] };

/** One field type: decodes to `Out`, encodes from `In` (absent input encodes as zero). */
export interface Codec<Out, In = Out> {
  readonly shape: Shape;
  /** Wire size when it does not depend on the value. */
  readonly fixed: number | undefined;
  /** Smallest possible wire size; bounds untrusted counts before allocating. */
  readonly min: number;
  size(v: In | undefined): number;
  /** Writes at `off` into a zero-filled buffer and returns the next offset; throws EncodeFail. */
  write(buf: Buffer, off: number, v: In | undefined): number;
  read(buf: Buffer, c: Cursor, parent: Record<string, unknown>): Out;
}

/** Any codec, for containers that hold fields of mixed types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCodec = Codec<any, any>;
/** Decoded type of a codec. */
export type OutOf<C> = C extends Codec<infer O, infer _I> ? O : never;
/** Encodable type of a codec. */
export type InOf<C> = C extends Codec<infer _O, infer I> ? I : never;

/** Fails the decode when fewer than `n` bytes remain. */
export function need(c: Cursor, n: number, what: string): void {
  if (c.off + n > c.end) throw new DecodeFail(`${what} needs ${n} bytes at offset ${c.off}, ${c.end - c.off} remain`, 'short');
}

function fixedCodec<Out, In>(shape: Shape, n: number, write: (buf: Buffer, off: number, v: In) => void, read: (buf: Buffer, off: number) => Out): Codec<Out, In> {
  return {
    shape,
    fixed: n,
    min: n,
    size: () => n,
    write(buf, off, v) {
      if (v !== undefined) write(buf, off, v);
      return off + n;
    },
    read(buf, c) {
      if (c.off + n > c.end) need(c, n, shape.t);
      const v = read(buf, c.off);
      c.off += n;
      return v;
    },
  };
}

function intCodec(bytes: 1 | 2 | 4, signed: boolean, enumName?: string): Codec<number> {
  const lo = signed ? -(2 ** (bytes * 8 - 1)) : 0;
  const hi = signed ? 2 ** (bytes * 8 - 1) - 1 : 2 ** (bytes * 8) - 1;
  const w = signed
    ? bytes === 4 ? (buf: Buffer, off: number, v: number) => buf.writeInt32BE(v, off) : (buf: Buffer, off: number, v: number) => buf.writeIntBE(v, off, bytes)
    : bytes === 4 ? (buf: Buffer, off: number, v: number) => buf.writeUInt32BE(v, off)
      : bytes === 2 ? (buf: Buffer, off: number, v: number) => { buf[off] = v >>> 8; buf[off + 1] = v & 0xff; }
        : (buf: Buffer, off: number, v: number) => { buf[off] = v; };
  // Bounds are checked by the caller, so plain indexing is safe and much cheaper than readUIntBE.
  const r = signed
    ? bytes === 4 ? (buf: Buffer, off: number) => buf.readInt32BE(off) : (buf: Buffer, off: number) => buf.readIntBE(off, bytes)
    : bytes === 4 ? (buf: Buffer, off: number) => buf.readUInt32BE(off)
      : bytes === 2 ? (buf: Buffer, off: number) => ((buf[off] as number) << 8) | (buf[off + 1] as number)
        : (buf: Buffer, off: number) => buf[off] as number;
  const shape: Shape = enumName === undefined ? { t: 'int', bytes, signed } : { t: 'int', bytes, signed, enumName };
  return fixedCodec<number, number>(shape, bytes, (buf, off, v) => {
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new EncodeFail(`${String(v)} is not a ${signed ? 'i' : 'u'}${bytes * 8}`);
    }
    w(buf, off, v);
  }, r);
}

function bigCodec(signed: boolean): Codec<bigint, bigint | number> {
  return fixedCodec<bigint, bigint | number>({ t: 'bigint', signed }, 8, (buf, off, v) => {
    try {
      if (signed) buf.writeBigInt64BE(BigInt(v), off);
      else buf.writeBigUInt64BE(BigInt(v), off);
    } catch (err) {
      throw new EncodeFail(`${String(v)} is not a ${signed ? 'i' : 'u'}64 (${(err as Error).message})`);
    }
  }, signed ? (buf, off) => buf.readBigInt64BE(off) : (buf, off) => buf.readBigUInt64BE(off));
}

/** `u8`: one byte (counts such as n_paths, prefix lengths). */
export const u8 = intCodec(1, false);
/** `u16` big-endian (MTUs, ports, ring sizes). */
export const u16 = intCodec(2, false);
/** `u32` big-endian (indexes, table ids, contexts). */
export const u32 = intCodec(4, false);
/** `i8`, for completeness of the .api primitive set. */
export const i8 = intCodec(1, true);
/** `i16`, for completeness of the .api primitive set. */
export const i16 = intCodec(2, true);
/** `i32` big-endian (retval, response). */
export const i32 = intCodec(4, true);
/** `u64` big-endian; decodes to bigint (handles, pointers); encodes from bigint or a safe number. */
export const u64 = bigCodec(false);
/** `i64` big-endian, as bigint. */
export const i64 = bigCodec(true);

/** f64 travels in host (little-endian) order: VPP's host-to-net for doubles is the identity. */
export const f64 = fixedCodec<number, number>({ t: 'f64' }, 8, (buf, off, v) => {
  if (typeof v !== 'number') throw new EncodeFail(`expected a number, got ${typeof v}`);
  buf.writeDoubleLE(v, off);
}, (buf, off) => buf.readDoubleLE(off));

/** One byte; any non-zero byte reads as true, as VPP tests it. */
export const bool = fixedCodec<boolean, boolean>({ t: 'bool' }, 1, (buf, off, v) => buf.writeUInt8(v ? 1 : 0, off), (buf, off) => buf[off] !== 0);

/** A named enum or flags type with a declared base (u8 or u32 in our set). */
export function enumOf(name: string, base: 'u8' | 'u16' | 'u32'): Codec<number> {
  return intCodec(base === 'u8' ? 1 : base === 'u16' ? 2 : 4, false, name);
}

/** `u8 x[N]` (MACs, IPv4/IPv6 addresses): decodes to a copied Uint8Array, encodes shorter input zero-padded. */
export function bytes(n: number, alias?: string): Codec<Uint8Array, ArrayLike<number>> {
  const shape: Shape = alias === undefined ? { t: 'bytes', n } : { t: 'bytes', n, alias };
  return fixedCodec<Uint8Array, ArrayLike<number>>(shape, n, (buf, off, v) => {
    if (typeof v !== 'object' || v === null || typeof v.length !== 'number') throw new EncodeFail(`expected bytes, got ${typeof v}`);
    if (v.length > n) throw new EncodeFail(`${v.length} bytes exceed ${n}`);
    for (let i = 0; i < v.length; i++) {
      const b = v[i] ?? 0;
      if (!Number.isInteger(b) || b < 0 || b > 255) throw new EncodeFail(`byte ${i}: ${b} is not a byte`);
      buf[off + i] = b;
    }
  }, (buf, off) => readBytes(buf, off, n));
}

/** `n` bytes at `off` as a copy, so decoded values never alias a frame the transport may reuse. */
export function readBytes(buf: Buffer, off: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = buf[off + i] as number;
  return out;
}

/** `string x[N]`: NUL-padded, at most N−1 bytes of UTF-8; reading stops at the first NUL. */
export function fstring(n: number): Codec<string, string> {
  return fixedCodec<string, string>({ t: 'fstring', n }, n, (buf, off, v) => {
    if (typeof v !== 'string') throw new EncodeFail(`expected a string, got ${typeof v}`);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > n - 1) throw new EncodeFail(`string of ${len} bytes exceeds ${n - 1}`);
    buf.write(v, off, len, 'utf8');
  }, (buf, off) => readFString(buf, off, n));
}

/** The UTF-8 text of an `n`-byte NUL-padded field at `off`, up to its first NUL. */
export function readFString(buf: Buffer, off: number, n: number): string {
  let e = off;
  const stop = off + n;
  while (e < stop && buf[e] !== 0) e++;
  return buf.toString('utf8', off, e);
}

/** `string x[]`: u32 big-endian length then the bytes, no NUL; the length is bounded by the frame. */
export const vstring: Codec<string, string> = {
  shape: { t: 'vstring' },
  fixed: undefined,
  min: 4,
  size: (v) => 4 + (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0),
  write(buf, off, v) {
    if (v === undefined) return off + 4;
    if (typeof v !== 'string') throw new EncodeFail(`expected a string, got ${typeof v}`);
    const len = buf.write(v, off + 4, 'utf8');
    buf.writeUInt32BE(len, off);
    return off + 4 + len;
  },
  read(buf, c) {
    need(c, 4, 'string length');
    const len = buf.readUInt32BE(c.off);
    if (len > c.end - c.off - 4) {
      throw new DecodeFail(`string length ${len} at offset ${c.off} runs past the frame (${c.end - c.off - 4} bytes remain)`, 'inconsistent');
    }
    const s = buf.toString('utf8', c.off + 4, c.off + 4 + len);
    c.off += 4 + len;
    return s;
  },
};

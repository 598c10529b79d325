/**
 * The engine's containers: packed structs (field order = wire order), unions, fixed arrays and
 * variable arrays whose length lives in an earlier count field of the same struct. Types of
 * decoded and encodable values are derived from the definitions, so defs are the only source.
 */
import { DecodeFail, EncodeFail, need, type AnyCodec, type Codec, type Cursor, type InOf, type OutOf } from './codec.js';
import { compileStructReader, type StructReader } from './fast-read.js';

/** Field definitions of a struct, in wire order (object key order is preserved for string keys). */
export type Fields = Record<string, AnyCodec>;
/** Decoded value of a struct: every field present. */
export type StructOut<F extends Fields> = { -readonly [K in keyof F]: OutOf<F[K]> };
/** Encodable value of a struct: every field optional (absent = zero); count fields are filled in. */
export type StructIn<F extends Fields> = { [K in keyof F]?: InOf<F[K]> };

/** Bound on any variable array's element count, on top of the remaining-bytes bound. */
export const MAX_ARRAY_ELEMENTS = 1 << 20;

type Reader = (buf: Buffer, cur: Cursor, c: readonly AnyCodec[], names: readonly string[], fail: typeof DecodeFail) => Record<string, unknown>;
type Writer = (buf: Buffer, off: number, v: Record<string, unknown>, c: readonly AnyCodec[], names: readonly string[], fail: typeof EncodeFail) => number;
type Sizer = (v: Record<string, unknown> | undefined, c: readonly AnyCodec[], names: readonly string[], fail: typeof EncodeFail) => number;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function checkNames(struct: string, names: readonly string[]): void {
  for (const n of names) if (!IDENTIFIER.test(n) || n === '__proto__') throw new Error(`bad definition ${struct}: field name ${JSON.stringify(n)}`);
}

/**
 * Builds a struct's reader as straight-line code over its field names. Decoding is the hot path
 * and this is ~2.5× faster than a loop with computed keys: every decoded object of the struct
 * is created with all its fields at once, so it has one hidden class and monomorphic stores.
 * Only names from our own definitions reach the generated code, and they are checked to be
 * plain identifiers first.
 */
function compileReader(struct: string, names: readonly string[]): Reader {
  checkNames(struct, names);
  const init = names.map((n) => `${n}: undefined`).join(', ');
  const steps = names.map((n, i) => `i = ${i}; o.${n} = c[${i}].read(buf, cur, o);`).join('\n');
  return new Function('buf', 'cur', 'c', 'names', 'fail', `const o = { ${init} };\n${withFieldPath(steps, 'o')}`) as Reader;
}

/**
 * The value each field is encoded from, as an expression over `v`: the field itself, or for the
 * count of a variable array that array's length (absent = 0).
 */
function fieldExpr(name: string, countOf: ReadonlyMap<string, string>, v: string): string {
  const arr = countOf.get(name);
  return arr === undefined ? `${v}.${name}` : `(${v}.${arr} === undefined ? 0 : ${v}.${arr}.length)`;
}

/** Wraps straight-line steps so a DecodeFail or EncodeFail (`fail`) names the field it failed in. */
function withFieldPath(steps: string, result: string): string {
  return `let i = 0;\ntry {\n${steps}\n} catch (err) {\nif (err instanceof fail) err.path.unshift(names[i]);\nthrow err;\n}\nreturn ${result};`;
}

/**
 * The writer counterpart of `compileReader`. A loop over the fields shares one property load and
 * one call site between all of them, which V8 then handles as megamorphic; here every field has
 * its own, seeing one shape and one codec. Encoding runs a few times per pod add, mostly before
 * the optimising compiler gets to it, where this matters most: a short-lived agent's
 * tap_create_v3 cost ~90 µs of CPU to encode.
 */
function compileWriter(struct: string, names: readonly string[], countOf: ReadonlyMap<string, string>): Writer {
  checkNames(struct, names);
  const steps = names.map((n, i) => `i = ${i}; off = c[${i}].write(buf, off, ${fieldExpr(n, countOf, 'v')});`).join('\n');
  return new Function('buf', 'off', 'v', 'c', 'names', 'fail', withFieldPath(steps, 'off')) as Writer;
}

/** Size of a struct whose size depends on its value (variable arrays or strings), compiled as above. */
function compileSizer(struct: string, names: readonly string[], countOf: ReadonlyMap<string, string>): Sizer {
  checkNames(struct, names);
  const steps = names.map((n, i) => `i = ${i}; n += c[${i}].size(v == null ? undefined : ${fieldExpr(n, countOf, 'v')});`).join('\n');
  return new Function('v', 'c', 'names', 'fail', `let n = 0;\n${withFieldPath(steps, 'n')}`) as Sizer;
}

/** A struct's codec, with the field-by-field reader its compiled one must agree with (tests compare them). */
export type StructCodec<F extends Fields> = Codec<StructOut<F>, StructIn<F>> & { readonly readEach: StructReader };

/** A packed struct. Count fields of variable arrays are written from the array's length. */
export function struct<F extends Fields>(name: string, fields: F): StructCodec<F> {
  const list = Object.entries(fields) as [string, AnyCodec][];
  const names = list.map(([k]) => k);
  const codecs = list.map(([, c]) => c);
  checkNames(name, names);
  const countOf = new Map<string, string>();
  for (const [fname, c] of list) {
    if (c.shape.t !== 'vla') continue;
    const count = c.shape.count;
    const idx = list.findIndex(([n]) => n === count);
    if (idx < 0 || idx >= list.findIndex(([n]) => n === fname)) {
      throw new Error(`bad definition ${name}.${fname}: count field ${count} must precede it`);
    }
    countOf.set(count, fname);
  }
  let fixed: number | undefined = 0;
  let min = 0;
  for (const [, c] of list) {
    fixed = fixed === undefined || c.fixed === undefined ? undefined : fixed + c.fixed;
    min += c.min;
  }
  // compiled on first use: a process loads ~150 layouts and uses a few dozen, and compiling
  // them all cost ~20 ms of every start (the agent's included) before the first call
  let reader: Reader | undefined;
  let fast: StructReader | undefined;
  let writer: Writer | undefined;
  let sizer: Sizer | undefined;
  const readEach: StructReader = (buf, cur) => {
    reader ??= compileReader(name, names);
    return reader(buf, cur, codecs, names, DecodeFail);
  };
  return {
    readEach,
    shape: { t: 'struct', name, fields: list },
    fixed,
    min,
    size(v) {
      if (fixed !== undefined) return fixed;
      sizer ??= compileSizer(name, names, countOf);
      return sizer(v as Record<string, unknown> | undefined, codecs, names, EncodeFail);
    },
    write(buf, off, v) {
      if (v === undefined) return off + (fixed ?? this.size(v));
      if (typeof v !== 'object' || v === null) throw new EncodeFail(`expected an object, got ${typeof v}`);
      writer ??= compileWriter(name, names, countOf);
      return writer(buf, off, v as Record<string, unknown>, codecs, names, EncodeFail);
    },
    read(buf, cur, parent) {
      fast ??= compileStructReader(list, readEach) ?? readEach;
      return fast(buf, cur, parent) as StructOut<F>;
    },
  };
}

/** Decoded union: every member's view of the same bytes (e.g. `un.ip4` and `un.ip6`). */
export type UnionOut<M extends Fields> = { -readonly [K in keyof M]: OutOf<M[K]> };
/** Encodable union: give one member; the rest of the union's bytes stay zero. */
export type UnionIn<M extends Fields> = { [K in keyof M]?: InOf<M[K]> };

/** A union of fixed-size members, as wide as its largest member. */
export function union<M extends Fields>(name: string, members: M): Codec<UnionOut<M>, UnionIn<M>> {
  const list = Object.entries(members) as [string, AnyCodec][];
  let size = 0;
  for (const [mname, c] of list) {
    if (c.fixed === undefined) throw new Error(`bad definition ${name}.${mname}: union members must be fixed-size`);
    size = Math.max(size, c.fixed);
  }
  return {
    shape: { t: 'union', name, size, members: list },
    fixed: size,
    min: size,
    size: () => size,
    write(buf, off, v) {
      if (v === undefined) return off + size;
      if (typeof v !== 'object' || v === null) throw new EncodeFail(`expected an object, got ${typeof v}`);
      const o = v as Record<string, unknown>;
      for (const [mname, c] of list) {
        if (o[mname] === undefined) continue;
        try {
          c.write(buf, off, o[mname]);
        } catch (err) {
          if (err instanceof EncodeFail) err.path.unshift(mname);
          throw err;
        }
        break;
      }
      return off + size;
    },
    read(buf, cur) {
      need(cur, size, name);
      const o: Record<string, unknown> = {};
      for (const [mname, c] of list) o[mname] = c.read(buf, { off: cur.off, end: cur.off + size }, o);
      cur.off += size;
      return o as UnionOut<M>;
    },
  };
}

/** Writes elements one after another, naming the failing index. */
function writeEach(buf: Buffer, off: number, v: readonly unknown[], of: AnyCodec): number {
  let i = 0;
  try {
    for (; i < v.length; i++) off = of.write(buf, off, v[i]);
  } catch (err) {
    if (err instanceof EncodeFail) err.path.unshift(`[${i}]`);
    throw err;
  }
  return off;
}

/** `T x[N]` for non-byte T: exactly N elements on the wire; fewer given are zero-filled. */
export function array<C extends AnyCodec>(n: number, of: C): Codec<OutOf<C>[], readonly (InOf<C> | undefined)[]> {
  if (of.fixed === undefined) throw new Error('fixed arrays need fixed-size elements');
  const esz = of.fixed;
  return {
    shape: { t: 'array', n, of },
    fixed: n * esz,
    min: n * esz,
    size: () => n * esz,
    write(buf, off, v) {
      if (v === undefined) return off + n * esz;
      if (!Array.isArray(v)) throw new EncodeFail(`expected an array, got ${typeof v}`);
      if (v.length > n) throw new EncodeFail(`${v.length} elements exceed ${n}`);
      writeEach(buf, off, v, of);
      return off + n * esz;
    },
    read(buf, cur) {
      need(cur, n * esz, 'array');
      const out: OutOf<C>[] = new Array<OutOf<C>>(n);
      for (let i = 0; i < n; i++) out[i] = of.read(buf, cur, {}) as OutOf<C>;
      return out;
    },
  };
}

/** `T x[count]`: length taken from the sibling field `count`, checked against the bytes left. */
export function vla<C extends AnyCodec>(count: string, of: C): Codec<OutOf<C>[], readonly InOf<C>[]> {
  const emin = Math.max(1, of.min);
  return {
    shape: { t: 'vla', count, of },
    fixed: undefined,
    min: 0,
    size(v) {
      if (v === undefined) return 0;
      if (!Array.isArray(v)) throw new EncodeFail(`expected an array, got ${typeof v}`);
      if (of.fixed !== undefined) return v.length * of.fixed;
      let s = 0;
      for (const e of v) s += of.size(e);
      return s;
    },
    write(buf, off, v) {
      if (v === undefined) return off;
      return writeEach(buf, off, v, of);
    },
    read(buf, cur: Cursor, parent) {
      const n = parent[count];
      if (typeof n !== 'number') throw new DecodeFail(`count field ${count} missing`, 'inconsistent');
      if (n > MAX_ARRAY_ELEMENTS || n * emin > cur.end - cur.off) {
        throw new DecodeFail(`count ${count}=${n} needs at least ${n * emin} bytes at offset ${cur.off}, ${cur.end - cur.off} remain`, 'inconsistent');
      }
      const out: OutOf<C>[] = new Array<OutOf<C>>(n);
      for (let i = 0; i < n; i++) out[i] = of.read(buf, cur, {}) as OutOf<C>;
      return out;
    },
  };
}

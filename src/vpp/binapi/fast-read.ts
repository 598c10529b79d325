/**
 * A struct's decoder compiled into one function: every fixed-size field, nested structs,
 * unions and fixed arrays included, is read in place, with one bounds check per run of
 * fixed-size fields. Field by field, a decode is three calls per leaf; a restarting agent's
 * resync decodes ~10,800 dump messages before V8 has optimised any of them, and that took
 * ~150 ms there (against ~40 ms warm). Variable-size fields (counted arrays, variable strings)
 * still go through their codecs.
 *
 * The field-by-field reader stays the reference: when anything here fails (too few bytes, a
 * bad count), the decode is redone by it, so errors and their field paths are its own.
 */
import { readBytes, readFString, type AnyCodec, type Cursor, type Shape } from './codec.js';

/** Reads one struct at `cur` (the codec `read` signature). */
export type StructReader = (buf: Buffer, cur: Cursor, parent: Record<string, unknown>) => Record<string, unknown>;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A field name the generated code may use as a property name. */
const plainName = (name: string): boolean => IDENTIFIER.test(name) && name !== '__proto__';

/** Source for one struct's reader; `ext` collects the values the source refers to as `x[i]`. */
class Source {
  readonly ext: unknown[] = [];
  /** Functions reading fixed arrays, declared once beside the reader. */
  readonly decls: string[] = [];

  ref(v: unknown): string {
    this.ext.push(v);
    return `x[${this.ext.length - 1}]`;
  }

  /** An expression reading a fixed-size value of `shape` at byte offset `at`; undefined when not inlinable. */
  fixed(shape: Shape, at: string): string | undefined {
    switch (shape.t) {
      case 'int': return intAt(shape.bytes, shape.signed, at);
      case 'bool': return `(buf[${at}] !== 0)`;
      case 'bigint': return `buf.${shape.signed ? 'readBigInt64BE' : 'readBigUInt64BE'}(${at})`;
      case 'f64': return `buf.readDoubleLE(${at})`;
      case 'bytes': return `${this.ref(readBytes)}(buf, ${at}, ${shape.n})`;
      case 'fstring': return `${this.ref(readFString)}(buf, ${at}, ${shape.n})`;
      case 'struct': return this.object(shape.fields, at, true);
      case 'union': return this.object(shape.members, at, false);
      case 'array': {
        const size = shape.of.fixed;
        if (size === undefined) return undefined;
        const element = this.fixed(shape.of.shape, `p + j * ${size}`);
        if (element === undefined) return undefined;
        const fn = `a${this.decls.length}`;
        const bytes = shape.n * size;
        // typed arrays cannot be frozen: an array holding byte fields is decoded afresh every time
        if (holdsBytes(shape.of.shape)) {
          this.decls.push(`function ${fn}(buf, p) {\nconst a = new Array(${shape.n});\nfor (let j = 0; j < ${shape.n}; j++) a[j] = ${element};\nreturn a;\n}`);
          return `${fn}(buf, ${at})`;
        }
        // an unused array (a route path's 16 MPLS labels) is all zeros: one frozen decode serves them all
        this.decls.push([
          `let zero${fn};`,
          `function ${fn}(buf, p) {`,
          `let z = 0;`,
          `while (z < ${bytes} && buf[p + z] === 0) z++;`,
          `if (z === ${bytes} && zero${fn} !== undefined) return zero${fn};`,
          `const a = new Array(${shape.n});`,
          `for (let j = 0; j < ${shape.n}; j++) a[j] = ${element};`,
          `if (z === ${bytes}) zero${fn} = ${this.ref(deepFreeze)}(a);`,
          `return a;`,
          `}`,
        ].join('\n'));
        return `${fn}(buf, ${at})`;
      }
      default: return undefined;
    }
  }

  /** An object literal of fixed-size fields laid out one after another (struct) or all at `at` (union). */
  private object(fields: readonly (readonly [string, AnyCodec])[], at: string, sequential: boolean): string | undefined {
    const parts: string[] = [];
    let off = 0;
    for (const [name, c] of fields) {
      if (!plainName(name) || c.fixed === undefined) return undefined;
      const e = this.fixed(c.shape, sequential && off > 0 ? `${at} + ${off}` : at);
      if (e === undefined) return undefined;
      parts.push(`${name}: ${e}`);
      if (sequential) off += c.fixed;
    }
    return `{ ${parts.join(', ')} }`;
  }
}

/** Whether values of `shape` hold a byte field (decoded to a Uint8Array). */
function holdsBytes(shape: Shape): boolean {
  switch (shape.t) {
    case 'bytes': return true;
    case 'struct': return shape.fields.some(([, c]) => holdsBytes(c.shape));
    case 'union': return shape.members.some(([, c]) => holdsBytes(c.shape));
    case 'array': case 'vla': return holdsBytes(shape.of.shape);
    default: return false;
  }
}

/** Freezes a decoded value and everything in it (typed arrays cannot be frozen and stay as they are). */
function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
  for (const x of Object.values(v)) deepFreeze(x);
  return Object.freeze(v);
}

/** Big-endian integer at `at` from its bytes (Buffer's read methods validate their arguments first). */
function intAt(bytes: 1 | 2 | 4, signed: boolean, at: string): string {
  const b = (k: number) => (k === 0 ? `buf[${at}]` : `buf[${at} + ${k}]`);
  if (bytes === 1) return signed ? `(${b(0)} << 24 >> 24)` : b(0);
  if (bytes === 2) return signed ? `((${b(0)} << 8 | ${b(1)}) << 16 >> 16)` : `(${b(0)} << 8 | ${b(1)})`;
  const low = `(${b(1)} << 16 | ${b(2)} << 8 | ${b(3)})`;
  return signed ? `(${b(0)} << 24 | ${low})` : `(${b(0)} * 16777216 + ${low})`;
}

/**
 * Compiles the reader of a struct with `fields`; `reference` is the field-by-field reader it
 * falls back to. Undefined when a field name is not a plain identifier (never in our definitions).
 */
export function compileStructReader(fields: readonly (readonly [string, AnyCodec])[], reference: StructReader): StructReader | undefined {
  if (fields.some(([name]) => !plainName(name))) return undefined;
  const src = new Source();
  const steps: string[] = [];
  let run: string[] = [];
  let runBytes = 0;
  const endRun = () => {
    if (run.length === 0) return;
    steps.push(`if (p + ${runBytes} > end) throw SHORT;`, ...run, `p += ${runBytes};`);
    run = [];
    runBytes = 0;
  };
  for (const [name, c] of fields) {
    const e = c.fixed === undefined ? undefined : src.fixed(c.shape, runBytes === 0 ? 'p' : `p + ${runBytes}`);
    if (e !== undefined && c.fixed !== undefined) {
      run.push(`o.${name} = ${e};`);
      runBytes += c.fixed;
      continue;
    }
    endRun();
    steps.push(`cur.off = p;`, `o.${name} = ${src.ref(c)}.read(buf, cur, o);`, `p = cur.off;`);
  }
  endRun();
  const init = fields.map(([name]) => `${name}: undefined`).join(', ');
  const body = [
    'const SHORT = {};',
    ...src.decls,
    'return function read(buf, cur, parent) {',
    'const start = cur.off;',
    'try {',
    'let p = start;',
    'const end = cur.end;',
    `const o = { ${init} };`,
    ...steps,
    'cur.off = p;',
    'return o;',
    '} catch {',
    // the reference reader finds what is wrong and says where
    'cur.off = start;',
    'return reference(buf, cur, parent);',
    '}',
    '};',
  ].join('\n');
  return new Function('x', 'reference', body)(src.ext, reference) as StructReader;
}

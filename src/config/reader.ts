/**
 * Case-insensitive, problem-collecting access to one mapping of the raw config. Reading a key
 * declares it known, so the unknown-key warning and its suggestion come for free.
 */
import { closestKey, type ProblemSink } from './problems.js';

/** Joins a dotted key path; the top level has an empty path. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Names JSON-ish types in messages ("got string"). */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}

const uintMax = { 8: 255, 16: 65_535, 32: 4_294_967_295 } as const;

/** Reads one YAML mapping the way contiv decodes it: keys match case-insensitively, null = absent. */
export class ObjectReader {
  private readonly written = new Map<string, string>();
  private readonly known: string[] = [];

  private constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    /** Dotted path of this mapping as written in the file ('' at the top). */
    readonly path: string,
    /** Where problems go; shared by all readers of one compile run. */
    readonly sink: ProblemSink,
  ) {
    for (const key of Object.keys(raw)) {
      const lower = key.toLowerCase();
      const first = this.written.get(lower);
      if (first !== undefined) {
        sink.error(joinPath(path, key), raw[key], `same key as "${first}" (keys match case-insensitively)`);
      }
      this.written.set(lower, key);
    }
  }

  /** A reader over `value`; a non-mapping is reported and read as empty. */
  static of(value: unknown, path: string, sink: ProblemSink): ObjectReader {
    if (value === undefined || value === null) return new ObjectReader({}, path, sink);
    if (typeof value !== 'object' || Array.isArray(value)) {
      sink.error(path === '' ? '<root>' : path, value, `must be a mapping, got ${typeName(value)}`);
      return new ObjectReader({}, path, sink);
    }
    return new ObjectReader(value as Record<string, unknown>, path, sink);
  }

  /** The key's path as the file spells it (canonical spelling when absent). */
  pathOf(key: string): string {
    return joinPath(this.path, this.written.get(key.toLowerCase()) ?? key);
  }

  /** The raw value of a key, undefined when absent or null; declares the key known. */
  value(key: string): unknown {
    this.known.push(key);
    const writtenKey = this.written.get(key.toLowerCase());
    if (writtenKey === undefined) return undefined;
    const v = this.raw[writtenKey];
    return v === null ? undefined : v;
  }

  /** True when the key is written with a non-null value (checked without declaring it). */
  has(key: string): boolean {
    const writtenKey = this.written.get(key.toLowerCase());
    return writtenKey !== undefined && this.raw[writtenKey] !== undefined && this.raw[writtenKey] !== null;
  }

  private wrongType(key: string, v: unknown, want: string): void {
    this.sink.error(this.pathOf(key), v, `must be ${want}, got ${typeName(v)}`);
  }

  /** A boolean; an explicit `false` overrides a `true` default. */
  bool(key: string, dflt: boolean): boolean {
    const v = this.value(key);
    if (v === undefined) return dflt;
    if (typeof v === 'boolean') return v;
    this.wrongType(key, v, 'a boolean (true or false)');
    return dflt;
  }

  /** An optional boolean (nodeConfig overrides that default to "not set"). */
  optBool(key: string): boolean | undefined {
    const v = this.value(key);
    if (v === undefined || typeof v === 'boolean') return v;
    this.wrongType(key, v, 'a boolean (true or false)');
    return undefined;
  }

  /** An unsigned integer of the spec's width (uint8/16/32). */
  uint(key: string, bits: 8 | 16 | 32, dflt: number): number {
    return this.integer(key, dflt, 0, uintMax[bits], `uint${bits}`);
  }

  /** An integer within [min, max]; `what` names the quantity in messages ("uint8", "milliseconds"). */
  integer(key: string, dflt: number, min: number, max: number, what: string): number {
    const v = this.value(key);
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.wrongType(key, v, `an integer (${what})`);
      return dflt;
    }
    if (v < min || v > max) {
      const why = v < 0 && min >= 0 ? 'must not be negative' : 'out of range';
      this.sink.error(this.pathOf(key), v, `${why}: ${min}…${max} (${what})`);
      return dflt;
    }
    return v;
  }

  /** A string (numbers are not coerced: contiv's decoder rejects them too). */
  string(key: string, dflt: string): string {
    return this.optString(key) ?? dflt;
  }

  /** An optional string. */
  optString(key: string): string | undefined {
    const v = this.value(key);
    if (v === undefined || typeof v === 'string') return v;
    this.wrongType(key, v, 'a string');
    return undefined;
  }

  /** A nested mapping (absent = empty). */
  object(key: string): ObjectReader {
    return ObjectReader.of(this.value(key), this.pathOf(key), this.sink);
  }

  /** A list (absent = empty); elements are left to the caller. */
  list(key: string): readonly unknown[] {
    const v = this.value(key);
    if (v === undefined) return [];
    if (Array.isArray(v)) return v;
    this.wrongType(key, v, 'a list');
    return [];
  }

  /** Warns about every key never read, naming the closest known key. Call after all reads. */
  finish(): void {
    const knownLower = new Set(this.known.map((k) => k.toLowerCase()));
    for (const writtenKey of this.written.values()) {
      if (knownLower.has(writtenKey.toLowerCase())) continue;
      const near = closestKey(writtenKey, this.known);
      const hint = near === undefined ? 'this mapping has no keys' : `closest known key: "${near}"`;
      this.sink.warning(joinPath(this.path, writtenKey), this.raw[writtenKey], `unknown key, ignored (${hint})`);
    }
  }
}

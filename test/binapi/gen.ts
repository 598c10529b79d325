/**
 * Seeded value generation by walking codec shapes: for each field it produces the body to encode
 * and the value decoding must give back (absent fields → zero, unions → every member's view,
 * count fields → the array's length).
 */
import type { AnyCodec, Shape } from '../../src/vpp/binapi/index.js';

/** Deterministic PRNG (mulberry32) so every run sees the same cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function below(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

function randomBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = below(r, 256);
  return b;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_/.:é€';

function randomText(r: () => number, maxBytes: number): string {
  const budget = below(r, Math.min(maxBytes, 40) + 1);
  let s = '';
  let used = 0;
  while (true) {
    const ch = alphabet[below(r, alphabet.length)] ?? 'a';
    const n = ch.charCodeAt(0) < 0x80 ? 1 : ch.charCodeAt(0) < 0x800 ? 2 : 3;
    if (used + n > budget) return s;
    s += ch;
    used += n;
  }
}

const countsCache = new WeakMap<Shape, Map<string, string>>();
/** Count field → array field of a struct, computed once per shape. */
function countsOf(s: Extract<Shape, { t: 'struct' }>): Map<string, string> {
  let m = countsCache.get(s);
  if (m === undefined) {
    m = new Map(s.fields.flatMap(([n, c]) => (c.shape.t === 'vla' ? [[c.shape.count, n] as const] : [])));
    countsCache.set(s, m);
  }
  return m;
}

/** Canonical text of a decoded value (bytes as hex, bigints tagged), for cheap exact comparison. */
export function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `hex:${Buffer.from(x).toString('hex')}` : typeof x === 'bigint' ? `big:${x}` : x));
}

/** What decoding yields for a field that was not given. */
export function zero(shape: Shape): unknown {
  switch (shape.t) {
    case 'int': case 'f64': return 0;
    case 'bigint': return 0n;
    case 'bool': return false;
    case 'bytes': return new Uint8Array(shape.n);
    case 'fstring': case 'vstring': return '';
    case 'array': return Array.from({ length: shape.n }, () => zero(shape.of.shape));
    case 'vla': return [];
    case 'struct': return Object.fromEntries(shape.fields.map(([n, c]) => [n, zero(c.shape)]));
    case 'union': return Object.fromEntries(shape.members.map(([n, c]) => [n, zero(c.shape)]));
  }
}

/** A random body for `codec` and the decoded value it must round-trip to. */
export function generate(r: () => number, codec: AnyCodec, omitRate = 0.15): { input: unknown; expected: unknown } {
  const s = codec.shape;
  switch (s.t) {
    case 'int': {
      const bits = s.bytes * 8;
      const v = s.signed ? below(r, 2 ** bits) - 2 ** (bits - 1) : below(r, 2 ** bits);
      return { input: v, expected: v };
    }
    case 'bigint': {
      const hi = BigInt(below(r, 2 ** 32));
      const lo = BigInt(below(r, 2 ** 32));
      const u = (hi << 32n) | lo;
      const v = s.signed ? BigInt.asIntN(64, u) : u;
      return { input: v, expected: v };
    }
    case 'f64': {
      const v = (r() - 0.5) * 1e6;
      return { input: v, expected: v };
    }
    case 'bool': {
      const v = r() < 0.5;
      return { input: v, expected: v };
    }
    case 'bytes': {
      const v = randomBytes(r, s.n);
      return { input: v, expected: v };
    }
    case 'fstring': case 'vstring': {
      const v = randomText(r, s.t === 'fstring' ? s.n - 1 : 200);
      return { input: v, expected: v };
    }
    case 'array': {
      const items = Array.from({ length: s.n }, () => generate(r, s.of, omitRate));
      return { input: items.map((i) => i.input), expected: items.map((i) => i.expected) };
    }
    case 'vla': {
      const items = Array.from({ length: below(r, 4) }, () => generate(r, s.of, omitRate));
      return { input: items.map((i) => i.input), expected: items.map((i) => i.expected) };
    }
    case 'union': {
      const [name, widest] = s.members.reduce((a, b) => ((b[1].fixed ?? 0) > (a[1].fixed ?? 0) ? b : a));
      const full = randomBytes(r, s.size);
      const expected = Object.fromEntries(s.members.map(([n, c]) => [n, full.slice(0, c.fixed)]));
      return { input: { [name]: full.slice(0, widest.fixed) }, expected };
    }
    case 'struct': {
      const input: Record<string, unknown> = {};
      const expected: Record<string, unknown> = {};
      const counts = countsOf(s);
      for (const [n, c] of s.fields) {
        if (counts.has(n)) continue;
        if (r() < omitRate) {
          expected[n] = zero(c.shape);
          continue;
        }
        const g = generate(r, c, omitRate);
        input[n] = g.input;
        expected[n] = g.expected;
      }
      for (const [count, arr] of counts) expected[count] = (expected[arr] as unknown[]).length;
      // Keep wire order in the expected object so comparison also checks field order.
      const ordered: Record<string, unknown> = {};
      for (const [n] of s.fields) ordered[n] = expected[n];
      return { input, expected: ordered };
    }
  }
}

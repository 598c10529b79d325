/**
 * Conversions between the text forms the agent works with ("10.1.2.3", "10.1.0.0/16",
 * "02:fe:…") and the byte forms the messages carry, so no caller hand-packs an address union.
 */
import { BinapiEncodeError } from './errors.js';
import type { Address, AddressIn, Prefix, PrefixIn } from './types.js';
import { AddressFamily } from './types.js';

/** "a.b.c.d" → 4 bytes; throws BinapiEncodeError on anything else. */
export function ip4Bytes(text: string): Uint8Array {
  const out = parseIp4(text);
  if (out === undefined) throw new BinapiEncodeError(`failed to parse IPv4 address "${text}": ${ip4Problem(text)}`);
  return out;
}

/**
 * "a.b.c.d" → 4 bytes, or undefined: four decimal parts 0-255 of 1-3 digits, without leading
 * zeros unless `leadingZeros` (the simulator reads text as VPP's CLI does). Character loops, not
 * split + a regex per part: a pod add encodes several addresses, and the simulator parses one
 * per reply or detail that carries one.
 */
export function parseIp4(text: string, leadingZeros = false): Uint8Array | undefined {
  let dots = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 46) dots++;
  if (dots !== 3) return undefined;
  const out = new Uint8Array(4);
  let start = 0;
  for (let part = 0; part < 4; part++) {
    let end = text.indexOf('.', start);
    if (end < 0) end = text.length;
    const n = octet(text, start, end, leadingZeros);
    if (n < 0) return undefined;
    out[part] = n;
    start = end + 1;
  }
  return out;
}

/** Why `parseIp4` refused `text` (for the error message). */
function ip4Problem(text: string): string {
  const parts = text.split('.');
  if (parts.length !== 4) return 'not 4 dotted parts';
  return `bad part "${parts.find((p) => octet(p, 0, p.length, false) < 0) ?? ''}"`;
}

/** Decimal 0-255 of 1-3 digits in text[start, end) (a leading zero only if allowed); -1 for anything else. */
function octet(text: string, start: number, end: number, leadingZeros: boolean): number {
  const len = end - start;
  if (len < 1 || len > 3 || (!leadingZeros && len > 1 && text.charCodeAt(start) === 48)) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= 255 ? n : -1;
}

/** First 4 bytes → "a.b.c.d". */
export function ip4String(b: ArrayLike<number>): string {
  return `${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}.${b[3] ?? 0}`;
}

/** "aa:bb:cc:dd:ee:ff" → 6 bytes; throws BinapiEncodeError on anything else. */
export function macBytes(text: string): Uint8Array {
  const out = parseMac(text);
  if (out === undefined) throw new BinapiEncodeError(`failed to parse MAC address "${text}"`);
  return out;
}

/**
 * "aa:bb:cc:dd:ee:ff" (either case) → 6 bytes, or undefined. A character loop: a pod add
 * encodes two MACs, and regex + split + Uint8Array.from took ~12 µs each in the agent.
 */
export function parseMac(text: string): Uint8Array | undefined {
  if (text.length !== 17) return undefined;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(text.charCodeAt(3 * i));
    const lo = hexDigit(text.charCodeAt(3 * i + 1));
    if (hi < 0 || lo < 0 || (i < 5 && text.charCodeAt(3 * i + 2) !== 58)) return undefined;
    out[i] = hi * 16 + lo;
  }
  return out;
}

/** Value of a hex digit's char code; -1 for anything else. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1; // a-f, A-F
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** 6 bytes → "aa:bb:cc:dd:ee:ff" (lowercase, as VPP prints). */
export function macString(b: ArrayLike<number>): string {
  const h = (i: number): string => HEX[b[i] ?? 0] as string;
  return `${h(0)}:${h(1)}:${h(2)}:${h(3)}:${h(4)}:${h(5)}`;
}

export function address4(text: string): AddressIn {
  return { af: AddressFamily.IP4, un: { ip4: ip4Bytes(text) } };
}

/** "a.b.c.d/len" → the `prefix` type; the address is sent as written (callers normalise). */
export function prefix4(cidr: string): PrefixIn {
  const slash = cidr.indexOf('/');
  const len = slash < 0 ? NaN : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > 32 || !/^\d+$/.test(cidr.slice(slash + 1))) {
    throw new BinapiEncodeError(`failed to parse IPv4 prefix "${cidr}": bad length`);
  }
  return { address: address4(cidr.slice(0, slash)), len };
}

/** Decoded `address` → text; IPv6 as eight uncompressed hex groups. */
export function addressString(a: Address): string {
  if (a.af === AddressFamily.IP4) return ip4String(a.un.ip4);
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push((((a.un.ip6[i] ?? 0) << 8) | (a.un.ip6[i + 1] ?? 0)).toString(16));
  return g.join(':');
}

/** Decoded `prefix` → "addr/len". */
export function prefixString(p: Prefix): string {
  return `${addressString(p.address)}/${p.len}`;
}

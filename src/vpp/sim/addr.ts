/**
 * Address helpers for the simulator: addresses are canonical strings in the tables (so
 * snapshots read like VPP's CLI output) and 128-bit integers only while matching prefixes.
 * IPv4 and MAC text go through the binary API's own parsers and formatter.
 */
import { parseIp4, parseMac } from '../binapi/addr.js';

/** An IP prefix as the simulator stores it: canonical address text and a length. */
export interface Prefix {
  readonly address: string;
  readonly len: number;
}

/** Why a value could not be read as an address (the handlers turn it into a retval). */
export class SimAddressError extends Error {
  override readonly name = 'SimAddressError';
}

/** Whether an address text is IPv6 (the simulator keeps both families apart, like VPP). */
export function isIp6(address: string): boolean {
  return address.includes(':');
}

/** Formats 4 or 16 address bytes (extra bytes of a v4 union are ignored). */
export function addressFromBytes(bytes: Uint8Array, ip6: boolean): string {
  if (!ip6) return `${bytes[0] ?? 0}.${bytes[1] ?? 0}.${bytes[2] ?? 0}.${bytes[3] ?? 0}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return formatIp6Groups(groups);
}

function formatIp6Groups(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Address text to bytes (4 for IPv4, 16 for IPv6). */
export function addressToBytes(address: string): Uint8Array {
  if (!isIp6(address)) {
    const bytes = parseIp4(address, true);
    if (bytes === undefined) throw new SimAddressError(`failed to parse IPv4 address "${address}"`);
    return bytes;
  }
  const out = new Uint8Array(16);
  const [head = '', tail] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  if (tail === undefined && h.length !== 8) throw new SimAddressError(`failed to parse IPv6 address "${address}"`);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new SimAddressError(`failed to parse IPv6 address "${address}"`);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 255;
  });
  return out;
}

/** Canonical form of an address text (e.g. IPv6 zero compression). */
export function canonical(address: string): string {
  return addressFromBytes(addressToBytes(address), isIp6(address));
}

const bigintMemo = new Map<string, bigint>();

/** The address as an unsigned integer (bigint so both families share the code); memoised for lookups. */
export function addressToBigint(address: string): bigint {
  const hit = bigintMemo.get(address);
  if (hit !== undefined) return hit;
  let v = 0n;
  for (const b of addressToBytes(address)) v = (v << 8n) | BigInt(b);
  if (bigintMemo.size > 100_000) bigintMemo.clear();
  bigintMemo.set(address, v);
  return v;
}

/** Bits in an address of the family of `address`. */
export function familyBits(address: string): number {
  return isIp6(address) ? 128 : 32;
}

/** Whether `address` lies inside `prefix` (same family only). */
export function prefixContains(prefix: Prefix, address: string): boolean {
  if (isIp6(prefix.address) !== isIp6(address)) return false;
  const bits = familyBits(address);
  const shift = BigInt(bits - prefix.len);
  return addressToBigint(prefix.address) >> shift === addressToBigint(address) >> shift;
}

/** The network address of a prefix (host bits cleared). */
export function networkOf(prefix: Prefix): string {
  const bits = familyBits(prefix.address);
  const shift = BigInt(bits - prefix.len);
  return bigintToAddress((addressToBigint(prefix.address) >> shift) << shift, isIp6(prefix.address));
}

/** The broadcast address of an IPv4 prefix. */
export function broadcastOf(prefix: Prefix): string {
  const shift = BigInt(32 - prefix.len);
  const host = (1n << shift) - 1n;
  return bigintToAddress(addressToBigint(prefix.address) | host, false);
}

/** The other address of an IPv4 /31. */
export function peerOf31(address: string): string {
  return bigintToAddress(addressToBigint(address) ^ 1n, false);
}

/** Integer back to address text. */
export function bigintToAddress(value: bigint, ip6: boolean): string {
  const n = ip6 ? 16 : 4;
  const bytes = new Uint8Array(n);
  let v = value;
  for (let i = n - 1; i >= 0; i--) { bytes[i] = Number(v & 255n); v >>= 8n; }
  return addressFromBytes(bytes, ip6);
}

/** Stable key of a prefix, used for table maps. */
export function prefixKey(p: Prefix): string {
  return `${p.address}/${p.len}`;
}

/** The all-zero MAC VPP reports for interfaces without one (TUN, L3 VXLAN, local0). */
export const ZERO_MAC = '00:00:00:00:00:00';

/** Parses a colon MAC into 6 bytes (every reply and detail carrying a MAC runs it). */
export function macToBytes(mac: string): Uint8Array {
  const out = parseMac(mac);
  if (out === undefined) throw new SimAddressError(`failed to parse MAC "${mac}"`);
  return out;
}

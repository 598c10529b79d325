/**
 * Conversions between decoded binary-API values (Uint8Array bytes, `{af, un: {ip4, ip6}}`
 * addresses) and the simulator's text forms, in one place so handlers stay readable.
 */
import { macString } from '../binapi/addr.js';
import { addressFromBytes, addressToBytes, isIp6, macToBytes, type Prefix } from './addr.js';

/** A decoded message body (header fields included). */
export type Msg = Record<string, unknown>;

/** A numeric field (u8–u32, enums); absent reads as 0 like a zero-filled message. */
export function num(m: Msg, key: string): number {
  const v = m[key];
  return typeof v === 'number' ? v : 0;
}

/** A bool field. */
export function flag(m: Msg, key: string): boolean {
  return m[key] === true || (typeof m[key] === 'number' && m[key] !== 0);
}

/** A string field (fixed or variable). */
export function text(m: Msg, key: string): string {
  const v = m[key];
  return typeof v === 'string' ? v : '';
}

/** A nested struct field. */
export function sub(m: Msg, key: string): Msg {
  const v = m[key];
  return typeof v === 'object' && v !== null ? (v as Msg) : {};
}

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  return new Uint8Array(16);
}

/** `mac_address` → text. */
export function macIn(v: unknown): string {
  return macString(bytesOf(v));
}

/** `ip4_address` → text. */
export function ip4In(v: unknown): string {
  return addressFromBytes(bytesOf(v), false);
}

/** `address` (`af` + union) → text. */
export function addressIn(v: unknown): string {
  const a = (typeof v === 'object' && v !== null ? v : {}) as Msg;
  const ip6 = num(a, 'af') === 1;
  const un = sub(a, 'un');
  return addressFromBytes(bytesOf(ip6 ? un.ip6 : un.ip4 ?? un.ip6), ip6);
}

/** `address_union` of a known family → text. */
export function unionIn(v: unknown, ip6: boolean): string {
  const un = (typeof v === 'object' && v !== null ? v : {}) as Msg;
  return addressFromBytes(bytesOf(ip6 ? un.ip6 : un.ip4 ?? un.ip6), ip6);
}

/** `prefix` → simulator prefix. */
export function prefixIn(v: unknown): Prefix {
  const p = (typeof v === 'object' && v !== null ? v : {}) as Msg;
  return { address: addressIn(p.address), len: num(p, 'len') };
}

/** `ip4_prefix` / `ip6_prefix` → simulator prefix. */
export function familyPrefixIn(v: unknown, ip6: boolean): Prefix {
  const p = (typeof v === 'object' && v !== null ? v : {}) as Msg;
  return { address: addressFromBytes(bytesOf(p.address), ip6), len: num(p, 'len') };
}

/** text → `mac_address`. */
export function macOut(mac: string): Uint8Array {
  return macToBytes(mac);
}

/** text → `ip4_address` / `ip6_address`. */
export function ipBytesOut(address: string): Uint8Array {
  return addressToBytes(address);
}

/** text → `address_union`. */
export function unionOut(address: string): Msg {
  return isIp6(address) ? { ip6: addressToBytes(address) } : { ip4: addressToBytes(address) };
}

/** text → `address`. */
export function addressOut(address: string): Msg {
  return { af: isIp6(address) ? 1 : 0, un: unionOut(address) };
}

/** simulator prefix → `prefix`. */
export function prefixOut(p: Prefix): Msg {
  return { address: addressOut(p.address), len: p.len };
}

/** simulator prefix → `ip4_prefix` / `ip6_prefix`. */
export function familyPrefixOut(p: Prefix | undefined): Msg {
  return p === undefined ? {} : { address: addressToBytes(p.address), len: p.len };
}

/**
 * IPv4 values as unsigned 32-bit numbers inside, dotted strings at the API surface.
 * Parsing goes through ip-num (strict octets); arithmetic stays in plain numbers, which are
 * exact up to 2^53 and so cover every IPv4 sum we form.
 */
import { IPv4, IPv4CidrRange } from '../util/ip-num.js';
import { AddressParseError, SubnetError } from './errors.js';

/** A normalised IPv4 network: `base` is the network address, `len` the prefix length. */
export interface Cidr {
  readonly base: number;
  readonly len: number;
}

const CIDR_RE = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;

/** Parses a dotted IPv4 address into its unsigned value. */
export function parseIPv4(text: string): number {
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(text)) throw new AddressParseError(`failed to parse IPv4 address "${text}"`);
  try {
    return Number(new IPv4(text).getValue());
  } catch (err) {
    throw new AddressParseError(`failed to parse IPv4 address "${text}": ${(err as Error).message}`);
  }
}

/** Parses an IPv4 address, returning undefined instead of throwing (for untrusted k8s data). */
export function tryParseIPv4(text: string): number | undefined {
  try {
    return parseIPv4(text);
  } catch {
    return undefined;
  }
}

/** Formats an unsigned 32-bit value as a dotted address (hot path: no ip-num objects). */
export function formatIPv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Parses `a.b.c.d/len` and masks it to the network address (`1.2.3.4/16` → `1.2.0.0/16`). */
export function parseCidr(text: string): Cidr {
  const m = CIDR_RE.exec(text);
  const len = m ? Number(m[2]) : NaN;
  if (!m || len > 32) throw new AddressParseError(`failed to parse CIDR "${text}"`);
  try {
    IPv4CidrRange.fromCidr(text);
  } catch (err) {
    throw new AddressParseError(`failed to parse CIDR "${text}": ${(err as Error).message}`);
  }
  return { base: maskOf(parseIPv4(m[1] as string), len), len };
}

/** Network address of `ip` under a prefix length. */
export function maskOf(ip: number, len: number): number {
  return len === 0 ? 0 : (ip & (0xffffffff << (32 - len))) >>> 0;
}

/** Number of addresses in a prefix (2^(32−len)). */
export function sizeOf(len: number): number {
  return 2 ** (32 - len);
}

/** `10.1.1.0/24` form of a Cidr. */
export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.len}`;
}

/** Whether an address lies inside a network. */
export function cidrContains(c: Cidr, ip: number): boolean {
  return maskOf(ip, c.len) === c.base;
}

/** Broadcast (last) address of a network. */
export function broadcastOf(c: Cidr): number {
  return c.base + sizeOf(c.len) - 1;
}

/** `host(net, k)` of the spec: network address + k, refusing to leave the network. */
export function host(c: Cidr, k: number): number {
  if (k < 0 || k >= sizeOf(c.len)) {
    throw new SubnetError(`host number ${k} does not fit in the subnet ${formatCidr(c)}`);
  }
  return c.base + k;
}

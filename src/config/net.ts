/**
 * Strict IPv4 address/CIDR parsing and the subnet arithmetic the config needs at compile
 * time. Syntax is checked here (no leading zeros, no spaces, as Go's parser); ip-num does the
 * arithmetic.
 */
import { IPv4, IPv4CidrRange, IPv4Prefix, Validator } from '../util/ip-num.js';

const octet = '(0|[1-9][0-9]{0,2})';
const ipv4Pattern = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`);
const cidrPattern = new RegExp(`^(${octet}\\.${octet}\\.${octet}\\.${octet})/(0|[1-9][0-9]?)$`);

/** A parsed CIDR: the (normalised) network and the address as written. */
export interface ParsedCidr {
  readonly network: IPv4CidrRange;
  /** The address part as written (host bits kept), for interface addresses. */
  readonly address: IPv4;
  readonly prefixLen: number;
  /** False when host bits were set (`1.2.3.4/16`). */
  readonly aligned: boolean;
}

/** Failure of a parse: the reason, worded for a ConfigProblem. */
export interface ParseFailure {
  readonly reason: string;
}

/** True for a failed parse; keeps call sites short. */
export function isFailure<T extends object>(r: T | ParseFailure): r is ParseFailure {
  return 'reason' in r;
}

/** Parses a dotted-quad IPv4 address. */
export function parseIPv4(text: string): IPv4 | ParseFailure {
  if (text.includes(':')) return { reason: 'not a valid IPv4 address: IPv6 is not supported (ipnet is IPv4-only)' };
  const [valid] = Validator.isValidIPv4String(text);
  if (!ipv4Pattern.test(text) || !valid) return { reason: 'not a valid IPv4 address' };
  return new IPv4(text);
}

/** Parses `a.b.c.d/len`; the network is normalised to its network address. */
export function parseCidr(text: string): ParsedCidr | ParseFailure {
  if (text.includes(':')) return { reason: 'not a valid IPv4 CIDR: IPv6 is not supported (ipnet is IPv4-only)' };
  const m = cidrPattern.exec(text);
  const [valid] = Validator.isValidIPv4CidrNotation(text);
  if (m === null || !valid) return { reason: 'not a valid IPv4 CIDR' };
  const prefixLen = Number(m[6]);
  const address = new IPv4(m[1] ?? '');
  const loose = IPv4CidrRange.fromCidr(text);
  const network = new IPv4CidrRange(loose.getFirst(), IPv4Prefix.fromNumber(BigInt(prefixLen)));
  return { network, address, prefixLen, aligned: network.getFirst().getValue() === address.getValue() };
}

/** `a.b.c.d/len` text of a network. */
export function cidrText(net: IPv4CidrRange): string {
  return `${net.getFirst().toString()}/${net.getPrefix().getValue().toString()}`;
}

/** Prefix length of a network as a plain number. */
export function prefixOf(net: IPv4CidrRange): number {
  return Number(net.getPrefix().getValue());
}

/** The n-th subnet of length `len` inside `base` (contiv's `Subnet(base, len − len(base), n)`). */
export function nthSubnet(base: IPv4CidrRange, len: number, n: number): IPv4CidrRange {
  const start = base.getFirst().getValue() + BigInt(n) * (1n << BigInt(32 - len));
  return new IPv4CidrRange(new IPv4(start), IPv4Prefix.fromNumber(BigInt(len)));
}

/** True when two networks share any address (CIDRs either nest or are disjoint). */
export function overlaps(a: IPv4CidrRange, b: IPv4CidrRange): boolean {
  return a.isOverlapping(b);
}

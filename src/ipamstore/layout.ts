/**
 * Where pod IP allocations live in the Store. The layout, per node (segments URI-encoded):
 *
 *   /ipnet/ipam/<nodeName>/pods/<namespace>/<name>  → {"ip":"10.1.1.2","container":"…","customIfIPs":{"memif1":"10.1.1.3"}}
 *   /ipnet/ipam/<nodeName>/ips/<ip>                 → "<namespace>/<name>" (owner; main and custom IPs)
 *   /ipnet/ipam/<nodeName>/cursor                   → "<seq>" (round-robin cursor, advisory)
 *
 * The `ips/` keys exist so a transaction can require "this IP is not taken" (compare absent):
 * two writers can never record the same IP. External IPAM writes only `pods/` records.
 */
import type { PodAllocation, PodId } from '../ipam/index.js';

/** Root under which every node's IPAM records live. */
export const IPAM_ROOT = '/ipnet/ipam/';

/** Key builders for one node's records. */
export class IpamKeys {
  /** Prefix of all of this node's IPAM keys. */
  readonly prefix: string;

  constructor(readonly nodeName: string) {
    this.prefix = `${IPAM_ROOT}${encodeURIComponent(nodeName)}/`;
  }

  /** Prefix of the per-pod records. */
  get podsPrefix(): string {
    return `${this.prefix}pods/`;
  }

  /** Prefix of the per-IP ownership keys. */
  get ipsPrefix(): string {
    return `${this.prefix}ips/`;
  }

  /** Key of the cursor. */
  get cursor(): string {
    return `${this.prefix}cursor`;
  }

  /** Key of one pod's record. */
  pod(pod: PodId): string {
    return `${this.podsPrefix}${encodeURIComponent(pod.namespace)}/${encodeURIComponent(pod.name)}`;
  }

  /** Key of one IP's ownership record. */
  ip(ip: string): string {
    return `${this.ipsPrefix}${ip}`;
  }

  /** Pod identity of a `pods/` key, or undefined for anything else. */
  podOfKey(key: string): PodId | undefined {
    if (!key.startsWith(this.podsPrefix)) return undefined;
    const parts = key.slice(this.podsPrefix.length).split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
    return { namespace: decodeURIComponent(parts[0]), name: decodeURIComponent(parts[1]) };
  }
}

/** Value stored under a `pods/` key. */
export function encodeRecord(a: PodAllocation): string {
  const rec: { ip: string; container?: string; customIfIPs: Record<string, string> } = { ip: a.ip, customIfIPs: { ...a.customIfIPs } };
  if (a.container !== undefined) rec.container = a.container;
  return JSON.stringify(rec);
}

/** Parses a `pods/` value; undefined when it is not a record we wrote (it is then dropped). */
export function decodeRecord(pod: PodId, value: string): PodAllocation | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { ip?: unknown; container?: unknown; customIfIPs?: unknown };
  if (typeof r.ip !== 'string') return undefined;
  const customIfIPs: Record<string, string> = {};
  if (typeof r.customIfIPs === 'object' && r.customIfIPs !== null) {
    for (const [k, v] of Object.entries(r.customIfIPs)) if (typeof v === 'string') customIfIPs[k] = v;
  }
  return { pod, ip: r.ip, container: typeof r.container === 'string' ? r.container : undefined, customIfIPs };
}

/** Owner string stored under an `ips/` key. */
export function ownerValue(pod: PodId): string {
  return `${pod.namespace}/${pod.name}`;
}

/** Pod of an owner string. */
export function parseOwner(value: string): PodId | undefined {
  const i = value.indexOf('/');
  return i > 0 && i < value.length - 1 ? { namespace: value.slice(0, i), name: value.slice(i + 1) } : undefined;
}

/** Every IP an allocation holds (main first). */
export function ipsOf(a: PodAllocation): string[] {
  return [a.ip, ...Object.values(a.customIfIPs)];
}

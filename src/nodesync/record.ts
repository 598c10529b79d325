/**
 * Node-ID records exactly as contiv's KSR stores them (spec ipam-and-nodes §7.1), as pure
 * functions so the wire shape and the ID choice are testable as data.
 */

/** Key prefix of node-ID records: `/vnf-agent/` + `contiv-ksr` + `/allocatedIDs/`. */
export const NODE_ID_PREFIX = '/vnf-agent/contiv-ksr/allocatedIDs/';

/** One node as recorded in the store: its ID, name and VPP addresses (`ip/len`). */
export interface NodeRecord {
  readonly id: number;
  readonly name: string;
  readonly vppIPs: readonly string[];
}

/** Key of the record holding node ID `id`. */
export function nodeIdKey(id: number): string {
  return `${NODE_ID_PREFIX}${id}`;
}

/** ID encoded in a record key; 0 when the key is not a valid record key (callers skip it). */
export function parseNodeIdKey(key: string): number {
  if (!key.startsWith(NODE_ID_PREFIX)) return 0;
  const suffix = key.slice(NODE_ID_PREFIX.length);
  if (!/^[0-9]+$/.test(suffix)) return 0;
  const id = Number(suffix);
  return Number.isSafeInteger(id) && id <= 0xffffffff ? id : 0;
}

/** JSON value for a record, snake_case, zero fields omitted, keys in contiv's order. */
export function encodeNodeRecord(rec: NodeRecord): string {
  const out: Record<string, unknown> = {};
  if (rec.id !== 0) out.id = rec.id;
  if (rec.name !== '') out.name = rec.name;
  if (rec.vppIPs.length > 0) out.ip_addresses = [...rec.vppIPs];
  return JSON.stringify(out);
}

/**
 * Parses a record value; accepts the obsolete single `ip_address` string. Returns undefined
 * for values that are not a JSON object or whose fields have the wrong types.
 */
export function decodeNodeRecord(value: string): NodeRecord | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const id = d.id ?? 0;
  const name = d.name ?? '';
  const list = d.ip_addresses ?? [];
  const single = d.ip_address ?? '';
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || typeof name !== 'string' || typeof single !== 'string') return undefined;
  if (!Array.isArray(list) || !list.every((a): a is string => typeof a === 'string')) return undefined;
  const vppIPs = list.length > 0 ? list : single !== '' ? [single] : [];
  return { id, name, vppIPs };
}

/** Smallest positive integer not in `taken` (spec §7.2 step 3). */
export function smallestFreeId(taken: Iterable<number>): number {
  const sorted = [...new Set(taken)].filter((id) => id > 0).sort((a, b) => a - b);
  let want = 1;
  for (const id of sorted) {
    if (id !== want) break;
    want++;
  }
  return want;
}

/** IP version of an `ip` or `ip/len` string, for keeping the other version on publish. */
export function ipVersion(addr: string): 4 | 6 {
  return addr.includes(':') ? 6 : 4;
}

/** Whether two address lists hold the same set (order and duplicates ignored). */
export function sameAddressSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/**
 * Plain-JSON summaries of decoded requests for the call log: header fields dropped,
 * addresses and MACs as text, empty label stacks left out, so tests can assert on them.
 */
import { macString } from '../binapi/addr.js';
import { addressFromBytes } from './addr.js';
import { addressIn, type Msg } from './fields.js';

const HEADER = new Set(['client_index', 'context', '_vl_msg_id']);

function isZero(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function bytesText(key: string, b: Uint8Array): string {
  if (b.length === 6) return macString(b);
  if (b.length === 4) return addressFromBytes(b, false);
  if (b.length === 16) return isZero(b, 4) && !key.includes('6') ? addressFromBytes(b, false) : addressFromBytes(b, true);
  return Buffer.from(b).toString('hex');
}

function value(key: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return bytesText(key, v);
  if (Array.isArray(v)) return v.map((x) => value(key, x));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Msg;
  if ('af' in o && 'un' in o) return addressIn(o);
  if ('ip4' in o && 'ip6' in o && o.ip6 instanceof Uint8Array) {
    return isZero(o.ip6, 4) ? addressFromBytes(o.ip6, false) : addressFromBytes(o.ip6, true);
  }
  return summarize(o);
}

/** The loggable form of a decoded request. */
export function summarize(m: Msg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (HEADER.has(k) || k === 'label_stack') continue;
    out[k] = value(k, v);
  }
  return out;
}

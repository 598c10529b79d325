/**
 * Stand-in interface indexes. A client that sends calls naming an interface before VPP has
 * answered the call creating it (one flight for a pod instead of two) writes a stand-in in
 * their place; the bridge writes the real index over it before VPP sees the call. Stand-ins
 * come from the top of the u32 range, below ~0: VPP hands out indexes from 0 upwards, so no
 * real index reaches them, and one that slipped through would be refused as unknown rather
 * than name some other interface.
 *
 * Encoding marks where stand-ins land: every `vl_api_interface_index_t` field uses
 * `interfaceIndex`, which reports its offset while `encodeMarkingStandIns` runs.
 */
import { u32, type Codec } from './codec.js';

/** Lowest stand-in index. */
export const STAND_IN_MIN = 0xfff00000;
/** Highest stand-in index (~0 is VPP's "none", never a stand-in). */
export const STAND_IN_MAX = 0xfffffffe;

/**
 * Answered stand-ins a client remembers at least: calls and inverses recorded during one
 * transaction name its stand-ins until it ends, so a transaction creating more interfaces
 * than half this awaits its creates instead (apply).
 */
export const STAND_INS_REMEMBERED = 16384;

/** Whether an index value is a stand-in. */
export function isStandIn(v: number): boolean {
  return v >= STAND_IN_MIN && v <= STAND_IN_MAX;
}

/** Offsets of stand-ins written by the encode in progress; undefined when nobody asked. */
let marks: number[] | undefined;

/**
 * Runs an encode and returns, with its result, the byte offsets at which it wrote stand-ins
 * (empty when it wrote none). Encoding is synchronous, so one module-level list suffices.
 */
export function encodeMarkingStandIns<T>(encode: () => T): { readonly value: T; readonly at: readonly number[] } {
  const outer = marks;
  const at: number[] = [];
  marks = at;
  try {
    return { value: encode(), at };
  } finally {
    marks = outer;
  }
}

/** `vl_api_interface_index_t`: a u32 on the wire that reports where stand-ins go. */
export const interfaceIndex: Codec<number> = {
  shape: u32.shape,
  fixed: u32.fixed,
  min: u32.min,
  size: u32.size,
  read: u32.read,
  write(buf, off, v) {
    if (marks !== undefined && v !== undefined && isStandIn(v)) marks.push(off);
    return u32.write(buf, off, v);
  },
};

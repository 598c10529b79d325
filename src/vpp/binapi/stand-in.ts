/**
 * Stand-in interface indexes. A client that sends calls naming an interface before VPP has
 * answered the call creating it (one flight for a pod instead of two) writes a stand-in in
 * their place; the bridge writes the real index over it before VPP sees the call. Stand-ins
 * come from the top of the u32 range, below ~0: VPP hands out indexes from 0 upwards, so no
 * real index reaches them, and one that slipped through would be refused as unknown rather
 * than name some other interface.
 *
 * Encoding marks where stand-ins land: every `vl_api_interface_index_t` field uses
 * `interfaceIndex`, which reports its offset between `beginMarking` and `endMarking`.
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

/** Whether an encode that marks stand-ins is in progress, and the offsets found so far. */
let marking = false;
let marks: number[] | undefined;
const NO_MARKS: readonly number[] = Object.freeze([]);

/**
 * Starts marking where stand-ins land; `endMarking` ends it and returns the offsets. A pair
 * rather than a callback: every request the client encodes is marked, and most carry none,
 * so the common case allocates nothing. Encoding is synchronous, so one module-level list
 * suffices; marking does not nest.
 */
export function beginMarking(): void {
  marking = true;
  marks = undefined;
}

/** Ends marking; the offsets at which stand-ins were written (shared and empty when none). */
export function endMarking(): readonly number[] {
  const at = marks ?? NO_MARKS;
  marking = false;
  marks = undefined;
  return at;
}

/** Runs an encode with marking on and returns, with its result, where it wrote stand-ins. */
export function encodeMarkingStandIns<T>(encode: () => T): { readonly value: T; readonly at: readonly number[] } {
  beginMarking();
  try {
    const value = encode();
    return { value, at: endMarking() };
  } finally {
    if (marking) endMarking();
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
    if (marking && v !== undefined && isStandIn(v)) (marks ??= []).push(off);
    return u32.write(buf, off, v);
  },
};

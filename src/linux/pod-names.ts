/**
 * Names and MAC addresses of a pod's Linux side, derived from the container ID exactly as
 * the behaviour spec (§4, §5) prescribes, so interfaces survive agent restarts under the same
 * names and the VPP side can compute the same MACs independently.
 */

/** Linux limit on interface names (without the NUL). */
export const LINUX_IFNAME_MAX = 15;

/** Host-side VETH name: the first 15 bytes of the container ID. */
export function hostVethName(containerId: string): string {
  return Buffer.from(containerId, 'utf8').subarray(0, LINUX_IFNAME_MAX).toString('utf8');
}

/** 32-bit FNV-1a over the UTF-8 bytes of `s`. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function macFrom(value: number): string {
  const bytes = [0x02, 0xfe, value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The pod interface MACs: Linux side `02:fe` + h (LSB first), VPP side the same with ~h. */
export function podMacs(containerId: string): { readonly linux: string; readonly vpp: string } {
  const h = fnv1a32(containerId);
  return { linux: macFrom(h), vpp: macFrom(~h >>> 0) };
}

/**
 * Names and MAC addresses of a pod's Linux side (behaviour spec §4, §5). They come from the
 * desired-state naming, the one place that derives them from the container ID, so the netns
 * side and the VPP side can never disagree.
 */
import { fnv1a32, podLinuxMac, podVppMac, trim } from '../desired/naming.js';

export { fnv1a32 };

/** Linux limit on interface names (without the NUL). */
export const LINUX_IFNAME_MAX = 15;

/** Host-side VETH name: the first 15 bytes of the container ID. */
export function hostVethName(containerId: string): string {
  return trim(containerId, LINUX_IFNAME_MAX);
}

/** The pod interface MACs: Linux side `02:fe` + h (LSB first), VPP side the same with ~h. */
export function podMacs(containerId: string): { readonly linux: string; readonly vpp: string } {
  return { linux: podLinuxMac(containerId), vpp: podVppMac(containerId) };
}

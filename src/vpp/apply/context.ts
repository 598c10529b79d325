/** What every realiser needs: the channel, the name index, and optional host-side hints. */
import type { VppChannel } from '../api/channel.js';
import type { NameIndex } from '../api/names.js';

/** Where VPP should put the host end of a TAP it creates (from the Linux TAP_TO_VPP item). */
export interface TapHostHint {
  readonly hostIfName?: string;
  readonly namespace?: string;
}

/** The environment of one apply run. */
export interface ApplyContext {
  readonly ch: VppChannel;
  readonly index: NameIndex;
  /** Host-side placement of a TAP by its VPP logical name; absent = VPP's default name, host netns. */
  readonly tapHost?: (vppName: string) => TapHostHint | undefined;
}

/** An item kind or operation this layer does not realise (e.g. a Linux item, DHCP). */
export class UnsupportedOpError extends Error {
  constructor(op: string, key: string, why: string) {
    super(`failed to ${op} ${key}: ${why}`);
    this.name = 'UnsupportedOpError';
  }
}

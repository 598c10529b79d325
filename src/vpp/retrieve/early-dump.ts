/**
 * A dump of VPP asked for as soon as the connection is up and handed to the startup resync:
 * VPP (another process) answers it while the agent loads its store and builds the desired
 * state, instead of after. It only stands for VPP while nothing can have changed VPP since:
 * a VPP restart or a lost connection voids it, and the first resync takes it or nobody does.
 */
import type { VppChannel } from '../api/channel.js';
import { dumpVpp, type VppDump } from './retrieve.js';

/** One early dump, taken at most once. */
export class EarlyDump {
  private pending: Promise<VppDump | undefined> | undefined;

  constructor(ch: VppChannel) {
    // a dump that fails here is not the agent's failure: the resync then dumps for itself
    this.pending = dumpVpp(ch).catch(() => undefined);
  }

  /** VPP may no longer be what the dump saw (it restarted, or the connection to it was lost). */
  invalidate(): void {
    this.pending = undefined;
  }

  /** Resolves once VPP has answered: whether there is a dump to take. */
  async settled(): Promise<boolean> {
    return (await this.pending) !== undefined;
  }

  /** The dump, once: undefined when voided, taken already, or it failed. */
  async take(): Promise<VppDump | undefined> {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }
}

/**
 * The virtual wire between simulated nodes: each simulator registers the IPs of its uplink,
 * and the tracer hands a packet leaving one node's uplink to the node that owns the
 * destination. Several sims (one per simulated node) share one Underlay.
 */
import { canonical } from './addr.js';
import type { VppSimulator } from './simulator.js';
import { traceFrom, type TracePacket, type TraceResult } from './trace.js';

/** A shared L3 underlay for simulated nodes. */
export class Underlay {
  private readonly owners = new Map<string, VppSimulator>();

  /** Declares that `sim`'s uplink answers for `ips` on the underlay. */
  register(sim: VppSimulator, ips: readonly string[]): void {
    for (const ip of ips) {
      const key = canonical(ip);
      const prev = this.owners.get(key);
      if (prev !== undefined && prev !== sim) throw new Error(`failed to register ${ip} for ${sim.name}: already owned by ${prev.name}`);
      this.owners.set(key, sim);
    }
  }

  /** Withdraws every IP of `sim` (node removed or rebooted with new addresses). */
  unregister(sim: VppSimulator): void {
    for (const [ip, owner] of this.owners) if (owner === sim) this.owners.delete(ip);
  }

  /** The node whose uplink owns `ip`, if any. */
  ownerOf(ip: string): VppSimulator | undefined {
    return this.owners.get(canonical(ip));
  }

  /** Follows an IPv4 packet from `fromSim` through every node's tables it crosses. */
  trace(fromSim: VppSimulator, packet: TracePacket): TraceResult {
    return traceFrom(this, fromSim, packet);
  }
}

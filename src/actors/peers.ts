/**
 * One actor per peer node, fed from the node-ID records: a new or changed record re-applies
 * the peer's tunnel and routes at once, a removed record takes them away. Actors are root
 * actors in a map, like pods, so thousands of peers stay cheap.
 */
import { createActor, fromPromise, type Actor } from 'xstate';
import type { NodeAddressing } from '../ipam/addressing.js';
import { peerAddressingFromIpam } from '../desired/from-ipam.js';
import type { PeerAddressing } from '../desired/inputs.js';
import { nodeMachine, type PeerInfo } from '../machines/node.js';
import type { NodeRecord } from '../nodesync/nodesync.js';
import type { Dataplane } from './dataplane.js';
import type { History } from './history.js';
import { inspectInto } from './inspect.js';

/** A peer's addressing from its record; undefined when IPAM cannot address its ID. */
export function peerAddressing(addressing: NodeAddressing, rec: PeerInfo, mgmtIPsUnknown: boolean): PeerAddressing | undefined {
  try {
    return { ...peerAddressingFromIpam(addressing, { id: rec.id, name: rec.name, vppIPs: rec.vppIPs, mgmtIPs: rec.mgmtIPs ?? [] }), mgmtIPsUnknown };
  } catch {
    return undefined; // spec §8: a node whose addresses cannot be computed is skipped
  }
}

/** The peer actors. */
export class PeerRegistry {
  private readonly actors = new Map<string, Actor<typeof nodeMachine>>();
  private readonly records = new Map<string, NodeRecord>();
  private readonly machine;

  constructor(
    private readonly dataplane: Dataplane,
    private readonly addressing: NodeAddressing,
    private readonly history: History,
    private readonly mgmtIPsUnknown: boolean,
    /** Management IPs of a node by name (from Kubernetes); empty without a Kubernetes source. */
    private readonly mgmtIPsOf: (name: string) => readonly string[] = () => [],
  ) {
    const address = (peer: PeerInfo) => peerAddressing(this.addressing, peer, this.mgmtIPsUnknown);
    this.machine = nodeMachine.provide({
      actors: {
        connectPeer: fromPromise<void, { peer: PeerInfo; previous: PeerInfo | undefined }>(async ({ input }) => {
          const a = address(input.peer);
          if (a) await this.dataplane.setPeer(a);
        }),
        disconnectPeer: fromPromise<void, { peer: PeerInfo }>(async ({ input }) => {
          const a = address(input.peer);
          if (a) await this.dataplane.removePeer(a);
        }),
      },
    });
  }

  /** A record appeared or changed. */
  upsert(rec: NodeRecord): void {
    this.records.set(rec.name, rec);
    const peer: PeerInfo = { id: rec.id, name: rec.name, vppIPs: rec.vppIPs, mgmtIPs: this.mgmtIPsOf(rec.name) };
    const existing = this.actors.get(rec.name);
    if (existing && existing.getSnapshot().status === 'active') {
      existing.send({ type: 'node.updated', peer });
      return;
    }
    const actor = createActor(this.machine, { input: { peer, retryMs: 500 }, id: `node/${rec.name}`, inspect: inspectInto(this.history, `node/${rec.name}`) });
    this.actors.set(rec.name, actor);
    actor.subscribe({
      complete: () => {
        if (this.actors.get(rec.name) === actor) this.actors.delete(rec.name);
      },
      error: (err) => {
        this.history.record({ actor: `node/${rec.name}`, event: 'actor.crashed', from: undefined, to: undefined, error: String(err) });
        if (this.actors.get(rec.name) === actor) this.actors.delete(rec.name);
      },
    });
    actor.start();
  }

  /** A node's management IPs changed in Kubernetes: its routes follow. */
  mgmtChanged(name: string): void {
    const rec = this.records.get(name);
    if (rec) this.upsert(rec);
  }

  /** A record was removed. */
  remove(name: string): void {
    this.records.delete(name);
    this.actors.get(name)?.send({ type: 'node.removed' });
  }

  /** The rows of the actor tree. */
  list(): { name: string; id: number; state: string; vppIPs: readonly string[] }[] {
    return [...this.actors].sort(([a], [b]) => a.localeCompare(b)).map(([name, a]) => {
      const s = a.getSnapshot();
      return { name, id: s.context.peer.id, state: String(s.value), vppIPs: s.context.peer.vppIPs };
    });
  }

  /** Stops every actor (shutdown). */
  stop(): void {
    for (const a of this.actors.values()) a.stop();
    this.actors.clear();
  }
}

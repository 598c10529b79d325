/**
 * One actor per peer node, fed from the node-ID records: a new or changed record re-applies
 * the peer's tunnel and routes at once, a removed record takes them away. Actors are root
 * actors in a map, like pods, so thousands of peers stay cheap. A peer adopted at start-up
 * stays a persisted `connected` snapshot until its first event restores it into an actor.
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

/** Same peer facts (what the actor's items are computed from). */
function samePeer(a: PeerInfo, b: PeerInfo): boolean {
  const same = (x: readonly string[] = [], y: readonly string[] = []) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.id === b.id && a.name === b.name && same(a.vppIPs, b.vppIPs) && same(a.mgmtIPs, b.mgmtIPs);
}

type PeerMachine = typeof nodeMachine;
/** First retry delay of a peer whose connect failed. */
const retryMs = 500;
type PeerActor = Actor<PeerMachine>;

/** The peer actors. */
export class PeerRegistry {
  private readonly actors = new Map<string, PeerActor>();
  /**
   * Adopted peers nothing has happened to since: what their applied items were made from. An
   * actor resting in `connected` holds no more than that, and creating 1,000 of them at
   * start-up cost ~0.3 s of CPU before the agent could report ready.
   */
  private readonly dormant = new Map<string, PeerInfo>();
  private readonly records = new Map<string, NodeRecord>();
  private readonly machine: PeerMachine;

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
        connectPeer: fromPromise<PeerInfo, { peer: PeerInfo; previous: PeerInfo | undefined }>(async ({ input }) => {
          const a = address(input.peer);
          if (a) await this.dataplane.setPeer(a);
          return input.peer;
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
    const peer = this.peerOf(rec);
    const asleep = this.dormant.get(rec.name);
    if (asleep !== undefined) {
      if (!samePeer(asleep, peer)) this.wake(asleep).send({ type: 'node.updated', peer });
      return;
    }
    const existing = this.actors.get(rec.name);
    if (existing && existing.getSnapshot().status === 'active') {
      // the watch's first listing repeats every adopted peer: an unchanged one is not an event
      if (!samePeer(existing.getSnapshot().context.peer, peer)) existing.send({ type: 'node.updated', peer });
      return;
    }
    this.spawn(peer);
  }

  /**
   * Knows a peer again whose items were made desired from `mgmtIPs` before the start-up
   * resync, which applied them: it is `connected` instead of connecting again (1,000 peers
   * connecting at start-up cost a second of actor steps for transactions that change
   * nothing), and gets its actor with its first event. Management IPs that moved on since
   * then are applied at once.
   */
  adopt(rec: NodeRecord, mgmtIPs: readonly string[]): void {
    this.records.set(rec.name, rec);
    const applied: PeerInfo = { id: rec.id, name: rec.name, vppIPs: rec.vppIPs, mgmtIPs };
    const now = this.peerOf(rec);
    if (samePeer(applied, now)) this.dormant.set(rec.name, applied);
    else this.wake(applied).send({ type: 'node.updated', peer: now });
  }

  /** The actor of an adopted peer, restored in `connected` with what was applied. */
  private wake(applied: PeerInfo): PeerActor {
    this.dormant.delete(applied.name);
    const snapshot = this.machine.resolveState({ value: 'connected', context: { peer: applied, applied, retryMs, attempts: 0, error: undefined } });
    return this.spawn(applied, snapshot);
  }

  private peerOf(rec: NodeRecord): PeerInfo {
    return { id: rec.id, name: rec.name, vppIPs: rec.vppIPs, mgmtIPs: this.mgmtIPsOf(rec.name) };
  }

  /** A started actor for `peer`; from `snapshot` when given (its input is then unused). */
  private spawn(peer: PeerInfo, snapshot?: ReturnType<PeerMachine['resolveState']>): PeerActor {
    const name = peer.name;
    const actor = createActor(this.machine, { input: { peer, retryMs }, snapshot, id: `node/${name}`, inspect: inspectInto(this.history, `node/${name}`) });
    this.actors.set(name, actor);
    actor.subscribe({
      complete: () => {
        if (this.actors.get(name) === actor) this.actors.delete(name);
      },
      error: (err) => {
        this.history.record({ actor: `node/${name}`, event: 'actor.crashed', from: undefined, to: undefined, error: String(err) });
        if (this.actors.get(name) === actor) this.actors.delete(name);
      },
    });
    actor.start();
    return actor;
  }

  /** A node's management IPs changed in Kubernetes: its routes follow. */
  mgmtChanged(name: string): void {
    const rec = this.records.get(name);
    if (rec) this.upsert(rec);
  }

  /** A record was removed. */
  remove(name: string): void {
    this.records.delete(name);
    const asleep = this.dormant.get(name);
    (asleep !== undefined ? this.wake(asleep) : this.actors.get(name))?.send({ type: 'node.removed' });
  }

  /** The rows of the actor tree. */
  list(): { name: string; id: number; state: string; vppIPs: readonly string[] }[] {
    const rows = [...this.actors].map(([name, a]) => {
      const s = a.getSnapshot();
      return { name, id: s.context.peer.id, state: String(s.value), vppIPs: s.context.peer.vppIPs };
    });
    for (const [name, p] of this.dormant) rows.push({ name, id: p.id, state: 'connected', vppIPs: p.vppIPs });
    return rows.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stops every actor (shutdown). */
  stop(): void {
    for (const a of this.actors.values()) a.stop();
    this.actors.clear();
    this.dormant.clear();
  }
}

/**
 * The agent's desired VPP state and its one path into VPP: every change (a pod, a peer, the
 * node) replaces one owner's items, plans only the changed keys, and applies them as one
 * transaction; transactions run one at a time. Resync dumps VPP, plans everything and
 * applies the difference, so an unchanged pod costs zero writes.
 */
import type { Config } from '../config/types.js';
import { hostRouteGateway, ItemSet, nodeItems, peerItems, peerOwner, podItems, podOwner } from '../desired/index.js';
import type { Item, LocalNodeInput, PeerAddressing, Plan, PodInput } from '../desired/index.js';
import type { VppChannel } from '../vpp/api/channel.js';
import { NameIndex } from '../vpp/api/names.js';
import { apply, linuxItemsOf, planVpp, planVppDelta, tapHostsFrom, type ApplyFailure, type OpOutcome } from '../vpp/apply/index.js';
import { retrieve } from '../vpp/retrieve/index.js';

/** A transaction VPP refused; VPP was reverted to the state before it. */
export class TransactionError extends Error {
  constructor(
    readonly what: string,
    readonly failure: ApplyFailure,
  ) {
    super(`failed to ${what}: ${failure.error.message}${failure.revertErrors.length ? ` (${failure.revertErrors.length} revert errors)` : ''}`, { cause: failure.error });
  }
}

/** What one transaction or resync did. */
export interface TxnReport {
  readonly what: string;
  readonly ops: number;
  readonly calls: readonly string[];
  readonly ms: number;
}

/** Desired state + what VPP holds, with serialized transactions. */
export class Dataplane {
  readonly desired = new ItemSet();
  private actual = new ItemSet();
  private index = new NameIndex();
  private tail: Promise<unknown> = Promise.resolve();
  private lastPlan: Plan | undefined;
  private lastOutcomes: readonly OpOutcome[] = [];
  /** Total VPP-changing operations applied since start (resync with nothing to do adds 0). */
  writes = 0;

  constructor(
    private readonly config: Config,
    private readonly ch: VppChannel,
    private local: LocalNodeInput,
    private readonly onTxn: (r: TxnReport) => void = () => undefined,
  ) {
    for (const it of nodeItems(config, local)) this.desired.put(it);
  }

  /** Dumps VPP and converges it to the desired state without flushing. */
  resync(what = 'resync', opts: { afterRestart?: boolean } = {}): Promise<TxnReport> {
    return this.serial(async () => {
      const found = await retrieve(this.ch, opts.afterRestart ? {} : { correlate: this.desired });
      this.index = found.index;
      const p = planVpp(this.desired, found.items, this.linuxItems());
      return this.run(what, p, found.items);
    });
  }

  /** Puts (or replaces) a pod's items and applies the change. */
  setPod(pod: PodInput): Promise<TxnReport> {
    const items = podItems(this.config, this.local.addressing, pod, hostRouteGateway(this.config, this.local));
    return this.change(`wire pod ${pod.namespace}/${pod.name}`, podOwner(pod.namespace, pod.name), items);
  }

  /** Puts a pod's items into the desired state only (before the startup resync applies everything). */
  setPodDesired(pod: PodInput): Promise<void> {
    return this.serial(async () => {
      this.desired.replaceOwner(podOwner(pod.namespace, pod.name), podItems(this.config, this.local.addressing, pod, hostRouteGateway(this.config, this.local)));
    });
  }

  /** Puts a peer's items into the desired state only (before the startup resync). */
  setPeerDesired(peer: PeerAddressing): Promise<void> {
    return this.serial(async () => {
      this.desired.replaceOwner(peerOwner(peer.nodeId), peerItems(this.config, this.local.addressing, peer));
    });
  }

  /** Removes a pod's items from VPP. */
  removePod(namespace: string, name: string): Promise<TxnReport> {
    return this.change(`unwire pod ${namespace}/${name}`, podOwner(namespace, name), []);
  }

  /** Puts (or replaces) a peer node's items: the tunnel and routes follow at once. */
  setPeer(peer: PeerAddressing): Promise<TxnReport> {
    return this.change(`connect node ${peer.name}`, peerOwner(peer.nodeId), peerItems(this.config, this.local.addressing, peer));
  }

  /** Removes a peer node's items. */
  removePeer(peer: PeerAddressing): Promise<TxnReport> {
    return this.change(`disconnect node ${peer.name}`, peerOwner(peer.nodeId), []);
  }

  /** The desired state with each item's status, and what VPP held at the last transaction. */
  view(): { desired: ItemSet; actual: ItemSet; pending: Plan['pending']; outcomes: readonly OpOutcome[] } {
    return { desired: this.desired, actual: this.actual, pending: this.lastPlan?.pending ?? [], outcomes: this.lastOutcomes };
  }

  /** Dumps VPP now (for `/ipnet/v1/vpp`), without touching the transaction queue's state. */
  async dump(): Promise<ItemSet> {
    return (await retrieve(this.ch, { correlate: this.desired })).items;
  }

  private change(what: string, owner: string, items: readonly Item[]): Promise<TxnReport> {
    return this.serial(async () => {
      // only this owner's items can change: copying the whole set per transaction made every
      // pod or peer change cost O(all items), quadratic over 1,000 peers
      const before = [...this.desired.ownedBy(owner)].map((k) => this.desired.get(k) as Item);
      const changed = this.desired.replaceOwner(owner, items);
      // nothing changed (a peer re-announced at start-up, a repeated ADD): nothing to send
      if (changed.length === 0) return { what, ops: 0, calls: [], ms: 0 };
      // views of the sets and an in-place record: the transaction costs O(this owner's keys)
      const p = planVppDelta(changed, this.desired, this.actual, linuxItemsOf(this.desired));
      try {
        return await this.run(what, p, this.actual);
      } catch (err) {
        // the transaction was reverted in VPP: the desired state goes back with it
        this.desired.replaceOwner(owner, before);
        throw err;
      }
    });
  }

  private async run(what: string, p: Plan, actual: ItemSet): Promise<TxnReport> {
    const t0 = performance.now();
    this.lastPlan = p;
    const r = await apply(this.ch, p.ops, this.index, { actual, inPlace: true, tapHost: tapHostsFrom(this.desired) });
    this.lastOutcomes = r.outcomes;
    if (!r.ok) throw new TransactionError(what, r);
    this.actual = r.actual;
    this.writes += p.ops.length;
    const report = { what, ops: p.ops.length, calls: p.ops.map((o) => `${o.op} ${o.key}`), ms: performance.now() - t0 };
    this.onTxn(report);
    return report;
  }

  /** Linux items stand in as present (resync): src/linux creates them (pods) or the host owns them. */
  private linuxItems(): Item[] {
    return [...this.desired].filter((i) => !i.kind.startsWith('vpp-'));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

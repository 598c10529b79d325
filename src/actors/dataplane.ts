/**
 * The agent's desired VPP state and its one path into VPP: every change (a pod, a peer, the
 * node) replaces one owner's items, plans only the changed keys, and applies them as one
 * transaction. Changes queue in the VPP connection machine, which hands over the longest
 * run of queued changes with disjoint keys; that run is planned and applied as one
 * pipelined transaction, and if VPP refuses it, its members are re-run one by one so only
 * the bad one fails. Resync dumps VPP, plans everything and applies the difference, alone.
 */
import { createActor, fromPromise } from 'xstate';
import type { Config } from '../config/types.js';
import { hostRouteGateway, ItemSet, nodeItems, peerItems, peerOwner, podItems, podOwner } from '../desired/index.js';
import type { Item, LocalNodeInput, PeerAddressing, Plan, PodInput } from '../desired/index.js';
import { errorMessage } from '../machines/effect.js';
import { batchRunner, vppConnectionMachine, type Txn, type TxnOutcome } from '../machines/vppConnection.js';
import type { VppChannel } from '../vpp/api/channel.js';
import { NameIndex } from '../vpp/api/names.js';
import { apply, linuxItemsOf, planVpp, planVppDelta, tapHostsFrom, type ApplyFailure, type OpOutcome } from '../vpp/apply/index.js';
import { itemsOf, retrieve, type EarlyDump } from '../vpp/retrieve/index.js';

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
  /** Ops of this change (a coalesced batch's ops are counted to the owner of their item). */
  readonly ops: number;
  readonly calls: readonly string[];
  /** Duration of the VPP transaction this change was part of. */
  readonly ms: number;
  /** How many changes shared that transaction (1 when applied alone). */
  readonly batch: number;
}

/** One owner's change waiting in the queue. */
interface Change {
  readonly kind: 'change';
  readonly what: string;
  readonly owner: string;
  readonly items: readonly Item[];
}

/** Work that runs alone: a resync, or a desired-only change before the start-up resync. */
interface Alone {
  readonly kind: 'alone';
  readonly run: () => Promise<unknown>;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Desired state + what VPP holds, with queued, coalesced transactions. */
export class Dataplane {
  readonly desired = new ItemSet();
  /** Views of `desired` for planning and applying (it is never replaced, only changed). */
  private readonly linuxDesired = linuxItemsOf(this.desired);
  private readonly tapHost = tapHostsFrom(this.desired);
  private actual = new ItemSet();
  private index = new NameIndex();
  private lastPlan: Plan | undefined;
  private lastOutcomes: readonly OpOutcome[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly connection;
  /** Transactions submitted in this tick, not yet handed to the connection machine. */
  private submitted: Txn[] = [];
  /** Total VPP-changing operations applied since start (resync with nothing to do adds 0). */
  writes = 0;
  /** VPP transactions applied since start (a coalesced batch counts once). */
  applies = 0;

  constructor(
    private readonly config: Config,
    private readonly ch: VppChannel,
    private local: LocalNodeInput,
    private readonly onTxn: (r: TxnReport) => void = () => undefined,
    /** VPP dumped before this dataplane existed: the first resync uses it instead of dumping. */
    private earlyDump?: EarlyDump,
  ) {
    // every change plans with the desired set's indexes: kept current from the start, so the
    // first ADD after a restart does not build them (~15 ms with 1,000 peers)
    this.desired.buildIndexes();
    for (const it of nodeItems(config, local)) this.desired.put(it);
    // the channel is connected before the Dataplane exists and VPP restarts reach the
    // supervisor (which asks for a resync), so `connect` has nothing left to do here
    this.connection = createActor(vppConnectionMachine.provide({
      actors: {
        connect: fromPromise<void, { reconnect: boolean }>(async () => undefined),
        runner: batchRunner((txns) => this.runBatch(txns)),
      },
    }), { input: { initialBackoffMs: 100, maxBackoffMs: 5000 } });
    this.connection.on('txn.done', ({ outcome }) => this.settle(outcome));
    this.connection.start();
  }

  /** Dumps VPP and converges it to the desired state without flushing. */
  resync(what = 'resync', opts: { afterRestart?: boolean } = {}): Promise<TxnReport> {
    return this.alone(async () => {
      const early = this.earlyDump;
      this.earlyDump = undefined;
      // nothing this dataplane applied can have changed VPP since the early dump was taken
      const dumped = early !== undefined && this.applies === 0 && !opts.afterRestart ? await early.take() : undefined;
      const correlate = opts.afterRestart ? {} : { correlate: this.desired };
      const found = dumped !== undefined ? itemsOf(dumped, correlate) : await retrieve(this.ch, correlate);
      this.index = found.index;
      this.actual = found.items;
      const p = planVpp(this.desired, found.items, linuxItemsIn(this.desired));
      const { ms } = await this.applyPlan(what, p);
      return this.report(what, p.ops, ms, 1);
    });
  }

  /** Puts (or replaces) a pod's items and applies the change. */
  setPod(pod: PodInput): Promise<TxnReport> {
    return this.change(`wire pod ${pod.namespace}/${pod.name}`, podOwner(pod.namespace, pod.name), this.podItemsOf(pod));
  }

  /** Puts a pod's items into the desired state only (before the startup resync applies everything). */
  setPodDesired(pod: PodInput): Promise<void> {
    return this.setDesired({ pods: [pod] });
  }

  /** Puts a peer's items into the desired state only (before the startup resync). */
  setPeerDesired(peer: PeerAddressing): Promise<void> {
    return this.setDesired({ peers: [peer] });
  }

  /**
   * Puts many pods' and peers' items into the desired state only, in one queued step: at
   * start-up 1,000 peers queued one by one cost seconds of machine steps for no VPP call.
   */
  setDesired(what: { pods?: readonly PodInput[]; peers?: readonly PeerAddressing[] }): Promise<void> {
    return this.alone(async () => {
      for (const peer of what.peers ?? []) this.desired.replaceOwner(peerOwner(peer.nodeId), peerItems(this.config, this.local.addressing, peer));
      for (const pod of what.pods ?? []) this.desired.replaceOwner(podOwner(pod.namespace, pod.name), this.podItemsOf(pod));
    });
  }

  /** Takes pods out of the desired state only (a pod dropped before the startup resync is retried). */
  forgetPodsDesired(pods: readonly { namespace: string; name: string }[]): Promise<void> {
    return this.alone(async () => {
      for (const pod of pods) this.desired.replaceOwner(podOwner(pod.namespace, pod.name), []);
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

  private podItemsOf(pod: PodInput): Item[] {
    return podItems(this.config, this.local.addressing, pod, hostRouteGateway(this.config, this.local));
  }

  private change(what: string, owner: string, items: readonly Item[]): Promise<TxnReport> {
    // the owner itself is a key, so two changes of one owner never share a batch (even a
    // removal of an owner with no items yet keeps its place behind the add before it)
    const keys = [`owner ${owner}`, ...this.desired.ownedBy(owner), ...items.map((i) => i.key)];
    return this.submit({ keys, payload: { kind: 'change', what, owner, items } satisfies Change }) as Promise<TxnReport>;
  }

  private alone<T>(run: () => Promise<T>): Promise<T> {
    return this.submit({ keys: [], exclusive: true, payload: { kind: 'alone', run } satisfies Alone }) as Promise<T>;
  }

  private submit(txn: Omit<Txn, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    const done = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // what is submitted in one tick enters the machine as one event: a machine step per
    // transaction cost more CPU than VPP's answer to a whole 100-pod burst, and the burst
    // then goes out as one batch instead of one alone and the rest behind it
    this.submitted.push({ ...txn, id });
    if (this.submitted.length === 1) {
      queueMicrotask(() => {
        const txns = this.submitted;
        this.submitted = [];
        this.connection.send({ type: 'txns.submit', txns });
      });
    }
    return done;
  }

  /**
   * The machine reports a transaction done: a caller still waiting has no result from the
   * batch (the machine failed it: VPP restarted or went away mid-apply).
   */
  private settle(outcome: TxnOutcome): void {
    const w = this.waiting.get(outcome.id);
    if (w === undefined) return;
    this.waiting.delete(outcome.id);
    w.reject(new Error(outcome.error ?? 'transaction ended without a result'));
  }

  /**
   * What the machine's batch runner runs: one batch, handing each member's caller its result
   * at once. The machine's step that takes the batch off its books follows as the runner's
   * report, once the callers have gone on.
   */
  private async runBatch(txns: readonly Txn[]): Promise<TxnOutcome[]> {
    const first = txns[0]?.payload as Alone | Change | undefined;
    let results: Map<number, Settled>;
    if (first?.kind === 'alone') {
      const id = (txns[0] as Txn).id;
      results = new Map([[id, await first.run().then((value): Settled => ({ ok: true, value }), (error: unknown): Settled => ({ ok: false, error }))]]);
    } else {
      results = await this.applyChanges(txns.map((t) => ({ id: t.id, change: t.payload as Change })));
    }
    const outcomes = txns.map((t) => {
      const r = results.get(t.id) ?? { ok: false, error: new Error('transaction ended without a result') };
      const w = this.waiting.get(t.id);
      this.waiting.delete(t.id);
      if (r.ok) w?.resolve(r.value);
      else w?.reject(r.error);
      return { id: t.id, ok: r.ok, error: r.ok ? undefined : errorMessage(r.error) };
    });
    // the machine's step that takes the batch off its books waits for the next turn of the
    // event loop: as a microtask it ran ahead of the callers' continuations (a pod's answer
    // to its ADD), ~0.1–0.3 ms per AddPod; work submitted meanwhile queues in the machine
    await new Promise((resolve) => setImmediate(resolve));
    return outcomes;
  }

  /** Applies changes as one transaction; if VPP refuses it, runs them one at a time. */
  private async applyChanges(members: readonly { id: number; change: Change }[]): Promise<Map<number, Settled>> {
    const out = new Map<number, Settled>();
    const before = members.map(({ change }) => [...this.desired.ownedBy(change.owner)].map((k) => this.desired.get(k) as Item));
    const changed = new Set<string>();
    for (const { change } of members) for (const k of this.desired.replaceOwner(change.owner, change.items)) changed.add(k);
    const restore = (): void => {
      for (let i = members.length - 1; i >= 0; i--) this.desired.replaceOwner((members[i] as { change: Change }).change.owner, before[i] as Item[]);
    };
    // nothing changed (a peer re-announced at start-up, a repeated ADD): nothing to plan or send
    if (changed.size === 0) {
      for (const { id, change } of members) out.set(id, { ok: true, value: this.report(change.what, [], 0, members.length, false) });
      return out;
    }
    const what = members.length === 1 ? (members[0] as { change: Change }).change.what : `apply ${members.length} coalesced changes`;
    try {
      const p = planVppDelta(changed, this.desired, this.actual, this.linuxDesired);
      const { ms } = await this.applyPlan(what, p);
      const ops = opsByMember(p.ops, members.map((m) => m.change.owner));
      members.forEach(({ id, change }, i) => out.set(id, { ok: true, value: this.report(change.what, ops[i] as Plan['ops'], ms, members.length) }));
    } catch (error) {
      // VPP was reverted, so the desired state goes back with it; alone, each change
      // either succeeds or is the one VPP refuses
      restore();
      if (members.length === 1) out.set((members[0] as { id: number }).id, { ok: false, error });
      else for (const m of members) for (const [id, r] of await this.applyChanges([m])) out.set(id, r);
    }
    return out;
  }

  private async applyPlan(what: string, p: Plan): Promise<{ ms: number }> {
    const t0 = performance.now();
    this.lastPlan = p;
    this.applies++;
    const r = await apply(this.ch, p.ops, this.index, { actual: this.actual, inPlace: true, tapHost: this.tapHost });
    this.lastOutcomes = r.outcomes;
    if (!r.ok) throw new TransactionError(what, r);
    this.writes += p.ops.length;
    return { ms: performance.now() - t0 };
  }

  private report(what: string, ops: Plan['ops'], ms: number, batch: number, applied = true): TxnReport {
    const report = { what, ops: ops.length, calls: ops.map((o) => `${o.op} ${o.key}`), ms, batch };
    if (applied) this.onTxn(report);
    return report;
  }
}

/** Linux items stand in as present: src/linux creates them (pods) or the host owns them. */
function linuxItemsIn(desired: ItemSet): Item[] {
  return [...desired].filter((i) => !i.kind.startsWith('vpp-'));
}

/** A batch's ops split by the owner of their item; ops no member owns go to the first member. */
function opsByMember(ops: Plan['ops'], owners: readonly string[]): Plan['ops'][] {
  const out = owners.map((): Plan['ops'][number][] => []);
  const at = new Map(owners.map((o, i) => [o, i]));
  for (const op of ops) out[at.get(op.item.owner) ?? 0]?.push(op);
  return out;
}

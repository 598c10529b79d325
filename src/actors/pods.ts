/**
 * The pod actors: one XState actor per pod, held as root actors in a map (spawning thousands
 * of children into one parent is quadratic in XState), supervised here: an actor that
 * crashes is recorded, and replaced by a fresh one per the restart policy. A pod adopted at
 * start-up stays dormant (its container and wiring only) until its first CNI event, when
 * its actor is restored in `wired`: creating, starting and stepping 250 actors for pods that
 * mostly never hear from the CNI again was ~80 ms of a cold start.
 */
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { errorMessage, startsEffect } from '../machines/effect.js';
import { podMachine, type PodContainer, type PodEffectInput, type PodEmitted, type PodWiring } from '../machines/pod.js';
import { decideRestart, type RestartPolicy } from '../machines/supervision.js';
import type { History } from './history.js';
import { recordingTransitions, recordStart } from './inspect.js';

/** The effects of a pod's lifecycle, provided at the composition root. */
export interface PodDriver {
  /** Allocates the IP and wires VPP and the netns; on failure leaves what `revert` can undo. */
  wire(input: PodEffectInput): Promise<PodWiring>;
  /** Undoes a failed wiring completely: VPP items, netns side, IP allocation. */
  revert(input: PodEffectInput): Promise<void>;
  /** Removes a wired pod: VPP items, netns side, IP allocation. */
  unwire(input: PodEffectInput): Promise<void>;
}

/** Why an ADD failed, with the revert error attached if the revert also failed. */
export class PodWiringFailedError extends Error {
  constructor(
    readonly podKey: string,
    readonly reason: string,
    readonly revertError: string | undefined,
  ) {
    super(`failed to wire pod ${podKey}: ${reason}${revertError ? ` (revert also failed: ${revertError})` : ''}`);
  }
}

/** One row of the actor tree. */
export interface PodActorView {
  readonly podKey: string;
  readonly state: string;
  readonly containerId: string | undefined;
  readonly ip: string | undefined;
  readonly restarts: number;
}

type PodActor = Actor<typeof podMachine>;

/** An adopted pod without an actor yet. */
interface Dormant {
  readonly container: PodContainer;
  readonly wiring: PodWiring;
}

const defaultPolicy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 5000, maxRestarts: 5, windowMs: 60_000 };

/** The set of pod actors and the CNI-facing operations on them. */
export class PodRegistry {
  private readonly actors = new Map<string, PodActor>();
  private readonly dormant = new Map<string, Dormant>();
  /** Between `resync.begin` and `resync.end`: a pod woken meanwhile starts in `resyncing`. */
  private resyncing = false;
  private readonly failures = new Map<string, number[]>();
  private readonly machine;

  constructor(
    driver: PodDriver,
    private readonly history: History,
    private readonly onEscalate: (podKey: string, reason: string) => void = () => undefined,
    private readonly policy: RestartPolicy = defaultPolicy,
    /** The pod machine before its effects are provided (tests hand in one with faulty actions). */
    base: typeof podMachine = podMachine,
  ) {
    this.machine = recordingTransitions(base.provide({
      actions: {
        wire: startsEffect('wire', (input: PodEffectInput) => driver.wire(input)),
        revert: startsEffect('revert', (input: PodEffectInput) => driver.revert(input)),
        unwire: startsEffect('unwire', (input: PodEffectInput) => driver.unwire(input)),
      },
    }), history);
  }

  /** Wires (or re-answers) a pod; resolves with its wiring once the actor reports. */
  add(podKey: string, container: PodContainer): Promise<PodWiring> {
    const actor = this.actorFor(podKey);
    return new Promise((resolve, reject) => {
      // one listener for every answer: each event type listened to leaves a set behind in
      // the actor, which lives as long as the pod
      const sub = actor.on('*', (e) => {
        if (e.type === 'pod.deleted' || e.containerId !== container.containerId) return;
        sub.unsubscribe();
        fault.unsubscribe();
        if (e.type === 'pod.wired') resolve(e.wiring);
        else if (e.type === 'pod.failed') reject(new PodWiringFailedError(podKey, e.error, e.revertError));
        else reject(new PodWiringFailedError(podKey, e.reason, undefined));
      });
      // a crashed actor answers nothing: without this the ADD would wait for the CNI timeout
      const fault = actor.subscribe({ error: (err) => {
        sub.unsubscribe();
        reject(new PodWiringFailedError(podKey, `pod actor failed: ${errorMessage(err)}`, undefined));
      } });
      actor.send({ type: 'cni.add', ...container });
    });
  }

  /** Removes a pod's network; resolves when it is gone (also for unknown pods). */
  del(podKey: string, containerId: string): Promise<PodEmitted & { type: 'pod.deleted' }> {
    const actor = this.actorFor(podKey);
    return new Promise((resolve) => {
      const sub = actor.on('pod.deleted', (e) => {
        sub.unsubscribe();
        fault.unsubscribe();
        resolve(e);
      });
      const fault = actor.subscribe({ error: (err) => {
        sub.unsubscribe();
        resolve({ type: 'pod.deleted', podKey, containerId, error: `pod actor failed: ${errorMessage(err)}` });
      } });
      actor.send({ type: 'cni.del', containerId });
    });
  }

  /** The wiring of a wired pod, if any. */
  wiring(podKey: string): PodWiring | undefined {
    const asleep = this.dormant.get(podKey);
    if (asleep !== undefined) return asleep.wiring;
    const snap = this.actors.get(podKey)?.getSnapshot();
    return snap?.matches('wired') || snap?.matches('resyncing') ? snap.context.wiring : undefined;
  }

  /**
   * Knows a pod again that was wired before a restart; its actor is made, in `wired`, when
   * the CNI first names it. A pod that already has an actor is told by event.
   */
  adopt(podKey: string, container: PodContainer, wiring: PodWiring): void {
    const actor = this.actors.get(podKey);
    if (actor !== undefined && actor.getSnapshot().status === 'active') actor.send({ type: 'resync.adopt', ...container, wiring });
    else this.dormant.set(podKey, { container, wiring });
  }

  /** The container a pod is (being) wired for. */
  containerOf(podKey: string): string | undefined {
    const asleep = this.dormant.get(podKey);
    if (asleep !== undefined) return asleep.container.containerId;
    return this.actors.get(podKey)?.getSnapshot().context.container?.containerId;
  }

  /** The pod whose actor holds `containerId` (DEL and CHECK may come without pod names). */
  findByContainer(containerId: string): string | undefined {
    for (const [podKey, actor] of this.actors) if (actor.getSnapshot().context.container?.containerId === containerId) return podKey;
    for (const [podKey, asleep] of this.dormant) if (asleep.container.containerId === containerId) return podKey;
    return undefined;
  }

  /** Tells every pod a resync starts or ends (wired pods pause in `resyncing`). */
  broadcast(type: 'resync.begin' | 'resync.end'): void {
    this.resyncing = type === 'resync.begin';
    for (const actor of this.actors.values()) actor.send({ type });
  }

  /** The rows of the actor tree, sorted by pod. */
  list(): PodActorView[] {
    const rows = [...this.actors].map(([podKey, actor]): PodActorView => {
      const snap = actor.getSnapshot();
      return { podKey, state: String(snap.value), containerId: snap.context.container?.containerId, ip: snap.context.wiring?.ip, restarts: this.failures.get(podKey)?.length ?? 0 };
    });
    for (const [podKey, { container, wiring }] of this.dormant) {
      rows.push({ podKey, state: this.resyncing ? 'resyncing' : 'wired', containerId: container.containerId, ip: wiring.ip, restarts: this.failures.get(podKey)?.length ?? 0 });
    }
    return rows.sort((a, b) => a.podKey.localeCompare(b.podKey));
  }

  /** Stops every actor (shutdown); wiring stays in VPP and is found again by the next resync. */
  stop(): void {
    for (const actor of this.actors.values()) actor.stop();
    this.actors.clear();
    this.dormant.clear();
  }

  private actorFor(podKey: string): PodActor {
    const existing = this.actors.get(podKey);
    if (existing && existing.getSnapshot().status === 'active') return existing;
    const asleep = this.dormant.get(podKey);
    this.dormant.delete(podKey);
    // as `resync.adopt` would have left it: wired (or paused in a resync), known from its record
    const snapshot = asleep && this.machine.resolveState({
      value: this.resyncing ? 'resyncing' : 'wired',
      context: { podKey, container: asleep.container, wiring: asleep.wiring, error: undefined, next: undefined, deleteRequested: false, adopted: true },
    });
    // the raw inspection stream only when someone watches it (a visualizer, attached at start-up):
    // the transitions reach the history from the machine itself (`recordingTransitions`)
    const history = this.history;
    const inspect = history.observed ? (ev: InspectionEvent) => history.inspected(ev) : undefined;
    const actor = createActor(this.machine, { input: { podKey }, snapshot, id: `pod/${podKey}`, inspect });
    this.actors.set(podKey, actor);
    actor.subscribe({
      complete: () => {
        if (this.actors.get(podKey) === actor) this.actors.delete(podKey);
      },
      error: (err) => this.crashed(podKey, actor, err),
    });
    actor.start();
    recordStart(history, `pod/${podKey}`, actor.getSnapshot().value);
    return actor;
  }

  private crashed(podKey: string, actor: PodActor, err: unknown): void {
    const now = Date.now();
    const failures = [...(this.failures.get(podKey) ?? []), now];
    this.failures.set(podKey, failures);
    const decision = decideRestart(this.policy, failures, now);
    this.history.record({ actor: `pod/${podKey}`, event: 'actor.crashed', from: undefined, to: decision.action, error: errorMessage(err) });
    if (this.actors.get(podKey) === actor) this.actors.delete(podKey);
    // The wiring it held stays known, as an adopted pod's: the next CNI event restores the actor
    // from it, so a DEL still unwires the pod and a repeated ADD re-runs the (idempotent)
    // wiring, whatever step the crash cut short. Without a wiring a fresh actor starts pending.
    const { container, wiring } = actor.getSnapshot().context;
    if (container !== undefined && wiring !== undefined) this.dormant.set(podKey, { container, wiring });
    if (decision.action === 'escalate') this.onEscalate(podKey, decision.reason);
  }
}

/**
 * The startup resync's way past a pod whose items VPP refuses. A record can outlive the wiring
 * it names (VPP refused the pod's items and the agent died before the revert deleted the
 * record): re-wiring it failed the startup resync on every attempt, and the node never became
 * ready for any of its other pods. Such a pod is dropped as a failed ADD's revert drops it, and
 * the resync runs again without it, which also removes whatever VPP holds of it.
 *
 * One pod per VPP error code at most: a second pod refused with the code that dropped the
 * first says the refusal is about VPP (out of buffers, a TAP feature it lacks), not about the
 * pods, and dropping on would strip every pod of the node of its network and IP. The start-up
 * then fails as it did before, and the agent is restarted until VPP accepts the items. The
 * codes are kept in the store until a start-up completes: a restarted agent would otherwise
 * drop one more pod per start for the same refusal.
 */
import type { Store } from '../store/types.js';
import type { Logger } from '../util/log.js';
import { VppApiError } from '../vpp/binapi/errors.js';
import type { ItemSet } from '../desired/index.js';
import { TransactionError, type Dataplane } from './dataplane.js';
import type { History } from './history.js';
import { podRef } from './pod-driver.js';
import type { PodRecord, PodRecords } from './pod-records.js';
import type { PodDriver } from './pods.js';

/** A pod named by a failed resync, with what VPP answered. */
export interface RefusedPod {
  readonly podKey: string;
  readonly error: string;
  /** VPP's code for the refusal. */
  readonly retval: number;
}

/**
 * The pod whose desired item VPP refused, if that is what failed the resync. A timeout or a
 * lost session says nothing about the item, and a node or peer item is everyone's: those fail
 * the resync as before.
 */
export function refusedPod(err: unknown, desired: ItemSet): RefusedPod | undefined {
  if (!(err instanceof TransactionError) || !(err.failure.error instanceof VppApiError)) return undefined;
  // the op VPP's answer belongs to: another op that failed too may come first in the outcomes
  const { failedKey } = err.failure;
  const owner = desired.get(failedKey)?.owner;
  if (owner === undefined || !owner.startsWith('pod/')) return undefined;
  const failed = err.failure.outcomes.find((o) => o.key === failedKey && o.status === 'failed');
  return { podKey: owner.slice('pod/'.length), error: failed?.error ?? err.message, retval: err.failure.error.retval };
}

/** What dropping a pod at start-up touches. */
export interface DropDeps {
  readonly records: PodRecords;
  readonly dataplane: Dataplane;
  readonly driver: PodDriver;
  readonly history: History;
  readonly log: Logger;
  readonly drops: StartupDrops;
}

/** VPP's error codes that dropped a pod since the last completed start-up, with that pod. */
export class StartupDrops {
  private constructor(
    private readonly store: Store,
    private readonly key: string,
    private readonly byCode: Map<number, string>,
  ) {}

  /** Reads what earlier starts of this node dropped; an unreadable entry counts as none. */
  static async load(store: Store, nodeName: string, warn: (msg: string) => void): Promise<StartupDrops> {
    const key = `/ipnet/startup-drops/${nodeName}`;
    const byCode = new Map<number, string>();
    const kv = await store.get(key);
    if (kv !== undefined) {
      try {
        for (const [code, podKey] of Object.entries(JSON.parse(kv.value) as Record<string, string>)) byCode.set(Number(code), String(podKey));
      } catch (err) {
        warn(`ignoring unreadable ${key}: ${(err as Error).message}`);
      }
    }
    return new StartupDrops(store, key, byCode);
  }

  /** The pod an earlier drop for `code` took, if any. */
  podFor(code: number): string | undefined {
    return this.byCode.get(code);
  }

  /** Remembers a drop before it is made, so a crash in the middle still counts it. */
  async remember(code: number, podKey: string): Promise<void> {
    this.byCode.set(code, podKey);
    await this.store.put(this.key, JSON.stringify(Object.fromEntries(this.byCode)));
  }

  /** A start-up completed: VPP took every item, so earlier refusals say nothing any more. */
  async clear(): Promise<void> {
    if (this.byCode.size === 0) return;
    this.byCode.clear();
    await this.store.delete(this.key);
  }
}

/**
 * Runs the startup resync, dropping each pod of `known` whose items VPP refuses and running it
 * again; returns the resync's result. Every drop takes a pod out of the desired state, so the
 * loop ends. `known` loses the dropped pods (they are not adopted).
 */
export async function resyncDroppingRefused<T>(resync: () => Promise<T>, known: PodRecord[], deps: DropDeps): Promise<T> {
  for (;;) {
    try {
      return await resync();
    } catch (err) {
      const refused = refusedPod(err, deps.dataplane.desired);
      const at = refused ? known.findIndex((r) => r.podKey === refused.podKey) : -1;
      if (refused === undefined || at < 0) throw err;
      const earlier = deps.drops.podFor(refused.retval);
      if (earlier !== undefined) {
        deps.log.error({ podKey: refused.podKey, dropped: earlier, error: refused.error }, 'VPP refuses a second pod with the error that dropped another: the startup resync fails, no more pods are dropped');
        throw err;
      }
      await deps.drops.remember(refused.retval, refused.podKey);
      await drop(known[at] as PodRecord, refused.error, deps);
      known.splice(at, 1);
    }
  }
}

async function drop(r: PodRecord, error: string, deps: DropDeps): Promise<void> {
  // the record first, as a DEL does: a crash past it leaves a pod the next start-up never adopts
  await deps.records.delete(r.podKey);
  await deps.dataplane.forgetPodsDesired([podRef(r.podKey)]);
  deps.history.record({ actor: `pod/${r.podKey}`, event: 'startup.dropped', from: undefined, to: undefined, error });
  deps.log.error({ podKey: r.podKey, ip: r.wiring.ip, error }, 'dropped a pod whose items VPP refuses: the startup resync runs again without it');
  // the netns side and the IP go as a failed ADD's revert removes them (its VPP step finds
  // nothing desired left to remove; the resync that follows removes what VPP holds of the pod)
  try {
    await deps.driver.revert({ podKey: r.podKey, container: r.container, wiring: r.wiring, error, rewire: false });
  } catch (err) {
    deps.log.warn({ podKey: r.podKey, err: (err as Error).message }, 'dropped pod not fully cleaned up');
  }
}

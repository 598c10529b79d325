/**
 * Resync in one call (STYLE practice 7: compute, dump, diff, apply): retrieve VPP with the
 * desired set correlated, plan the VPP part, apply it. The caller gates it on every source
 * having synced and serialises it with other transactions (the name index is shared state).
 */
import type { ItemSet } from '../../desired/itemset.js';
import type { Item } from '../../desired/model.js';
import type { Plan } from '../../desired/plan.js';
import type { VppChannel } from '../api/channel.js';
import { retrieve, type Retrieved } from '../retrieve/retrieve.js';
import { apply, type ApplyResult } from './apply.js';
import { planVpp, tapHostsFrom } from './layers.js';

/** What one resync saw, planned and did. */
export interface ResyncResult {
  readonly found: Retrieved;
  readonly plan: Plan;
  readonly result: ApplyResult;
}

/** Resync knobs. */
export interface ResyncOptions {
  /** Linux items the Linux layer reports present (VETH mode's AF_PACKETs wait for them). */
  readonly linux?: Iterable<Item>;
  /** VPP restarted since the last apply: nothing ipnet wrote survives, so nothing is correlated. */
  readonly vppRestarted?: boolean;
}

/** Brings VPP to the VPP part of `desired`; the result's index and actual set are the new state. */
export async function resyncVpp(ch: VppChannel, desired: ItemSet, opts: ResyncOptions = {}): Promise<ResyncResult> {
  const found = await retrieve(ch, opts.vppRestarted === true ? {} : { correlate: desired });
  const p = planVpp(desired, found.items, opts.linux ?? []);
  const result = await apply(ch, p.ops, found.index, { actual: found.items, tapHost: tapHostsFrom(desired) });
  return { found, plan: p, result };
}

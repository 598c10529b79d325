/**
 * apply: executes planner ops step by step. Ops of one step are independent, so their
 * calls go out together (pipelined through the bridge); calls within one op stay in order.
 * Every success records its inverse; on the first failing step everything done so far is
 * reverted last-in first-out and the original error is returned, revert errors attached.
 */
import { ItemSet } from '../../desired/itemset.js';
import { recordApplied, type Op } from '../../desired/plan.js';
import { rootCause } from '../api/channel.js';
import type { VppChannel } from '../api/channel.js';
import type { NameIndex } from '../api/names.js';
import type { TapHostHint } from './context.js';
import { realise } from './realise.js';
import { runLifo, UndoList, type RevertError, type Undo } from './undo.js';

/** What happened to one op. */
export interface OpOutcome {
  readonly key: string;
  readonly op: Op['op'];
  /** `done`: applied and kept; `reverted`: applied, then undone; `failed`; `skipped`: never started. */
  readonly status: 'done' | 'reverted' | 'failed' | 'skipped';
  /** "failed to <op> <key>: <cause>" for the failed op. */
  readonly error?: string;
}

/** A successful transaction: outcomes and the actual set with the ops recorded. */
export interface ApplySuccess {
  readonly ok: true;
  readonly outcomes: readonly OpOutcome[];
  readonly actual: ItemSet;
}

/** A reverted transaction. */
export interface ApplyFailure {
  readonly ok: false;
  /** What VPP (or the bridge) answered to the failing call, unwrapped. */
  readonly error: Error;
  readonly outcomes: readonly OpOutcome[];
  /** Inverses that failed while reverting (VPP may differ from before in these points). */
  readonly revertErrors: readonly RevertError[];
}

/** Result of `apply`. */
export type ApplyResult = ApplySuccess | ApplyFailure;

/** Knobs of one apply run. */
export interface ApplyOptions {
  /** The actual set to record successes into (copied unless `inPlace`; default empty). */
  readonly actual?: ItemSet;
  /**
   * Record into `actual` itself, only once every op succeeded: the caller's long-lived set
   * stays as it was on failure, and a success costs O(ops) instead of a copy of the node.
   */
  readonly inPlace?: boolean;
  /** Where VPP puts the host end of TAPs it creates. */
  readonly tapHost?: (vppName: string) => TapHostHint | undefined;
}

/** One op failed; `cause` is the wrapped chain down to VPP's answer. */
export class ApplyOpError extends Error {
  constructor(readonly op: Op, override readonly cause: Error) {
    super(`failed to ${op.op} ${op.key}: ${cause.message}`, { cause });
    this.name = 'ApplyOpError';
  }
}

/** Applies `ops` (sorted by step, as the planner returns them) as one transaction. */
export async function apply(ch: VppChannel, ops: readonly Op[], index: NameIndex, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const ctx = { ch, index, tapHost: opts.tapHost };
  const done: Undo[] = [];
  const status = new Map<Op, OpOutcome>();
  for (const step of bySteps(ops)) {
    const lists = step.map(() => new UndoList());
    const settled = await Promise.allSettled(step.map((op, i) => realise(ctx, op, lists[i] as UndoList)));
    let failure: ApplyOpError | undefined;
    for (let i = 0; i < step.length; i++) {
      const op = step[i] as Op;
      const s = settled[i] as PromiseSettledResult<void>;
      done.push(...(lists[i] as UndoList).entries);
      if (s.status === 'fulfilled') status.set(op, { key: op.key, op: op.op, status: 'done' });
      else {
        const err = new ApplyOpError(op, s.reason instanceof Error ? s.reason : new Error(String(s.reason)));
        status.set(op, { key: op.key, op: op.op, status: 'failed', error: err.message });
        failure ??= err;
      }
    }
    if (failure !== undefined) {
      const revertErrors = await runLifo(done);
      const outcomes = ops.map((op) => {
        const o = status.get(op);
        if (o === undefined) return { key: op.key, op: op.op, status: 'skipped' as const };
        return o.status === 'done' ? { ...o, status: 'reverted' as const } : o;
      });
      return { ok: false, error: rootCause(failure.cause), outcomes, revertErrors };
    }
  }
  const actual = (opts.inPlace === true ? opts.actual : opts.actual?.clone()) ?? new ItemSet();
  recordApplied(actual, ops);
  return { ok: true, outcomes: ops.map((op) => status.get(op) as OpOutcome), actual };
}

/** Groups sorted ops into steps (an empty step number produces no group). */
function bySteps(ops: readonly Op[]): Op[][] {
  const groups = new Map<number, Op[]>();
  for (const op of ops) {
    const g = groups.get(op.step);
    if (g === undefined) groups.set(op.step, [op]);
    else g.push(op);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

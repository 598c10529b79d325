/**
 * apply: executes planner ops step by step, without waiting for replies it does not need.
 * Realisers send their calls and return; they wait only for a reply whose value they use
 * (a bridge domain's id; a created interface's sw_if_index unless the channel hands out a
 * stand-in for it, as the bridge does). Once every op of a step has sent its calls, the next
 * step's go out right behind them: VPP executes one client's calls in send order, so the
 * order VPP sees is the one a one-by-one run would produce, and a pod's transaction waits for
 * one round trip through the bridge (two through a channel without stand-ins: the create,
 * then the rest) instead of one per call. Every success records its inverse at its place in
 * send order; once any call has failed no further step is started, every call already sent
 * is awaited, and everything that succeeded (calls sent behind the failing one included) is
 * reverted last-in first-out. Calls naming a create that failed are never run (the bridge
 * drops them). The first failure in send order is returned, revert errors attached.
 */
import { ItemSet } from '../../desired/itemset.js';
import { STAND_INS_REMEMBERED } from '../binapi/stand-in.js';
import { recordApplied, type Op } from '../../desired/plan.js';
import { rootCause } from '../api/channel.js';
import type { VppChannel } from '../api/channel.js';
import type { NameIndex } from '../api/names.js';
import type { TapHostHint } from './context.js';
import { needsSettledPast, realise } from './realise.js';
import { Journal, runLifo, UndoList, type RevertError, type SendLater } from './undo.js';

/** What happened to one op. */
export interface OpOutcome {
  readonly key: string;
  readonly op: Op['op'];
  /**
   * As a one-by-one run would report it: `done`: applied and kept; `reverted`: applied, then
   * undone; `failed`; `skipped`: in a step after the failing op's, which that run would not
   * have started (whatever pipelining sent for it has been taken back, failed or not).
   */
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
  /**
   * The op whose call `error` answered. Several ops can fail in one step, and a follow-up
   * call goes out behind later ops' calls, so the first failed outcome need not be this one.
   */
  readonly failedKey: string;
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
  const ctx = { ch: withinStandIns(ch, ops), index, tapHost: opts.tapHost };
  // the calls sent before the first await leave as one message rather than the first alone
  ch.gather?.();
  const journal = new Journal();
  const started = new Map<Op, UndoList>();
  for (const step of bySteps(ops)) {
    if (step.some(needsSettledPast)) {
      await journal.settled();
      if (journal.anyFailed) break;
    }
    const waiting: Promise<void>[] = [];
    // Calls that follow a reply (a new interface's settings) go out as the reply arrives,
    // behind creates VPP is still working through; only those of the step's last reply wait
    // to leave in the same tick, and so the same message, as the next step's calls: sent at
    // once they would go alone (a pod's add: 3 ZeroMQ messages instead of 2).
    let unanswered = 0;
    let deferred: { undo: UndoList; send: SendLater } | undefined;
    for (const op of step) {
      const undo = new UndoList(journal);
      started.set(op, undo);
      try {
        const p = realise(ctx, op, undo);
        if (p !== undefined) {
          unanswered++;
          const answered = (send: SendLater | undefined | void): void => {
            unanswered--;
            if (!send) return;
            if (unanswered > 0) sendFollowUps(undo, send);
            else deferred = { undo, send };
          };
          waiting.push(p.then(answered, (err: unknown) => {
            unanswered--;
            undo.fail(asError(err));
          }));
        }
      } catch (err) {
        undo.fail(asError(err));
      }
    }
    // no await when nothing waits for a reply: the next step's calls join this step's message
    if (waiting.length > 0) await Promise.all(waiting);
    if (journal.anyFailed) break;
    if (deferred !== undefined) sendFollowUps(deferred.undo, deferred.send);
  }
  await journal.settled();
  const first = journal.firstFailure();
  if (first === undefined) {
    const actual = (opts.inPlace === true ? opts.actual : opts.actual?.clone()) ?? new ItemSet();
    recordApplied(actual, ops);
    return { ok: true, outcomes: ops.map((op) => ({ key: op.key, op: op.op, status: 'done' })), actual };
  }
  const revertErrors = await runLifo(journal.inverses());
  const failingOp = [...started].find(([, undo]) => undo === first.owner)?.[0];
  const failingStep = failingOp?.step ?? Number.POSITIVE_INFINITY;
  const outcomes = ops.map((op): OpOutcome => {
    const undo = started.get(op);
    if (undo === undefined || op.step > failingStep) return { key: op.key, op: op.op, status: 'skipped' };
    const failure = undo.failure;
    if (failure === undefined) return { key: op.key, op: op.op, status: 'reverted' };
    return { key: op.key, op: op.op, status: 'failed', error: new ApplyOpError(op, failure).message };
  });
  return { ok: false, error: rootCause(first.error), failedKey: failingOp?.key ?? '', outcomes, revertErrors };
}

/** Groups ops into steps in step order (an empty step number produces no group). */
function bySteps(ops: readonly Op[]): Op[][] {
  const groups: Op[][] = [];
  let last: Op[] | undefined;
  let sorted = true;
  for (const op of ops) {
    if (last !== undefined && (last[0] as Op).step === op.step) last.push(op);
    else {
      if (last !== undefined && (last[0] as Op).step > op.step) sorted = false;
      groups.push((last = [op]));
    }
  }
  // the planner returns ops sorted by step; anything else is grouped the slow way
  return sorted ? groups : byStepsUnsorted(ops);
}

function byStepsUnsorted(ops: readonly Op[]): Op[][] {
  const groups = new Map<number, Op[]>();
  for (const op of ops) {
    const g = groups.get(op.step);
    if (g === undefined) groups.set(op.step, [op]);
    else g.push(op);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/**
 * The channel for one transaction: without stand-ins when it creates more interfaces than a
 * client remembers stand-ins for while the calls and inverses naming them may still be sent.
 */
function withinStandIns(ch: VppChannel, ops: readonly Op[]): VppChannel {
  if (ch.requestIndexed === undefined) return ch;
  let creates = 0;
  for (const op of ops) if (op.op === 'create' && op.item.kind === 'vpp-interface') creates++;
  return creates <= STAND_INS_REMEMBERED / 2 ? ch : { request: (n, b) => ch.request(n, b), dump: (n, b) => ch.dump(n, b) };
}

function sendFollowUps(undo: UndoList, send: SendLater): void {
  try {
    send();
  } catch (err) {
    undo.fail(asError(err));
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

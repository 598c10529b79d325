/**
 * The client's stand-in indexes (binapi/stand-in.ts): handed out with a create sent through a
 * bridge that writes real indexes over them, resolved by that create's reply. A call encoded
 * with stand-ins holds their entries from then on; when it is sent, each gets the real index
 * written in if the reply is in, a patch for the bridge if it is not, or fails the call if the
 * create failed.
 */
import { STAND_INS_REMEMBERED, STAND_IN_MAX, STAND_IN_MIN } from '../binapi/stand-in.js';
import type { ChainPatch } from './chain.js';
import { DependencyFailedError, UnknownStandInError } from './errors.js';
import { forgetOldestAnswered } from './forget.js';

/** A patch for the bridge (a chain table patch before the outbox numbers its frame). */
export type StandInPatch = Omit<ChainPatch, 'frame'>;

/** One stand-in: its create's context and, once known, the index or why there is none. */
export interface StandIn<C> {
  readonly context: number;
  outcome: number | Error | undefined;
  /** Calls sent with a patch for it, to fail if VPP refuses the create. */
  dependents: C[];
}

const NONE: never[] = [];

/** Hands out stand-ins and remembers what they turned into. */
export class StandIns<C> {
  private next = STAND_IN_MIN;
  /** Unanswered stand-ins, never forgotten, then answered ones, forgotten oldest first. */
  private readonly entries = new Map<number, StandIn<C>>();
  private settled = 0;

  /** A fresh stand-in for the create with this context. */
  allocate(context: number): number {
    let v = this.next;
    while (this.entries.has(v)) v = v >= STAND_IN_MAX ? STAND_IN_MIN : v + 1;
    this.next = v >= STAND_IN_MAX ? STAND_IN_MIN : v + 1;
    this.entries.set(v, { context, outcome: undefined, dependents: [] });
    return v;
  }

  /**
   * The entries of the stand-ins at `marks` of a frame just encoded, which the call keeps until
   * it is sent (so forgetting old entries never strands a queued call), or why it cannot go.
   */
  lookup(name: string, frame: Buffer, marks: readonly number[]): StandIn<C>[] | Error {
    const found: StandIn<C>[] = [];
    for (const at of marks) {
      const v = frame.readUInt32BE(at);
      const e = this.entries.get(v);
      if (e === undefined) return new UnknownStandInError(name, v);
      found.push(e);
    }
    return found;
  }

  /**
   * For a call about to be sent: writes the real index over each stand-in whose create has
   * been answered, and returns patches for those still unanswered (the bridge fills them in;
   * `call` joins their dependents), or why the call cannot go.
   */
  fill(name: string, frame: Buffer, marks: readonly number[], found: readonly StandIn<C>[], call: C): StandInPatch[] | Error | undefined {
    let patches: StandInPatch[] | undefined;
    for (let i = 0; i < marks.length; i++) {
      const at = marks[i] as number;
      const e = found[i] as StandIn<C>;
      if (e.outcome instanceof Error) return new DependencyFailedError(name, e.outcome);
      if (e.outcome !== undefined) frame.writeUInt32BE(e.outcome, at);
      else {
        (patches ??= []).push({ at, source: e.context });
        e.dependents.push(call);
      }
    }
    return patches;
  }

  /** The create answered: the index, or the error that means there is none. Returns its dependents. */
  settle(standIn: number, outcome: number | Error): C[] {
    const e = this.entries.get(standIn);
    if (e === undefined || e.outcome !== undefined) return NONE;
    e.outcome = outcome;
    const dependents = e.dependents;
    e.dependents = NONE;
    if (++this.settled > STAND_INS_REMEMBERED) this.settled = forgetOldestAnswered(this.entries, isSettled, this.settled, STAND_INS_REMEMBERED);
    return dependents;
  }
}

function isSettled(e: StandIn<unknown>): boolean {
  return e.outcome !== undefined;
}

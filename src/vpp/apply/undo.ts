/**
 * Recorded inverses. Every successful VPP call (and every name-index change) records the
 * action that takes it back; a failed transaction runs them last-in first-out, so VPP and
 * the index end exactly as before it. Revert failures are collected, never thrown.
 *
 * Calls are pipelined: a realiser sends a call and goes on without waiting for its reply
 * unless it needs the reply's value. VPP executes one client's calls in the order they were
 * sent, so the journal keeps one entry per call in send order, and fills in its inverse
 * when the reply says it succeeded. Calls sent behind a failing one still run in VPP; their
 * inverses are recorded like any other, so a revert takes them back too.
 */

/** One recorded inverse. */
export interface Undo {
  /** What the inverse does, for revert error messages. */
  readonly what: string;
  readonly run: () => Promise<unknown> | void;
}

/** One call or index change of a transaction, in the order VPP saw it; `undo` once it succeeded. */
interface Entry {
  undo: Undo | undefined;
}

/** Every call and index change of one transaction, in send order. */
export class Journal {
  private readonly entries: Entry[] = [];
  private pending: Promise<void>[] = [];
  /** Each owner's earliest failure by send position (a map: the resync has thousands of owners). */
  private readonly failures = new Map<UndoList, { readonly at: number; readonly error: Error }>();

  /** Appends an entry whose inverse (if any) is known now. */
  record(owner: UndoList, undo: Undo | undefined, error?: Error): void {
    this.entries.push({ undo });
    if (error !== undefined) this.noteFailure(owner, this.entries.length - 1, error);
  }

  /** Appends an entry for a call just sent; its inverse is filled in once the call succeeds. */
  track<T>(owner: UndoList, call: Promise<T>, inverse?: (result: T) => Undo): void {
    const e: Entry = { undo: undefined };
    const at = this.entries.push(e) - 1;
    this.pending.push(call.then(
      (r) => void (e.undo = inverse?.(r)),
      (err: unknown) => this.noteFailure(owner, at, asError(err)),
    ));
  }

  /** Resolves once every call sent so far (and any sent meanwhile) has its answer. */
  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch);
    }
  }

  /** Whether any call or realiser failed so far. */
  get anyFailed(): boolean {
    return this.failures.size > 0;
  }

  /** The earliest failure in send order (only calls answered so far are known). */
  firstFailure(): { readonly owner: UndoList; readonly error: Error } | undefined {
    let first: { at: number; owner: UndoList; error: Error } | undefined;
    for (const [owner, f] of this.failures) if (first === undefined || f.at < first.at) first = { ...f, owner };
    return first;
  }

  /** The first failure of one owner in send order, if it had any. */
  failureOf(owner: UndoList): Error | undefined {
    return this.failures.get(owner)?.error;
  }

  private noteFailure(owner: UndoList, at: number, error: Error): void {
    const known = this.failures.get(owner);
    if (known === undefined || at < known.at) this.failures.set(owner, { at, error });
  }

  /** Inverses of everything that succeeded, in send order (run them with `runLifo`). */
  inverses(): Undo[] {
    const out: Undo[] = [];
    for (const e of this.entries) if (e.undo !== undefined) out.push(e.undo);
    return out;
  }
}

/** The calls of one operation: what realisers record into, backed by the transaction's journal. */
export class UndoList {
  constructor(private readonly journal: Journal) {}

  /** Records the inverse of something that already succeeded (e.g. a name-index change). */
  push(what: string, run: () => Promise<unknown> | void): void {
    this.journal.record(this, { what, run });
  }

  /**
   * Tracks a call just sent and returns it, to be awaited only where its reply is needed.
   * `inverse` (absent: nothing to take back, e.g. settings a device deletion removes) is
   * recorded at the call's place in send order once the call succeeds.
   */
  call<T>(sent: Promise<T>, what?: string, inverse?: (result: T) => Promise<unknown> | void): Promise<T> {
    this.journal.track(this, sent, what === undefined || inverse === undefined ? undefined : (r) => ({ what, run: () => inverse(r) }));
    return sent;
  }

  /** Records an error the realiser itself raised (no call involved), unless one of its calls already did. */
  fail(err: Error): void {
    if (this.journal.failureOf(this) !== err) this.journal.record(this, undefined, err);
  }

  /** This operation's first failure. */
  get failure(): Error | undefined {
    return this.journal.failureOf(this);
  }
}

/**
 * Calls a realiser makes once a reply it waited for is in, handed back instead of sent at
 * once so they leave together with the next step's calls (one ZeroMQ message, not two).
 */
export type SendLater = () => void;

/**
 * Runs a realiser on its own (an inverse that re-creates something): waits for every call
 * it sent and throws the first failure, as a one-by-one realiser would have.
 */
export async function realiseAlone(fn: (undo: UndoList) => Promise<SendLater | undefined | void>): Promise<void> {
  const journal = new Journal();
  const undo = new UndoList(journal);
  try {
    (await fn(undo))?.();
  } catch (err) {
    undo.fail(asError(err));
  }
  await journal.settled();
  const f = journal.firstFailure();
  if (f !== undefined) throw f.error;
}

/** An inverse that failed while reverting; attached to the result, never thrown over the original. */
export class RevertError extends Error {
  constructor(what: string, override readonly cause: Error) {
    super(`failed to revert (${what}): ${cause.message}`, { cause });
    this.name = 'RevertError';
  }
}

/** Runs inverses last-in first-out; returns the ones that failed. */
export async function runLifo(entries: readonly Undo[]): Promise<RevertError[]> {
  const errors: RevertError[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const u = entries[i] as Undo;
    try {
      await u.run();
    } catch (err) {
      errors.push(new RevertError(u.what, asError(err)));
    }
  }
  return errors;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

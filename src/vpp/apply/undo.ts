/**
 * Recorded inverses. Every successful VPP call (and every name-index change) pushes the
 * action that takes it back; a failed transaction runs them last-in first-out, so VPP and
 * the index end exactly as before it. Revert failures are collected, never thrown.
 */

/** One recorded inverse. */
export interface Undo {
  /** What the inverse does, for revert error messages. */
  readonly what: string;
  readonly run: () => Promise<unknown> | void;
}

/** The inverses of one operation, in the order their calls succeeded. */
export class UndoList {
  readonly entries: Undo[] = [];

  /** Records the inverse of a call that just succeeded. */
  push(what: string, run: () => Promise<unknown> | void): void {
    this.entries.push({ what, run });
  }
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
      errors.push(new RevertError(u.what, err instanceof Error ? err : new Error(String(err))));
    }
  }
  return errors;
}

/**
 * Typed errors at the store edge, marked retryable or not, so callers decide between
 * "try again after the outage" and "stop: the data cannot be trusted".
 */

/** Base class of every store error; `retryable` tells callers whether waiting can help. */
export abstract class StoreError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The store cannot be reached right now (connection lost, deadline hit); retry later. */
export class StoreUnavailableError extends StoreError {
  readonly retryable = true;
}

/** The persisted data is unreadable (bad file, bad format); retrying will not help. */
export class StoreCorruptError extends StoreError {
  readonly retryable = false;
  constructor(
    /** File or key whose content is corrupt. */
    readonly path: string,
    cause: string,
  ) {
    super(`store file ${path} is corrupt: ${cause}`);
  }
}

/** The store rejected the request itself (bad argument, closed store); retrying will not help. */
export class StoreRequestError extends StoreError {
  readonly retryable = false;
}

/** Text of any thrown value, for "failed to <verb> <thing>: <cause>" messages. */
export function causeText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

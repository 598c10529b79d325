/**
 * Named errors at the bridge edge. Each says whether trying again can help (`retryable`), so
 * callers decide on retries without parsing messages.
 */
import { VppApiError } from '../binapi/errors.js';

/** VPP answered with a non-zero retval: a definite "no" that repeating will not change. */
export class VppRetvalError extends VppApiError {
  readonly retryable = false;
  constructor(
    /** Plain name of the request VPP refused (e.g. `sw_interface_add_del_address`). */
    readonly messageName: string,
    retval: number,
  ) {
    super(retval, `call ${messageName}`);
    this.name = 'VppRetvalError';
  }
}

/** No reply within the call's deadline; VPP may or may not have applied the request. */
export class VppTimeoutError extends Error {
  readonly retryable = true;
  constructor(
    readonly messageName: string,
    readonly timeoutMs: number,
  ) {
    super(`failed to call ${messageName}: no reply within ${timeoutMs} ms`);
    this.name = 'VppTimeoutError';
  }
}

/** The session with VPP ended (bridge gone, VPP restarted, connection dropped, client closed). */
export class BridgeClosedError extends Error {
  readonly retryable = true;
  constructor(
    /** What was being done when the session ended. */
    doing: string,
    /** Why the session ended, in words. */
    readonly reason: string,
  ) {
    super(`failed to ${doing}: bridge session closed: ${reason}`);
    this.name = 'BridgeClosedError';
  }
}

/** VPP's message table lacks a `name_crc` we need: plugin not loaded or a different VPP version. */
export class ProtocolMismatchError extends Error {
  readonly retryable = false;
  constructor(
    /** The `name_crc` keys that were looked up and not found. */
    readonly missing: readonly string[],
  ) {
    super(`failed to resolve VPP messages: not in VPP's message table: ${missing.join(', ')}`);
    this.name = 'ProtocolMismatchError';
  }
}

/** The handshake or a reply broke the contract (undecodable reply, refused registration). */
export class BridgeProtocolError extends Error {
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = 'BridgeProtocolError';
  }
}

/**
 * A call named an interface by the stand-in of a create that failed, so it was never run:
 * VPP refused the create, or the client stopped waiting for it before the call was sent.
 */
export class DependencyFailedError extends Error {
  readonly retryable = false;
  constructor(
    readonly messageName: string,
    /** Why the create failed. */
    override readonly cause: Error,
  ) {
    super(`failed to call ${messageName}: not sent, the create of the interface it names failed: ${cause.message}`, { cause });
    this.name = 'DependencyFailedError';
  }
}

/** A call named a stand-in index this client never handed out, or one too old to remember. */
export class UnknownStandInError extends Error {
  readonly retryable = false;
  constructor(
    readonly messageName: string,
    readonly standIn: number,
  ) {
    super(`failed to call ${messageName}: stand-in index ${standIn} is not one this connection has pending or remembers`);
    this.name = 'UnknownStandInError';
  }
}

/**
 * Typed errors at the codec edge. Decoding never throws (it returns these as values), encoding
 * throws them, and a VPP reply with a negative retval becomes a VppApiError in callers.
 */
import { retvalName } from './retval.js';

/** A frame could not be decoded: short, inconsistent, unknown id, trailing bytes. Not retryable. */
export class BinapiDecodeError extends Error {
  readonly retryable = false;
  constructor(
    message: string,
    /** Machine-readable reason, for tests and counters. */
    readonly reason: 'short' | 'inconsistent' | 'unknown-id' | 'trailing' | 'oversized' | 'internal',
    /** Message name when the id was known. */
    readonly msgName?: string,
  ) {
    super(message);
    this.name = 'BinapiDecodeError';
  }
}

/** A body could not be encoded (value out of range, string too long, wrong shape). */
export class BinapiEncodeError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'BinapiEncodeError';
  }
}

/** The message table has no id for this message: its plugin is not loaded or its CRC differs. */
export class UnknownMessageError extends Error {
  readonly retryable = false;
  constructor(
    /** Plain message name asked for. */
    readonly msgName: string,
    /** The `name_crc` key that was looked up. */
    readonly nameCrc: string,
  ) {
    super(`failed to resolve message ${nameCrc}: not in VPP's message table (plugin not loaded or CRC differs)`);
    this.name = 'UnknownMessageError';
  }
}

/** The socket stream announced a message larger than we accept: the stream is out of sync or hostile. */
export class FrameTooLargeError extends Error {
  readonly retryable = false;
  constructor(
    readonly length: number,
    readonly max: number,
  ) {
    super(`failed to deframe socket message: announced length ${length} exceeds the limit of ${max} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

/** VPP answered a request with a non-zero retval; carries the VNET_API_ERROR name. */
export class VppApiError extends Error {
  readonly retvalName: string;
  constructor(
    /** The raw retval (negative VNET_API_ERROR_* code, or a handler's bare value). */
    readonly retval: number,
    /** What was being done, e.g. "create tap for pod default/web". */
    doing: string,
  ) {
    const n = retvalName(retval);
    super(`failed to ${doing}: VPP returned ${retval} (${n})`);
    this.name = 'VppApiError';
    this.retvalName = n;
  }
}

/**
 * CNI error codes and the typed error every CNI failure travels as, so the server can print
 * the spec's `{"cniVersion","code","msg","details"}` object without guessing a code.
 */

/** Well-known CNI codes (spec 1.1.0 "Error codes") plus ipnet's own (100+). */
export const CniCode = {
  /** The requested cniVersion is not one ipnet speaks, or the command needs a newer one. */
  IncompatibleVersion: 1,
  /** A field of the network configuration is not supported. */
  UnsupportedField: 2,
  /** The container is unknown (never used for DEL). */
  UnknownContainer: 3,
  /** A CNI_* environment variable is missing or malformed. */
  InvalidEnvironment: 4,
  /** Reading or writing failed. */
  IoFailure: 5,
  /** stdin or the forwarder's frame could not be decoded. */
  DecodingFailure: 6,
  /** The network configuration is invalid. */
  InvalidConfig: 7,
  /** The agent is unreachable or busy; the runtime should retry. */
  TryAgainLater: 11,
  /** STATUS: the plugin cannot serve ADD requests now. */
  NotAvailable: 50,
  /** STATUS: not available, and existing pods may have limited connectivity. */
  NotAvailableLimitedConnectivity: 51,
  /** An unexpected failure inside the agent. */
  Internal: 100,
  /** The pod's network namespace cannot be opened or used. */
  NetnsUnusable: 101,
  /** Creating or configuring the pod's interface, address, routes or ARP entry failed. */
  PodWiringFailed: 102,
  /** CHECK found the pod's network different from what ADD configured. */
  CheckFailed: 103,
} as const;

/** One of the codes above (or any other number a handler chooses in the 100+ range). */
export type CniCodeValue = (typeof CniCode)[keyof typeof CniCode] | number;

/** A failure with a CNI code; handlers throw it to choose the code kubelet sees. */
export class CniError extends Error {
  constructor(
    /** CNI error code printed to the runtime. */
    readonly code: CniCodeValue,
    message: string,
    /** Longer explanation (printed as `details`). */
    readonly details = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CniError';
  }
}

/** The JSON object CNI prints on stdout for an error. */
export interface CniErrorBody {
  readonly cniVersion: string;
  readonly code: number;
  readonly msg: string;
  readonly details: string;
}

/** Renders a CniError as the spec's error object for the given output version. */
export function errorBody(err: CniError, cniVersion: string): CniErrorBody {
  return { cniVersion, code: err.code, msg: err.message, details: err.details };
}

/** Text of any thrown value, for "failed to <verb> <thing>: <cause>" messages. */
export function causeText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/**
 * The one thing the VPP API layer needs from a connection: send a request, run a dump. The
 * bridge client satisfies it as is; tests and tools may pass anything shaped the same.
 */

/** A decoded VPP message (field names as in the .api definitions). */
export type VppMsg = Record<string, unknown>;

/** Minimal channel to VPP, so feature modules depend on an interface, not on ZeroMQ. */
export interface VppChannel {
  request(name: string, body?: VppMsg): Promise<VppMsg>;
  dump(name: string, body?: VppMsg): Promise<VppMsg[]>;
  /**
   * Optional: a request creating an interface whose reply names it in `field`, with a stand-in
   * index later calls may use before the reply is in (undefined where the channel cannot).
   */
  requestIndexed?(name: string, body: VppMsg, field: string): { readonly standIn: number | undefined; readonly reply: Promise<VppMsg> };
  /** Optional: the calls made until the current jobs have run travel together. */
  gather?(): void;
}

/** A new interface: a stand-in for its index to use at once (where the channel has one), and the index. */
export interface Created {
  readonly standIn: number | undefined;
  readonly index: Promise<number>;
}

/** Sends a create and words its failure as `attempt` does; the reply's `field` is the new index. */
export function create(ch: VppChannel, doing: string, name: string, body: VppMsg, field = 'sw_if_index'): Created {
  const indexOf = (r: VppMsg): number => num(r, field);
  if (ch.requestIndexed === undefined) return { standIn: undefined, index: attempt(doing, () => ch.request(name, body)).then(indexOf) };
  try {
    const { standIn, reply } = ch.requestIndexed(name, body, field);
    return {
      standIn,
      index: reply.then(indexOf, (err: unknown) => {
        throw callError(doing, err);
      }),
    };
  } catch (err) {
    return { standIn: undefined, index: Promise.reject(callError(doing, err)) };
  }
}

/** u32 "~0": none / all / automatic, depending on the field. */
export const NONE = 0xffffffff;

/** A VPP API call failed; `cause` is what the channel threw (VppRetvalError, timeout, …). */
export class VppApiCallError extends Error {
  constructor(doing: string, override readonly cause: Error) {
    super(`failed to ${doing}: ${cause.message}`, { cause });
    this.name = 'VppApiCallError';
  }
}

/** Runs one channel call and words its failure as "failed to <doing>: <cause>". */
export function attempt<T>(doing: string, call: () => Promise<T>): Promise<T> {
  // not an async function: its frame and extra promise per call were a pod add's largest
  // allocation in this layer; a call that throws before returning its promise still rejects
  try {
    return call().then(undefined, (err: unknown) => {
      throw callError(doing, err);
    });
  } catch (err) {
    return Promise.reject(callError(doing, err));
  }
}

function callError(doing: string, err: unknown): VppApiCallError {
  return new VppApiCallError(doing, err instanceof Error ? err : new Error(String(err)));
}

/** The innermost cause of a chain of wrapped errors: what VPP or the bridge actually said. */
export function rootCause(err: Error): Error {
  let e = err;
  while (e instanceof VppApiCallError) e = e.cause;
  return e;
}

/** Reads a numeric field of a decoded message (0 when absent). */
export function num(m: VppMsg, field: string): number {
  const v = m[field];
  return typeof v === 'number' ? v : 0;
}

/** Reads a string field of a decoded message ('' when absent). */
export function str(m: VppMsg, field: string): string {
  const v = m[field];
  return typeof v === 'string' ? v : '';
}

/** Reads a nested struct of a decoded message ({} when absent). */
export function sub(m: VppMsg, field: string): VppMsg {
  const v = m[field];
  return typeof v === 'object' && v !== null ? (v as VppMsg) : {};
}

/**
 * The shape of a message handler: decoded request in, retval / reply fields / dump details
 * out. The dispatcher adds `context`, names the reply, and sends events afterwards.
 */
import type { Msg } from './fields.js';
import type { SimState } from './state.js';

/** One client registration (one `sockclnt_create`), as handlers need it. */
export interface ClientReg {
  /** The `client_index` handed out (0x80000000 | pool index). */
  readonly index: number;
  /** Set by want_interface_events: the pid to echo in events. */
  interfaceEvents: { pid: number } | undefined;
}

/** What a handler sees besides the request. */
export interface HandlerCtx {
  readonly s: SimState;
  readonly pid: number;
  readonly client: ClientReg;
}

/** One outgoing message before encoding. */
export interface OutMsg {
  readonly name: string;
  readonly body: Msg;
}

/** A handler's answer: replies get `retval` + `reply` fields, dumps get `details`. */
export interface HandlerResult {
  readonly retval?: number;
  readonly reply?: Msg;
  readonly details?: readonly OutMsg[];
}

/** A request handler. */
export type Handler = (ctx: HandlerCtx, m: Msg) => HandlerResult;

/** Shorthand for handlers that only return a retval. */
export const rv = (retval: number): HandlerResult => ({ retval });

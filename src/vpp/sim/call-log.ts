/**
 * Records of the simulator's call log. A record keeps the request as the bytes that came in
 * (a copy, so a sender reusing its buffer cannot change history) and turns them into the
 * plain-JSON summary only when `args` is first read: summarising every request as it was
 * handled cost a fifth of the simulator's time per call, and most records are never read.
 */
import { decode, type MessageTable } from '../binapi/index.js';
import type { Msg } from './fields.js';
import { summarize } from './summary.js';

/** One handled request, as `callLog` records it. */
export interface CallRecord {
  readonly seq: number;
  readonly conn: number;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Reply retval (undefined for dumps). */
  readonly retval: number | undefined;
  /** Whether the retval was injected by a fault rule. */
  readonly injected: boolean;
}

/** A call-log record whose `args` are summarised on first read. */
export class LoggedCall implements CallRecord {
  private frame: Buffer | undefined;
  private body: Msg | undefined;
  private summary: Record<string, unknown> | undefined;

  private constructor(
    readonly seq: number,
    readonly conn: number,
    readonly name: string,
    readonly retval: number | undefined,
    readonly injected: boolean,
    /** The message table the frame was decoded with (a restart brings new ids). */
    private readonly ids: MessageTable | undefined,
  ) {}

  /** A request that arrived as a frame. */
  static ofFrame(seq: number, conn: number, name: string, frame: Buffer, ids: MessageTable, retval: number | undefined, injected: boolean): LoggedCall {
    const rec = new LoggedCall(seq, conn, name, retval, injected, ids);
    rec.frame = Buffer.from(frame);
    return rec;
  }

  /** A request handed over decoded (`VppSimulator.call`). */
  static ofBody(seq: number, conn: number, name: string, body: Msg, retval: number | undefined, injected: boolean): LoggedCall {
    const rec = new LoggedCall(seq, conn, name, retval, injected, undefined);
    rec.body = body;
    return rec;
  }

  get args(): Record<string, unknown> {
    if (this.summary !== undefined) return this.summary;
    let m: Msg = this.body ?? {};
    if (this.frame !== undefined && this.ids !== undefined) {
      // the frame decoded when it was handled, with this table: it decodes the same way now
      const r = decode(this.ids, this.frame, { trailing: 'ignore' });
      if (r.ok) m = r.msg;
    }
    this.summary = summarize(m);
    this.frame = undefined;
    this.body = undefined;
    return this.summary;
  }

  /** The record as plain JSON, `args` included (it lives behind a getter). */
  toJSON(): CallRecord {
    return { seq: this.seq, conn: this.conn, name: this.name, args: this.args, retval: this.retval, injected: this.injected };
  }
}

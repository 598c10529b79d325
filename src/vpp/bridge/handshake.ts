/**
 * The client half of VPP's socket-transport handshake (spec §1.4): `sockclnt_create` with the
 * fixed ID 15, answered by `sockclnt_create_reply` (ID 16) carrying the client index and the
 * `name_crc → id` table. The bridge forwards both unchanged, so this is exactly what a client
 * of `/run/vpp/api.sock` does.
 */
import { randomInt } from 'node:crypto';
import { MessageTable, MEMCLNT_IDS } from '../binapi/table.js';
import { decode, encode, encodeWithId } from '../binapi/wire.js';
import { BridgeProtocolError } from './errors.js';

/** One VPP API registration as seen by the client: valid until VPP restarts or the session ends. */
export interface Session {
  /** VPP's `index` from the handshake, to put in `client_index` of every request. */
  readonly clientIndex: number;
  /** This VPP run's message IDs. */
  readonly table: MessageTable;
}

const bootstrapTable = MessageTable.bootstrap();

/** One handshake attempt: the request to send, and the session it yields (or its failure). */
export class Handshake {
  /** The `sockclnt_create` frame to send. */
  readonly request: Buffer;
  /** Settles once: the session, or why there is none. */
  readonly result: Promise<Session>;
  private readonly context: number;
  private settle: ((s: Session) => void) | undefined;
  private reject: ((err: Error) => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(name: string, timeoutMs: number) {
    // A fresh random context per attempt, so a late reply to an abandoned attempt is ignored.
    this.context = randomInt(1, 0x7fffffff);
    this.request = encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context: this.context, name });
    this.result = new Promise<Session>((resolve, reject) => {
      this.settle = resolve;
      this.reject = reject;
    });
    this.result.catch(() => undefined);
    this.timer = setTimeout(() => this.fail(new BridgeProtocolError(
      `failed to register with VPP: no sockclnt_create_reply within ${timeoutMs} ms`)), timeoutMs);
  }

  /** Offers a frame from VPP; true when it was this handshake's reply (consumed). */
  accept(frame: Buffer): boolean {
    if (this.settle === undefined || frame.length < 10) return false;
    if (frame.readUInt16BE(0) !== MEMCLNT_IDS.sockclnt_create_reply || frame.readUInt32BE(6) !== this.context) return false;
    const d = decode(bootstrapTable, frame);
    if (!d.ok) {
      this.fail(new BridgeProtocolError(`failed to register with VPP: bad sockclnt_create_reply: ${d.error.message}`));
      return true;
    }
    const m = d.msg as { response: number; index: number; message_table: { index: number; name: string }[] };
    if (m.response !== 0) {
      this.fail(new BridgeProtocolError(`failed to register with VPP: sockclnt_create_reply.response = ${m.response}`));
      return true;
    }
    let table: MessageTable;
    try {
      table = MessageTable.fromEntries(m.message_table);
    } catch (err) {
      this.fail(new BridgeProtocolError(`failed to register with VPP: bad message table: ${(err as Error).message}`));
      return true;
    }
    const settle = this.settle;
    this.done();
    settle({ clientIndex: m.index, table });
    return true;
  }

  /** Ends the attempt with an error (no-op once settled). */
  fail(err: Error): void {
    const reject = this.reject;
    if (reject === undefined) return;
    this.done();
    reject(err);
  }

  /** Abandons the attempt silently (client closing or a newer attempt started). */
  cancel(): void {
    this.fail(new BridgeProtocolError('handshake abandoned'));
  }

  private done(): void {
    clearTimeout(this.timer);
    this.settle = undefined;
    this.reject = undefined;
  }
}

/** A request without fields. */
export const EMPTY_BODY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Encodes a request with this session's `client_index` and the call's `context`. The body is
 * encoded as given and the two header fields written in place afterwards, which spares a
 * merged copy of every body; a body that sets them itself takes the merging path so the
 * header still wins without its own values being validated twice.
 */
export function encodeRequest(s: Session, name: string, body: Readonly<Record<string, unknown>>, ctx: number): Buffer {
  if ('client_index' in body || 'context' in body) return encode(s.table, name, { ...body, client_index: s.clientIndex, context: ctx });
  const frame = encode(s.table, name, body);
  const def = s.table.defAt(frame.readUInt16BE(0));
  const ciAt = def?.clientIndexOffset;
  const ctxAt = def?.contextOffset;
  if (ciAt === undefined || ctxAt === undefined) return encode(s.table, name, { ...body, client_index: s.clientIndex, context: ctx });
  frame.writeUInt32BE(s.clientIndex >>> 0, ciAt);
  frame.writeUInt32BE(ctx, ctxAt);
  return frame;
}

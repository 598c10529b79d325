/**
 * Message definitions: the header shape per message kind (spec §1.2) plus the body fields,
 * keyed by VPP 24.02 `name_crc`. The header fields (`client_index`, `context`, `retval`, `pid`)
 * are ordinary fields of the struct, so callers see and set them like any other.
 */
import { i32, u32, type Codec } from './codec.js';
import { struct, type Fields, type StructIn, type StructOut } from './struct.js';

/** Header shape of a message (§1.2); `bootstrap` messages spell their header out themselves. */
export type MessageKind = 'request' | 'reply' | 'details' | 'event' | 'bootstrap';

/** A message layout before it is bound to its name in the registry. */
export interface MessageProto<Out, In> {
  readonly kind: MessageKind;
  /** The 8 lowercase hex digits VPP's API compiler gives this layout. */
  readonly crc: string;
  /** Everything after `_vl_msg_id`, header fields included. */
  readonly codec: Codec<Out, In>;
  /** Byte offset of `context` counted from the start of the message (`_vl_msg_id` at 0). */
  readonly contextOffset: number | undefined;
  /** Byte offset of `client_index`, for a bridge that rewrites it in place. */
  readonly clientIndexOffset: number | undefined;
  /** Byte offsets of the fields up to the first one of variable size, counted as `contextOffset`. */
  readonly fieldOffsets: Readonly<Record<string, number>>;
  /** 24.02 marks it deprecated (still served; the simulator answers it, the agent avoids it). */
  readonly deprecated: boolean;
}

/** A registered message: its layout plus the names VPP knows it by. */
export interface MessageDef<N extends string = string, Out = Record<string, unknown>, In = Record<string, unknown>> extends MessageProto<Out, In> {
  readonly name: N;
  /** `<name>_<crc>`, the key of the handshake's message table. */
  readonly nameCrc: string;
}

interface Opts {
  readonly deprecated?: boolean;
}

function proto<F extends Fields>(kind: MessageKind, crc: string, name: string, fields: F, opts?: Opts): MessageProto<StructOut<F>, StructIn<F>> {
  if (!/^[0-9a-f]{8}$/.test(crc)) throw new Error(`bad definition: crc ${crc} of ${name}`);
  const offsets: Record<string, number> = {};
  let off = 2;
  for (const [fname, c] of Object.entries(fields)) {
    offsets[fname] = off;
    if (c.fixed === undefined) break;
    off += c.fixed;
  }
  return {
    kind, crc, codec: struct(name, fields), contextOffset: offsets.context,
    clientIndexOffset: offsets.client_index, fieldOffsets: Object.freeze(offsets), deprecated: opts?.deprecated === true,
  };
}

type ReqHeader = { client_index: typeof u32; context: typeof u32 };
type ReplyHeader = { context: typeof u32; retval: typeof i32 };
type DetailsHeader = { context: typeof u32 };
type EventHeader = { client_index: typeof u32; pid: typeof u32 };

/** Request: `_vl_msg_id u16, client_index u32, context u32`, then the body. */
export function request<F extends Fields>(crc: string, fields: F, opts?: Opts): MessageProto<StructOut<ReqHeader & F>, StructIn<ReqHeader & F>> {
  return proto('request', crc, 'request', { client_index: u32, context: u32, ...fields }, opts);
}

/** Reply: `_vl_msg_id u16, context u32, retval i32`, then the body. */
export function reply<F extends Fields>(crc: string, fields: F, opts?: Opts): MessageProto<StructOut<ReplyHeader & F>, StructIn<ReplyHeader & F>> {
  return proto('reply', crc, 'reply', { context: u32, retval: i32, ...fields }, opts);
}

/** Dump stream element: `_vl_msg_id u16, context u32` — no retval. */
export function details<F extends Fields>(crc: string, fields: F, opts?: Opts): MessageProto<StructOut<DetailsHeader & F>, StructIn<DetailsHeader & F>> {
  return proto('details', crc, 'details', { context: u32, ...fields }, opts);
}

/** Unsolicited event: `_vl_msg_id u16, client_index u32, pid u32` — no context. */
export function event<F extends Fields>(crc: string, fields: F, opts?: Opts): MessageProto<StructOut<EventHeader & F>, StructIn<EventHeader & F>> {
  return proto('event', crc, 'event', { client_index: u32, pid: u32, ...fields }, opts);
}

/** Handshake messages whose header does not follow the request/reply shapes (§1.2 "bootstrap"). */
export function bootstrap<F extends Fields>(crc: string, fields: F, opts?: Opts): MessageProto<StructOut<F>, StructIn<F>> {
  return proto('bootstrap', crc, 'bootstrap', fields, opts);
}

/** Attaches names to protos; the registry's keys are the message names. */
export function bind<T extends Record<string, MessageProto<unknown, unknown>>>(protos: T): {
  [K in keyof T & string]: T[K] extends MessageProto<infer O, infer I> ? MessageDef<K, O, I> : never;
} {
  const out: Record<string, MessageDef<string, unknown, unknown>> = {};
  for (const [name, p] of Object.entries(protos)) {
    const shape = p.codec.shape;
    const codec = shape.t === 'struct' ? { ...p.codec, shape: { ...shape, name } } : p.codec;
    out[name] = Object.freeze({ ...p, codec, name, nameCrc: `${name}_${p.crc}` });
  }
  return Object.freeze(out) as never;
}

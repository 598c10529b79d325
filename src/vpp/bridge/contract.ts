/**
 * The one wire contract between the agent (ZeroMQ DEALER) and `ipnet-vpp-bridge` (ZeroMQ
 * ROUTER). Everything that crosses that hop is described here; both ends import it.
 *
 * Data messages. A ZeroMQ message from a client carries one or more frames, and each frame is
 * exactly one VPP binary-API message as VPP itself carries it: from `_vl_msg_id` on, big-endian,
 * without the 16-byte socket header and never re-encoded. Several frames in one ZeroMQ message
 * are a batch; the bridge hands them to VPP in order. The ROUTER sees `[identity, ...frames]`.
 * Messages from VPP travel back the same way, batched per turn of the bridge's event loop.
 *
 * Session. Each DEALER identity owns one backend session (one VPP API registration). A
 * session is opened by the client's `sockclnt_create` (fixed ID 15) and VPP's
 * `sockclnt_create_reply` (ID 16) carries the message table (`name_crc` → ID) exactly as VPP's
 * socket transport does, so the client resolves IDs as it would against VPP.
 *
 * Matching. Replies and details carry the request's `context` (copied byte-for-byte by VPP).
 * A dump is sent followed by `control_ping` with the same context; its details end with that
 * context's `control_ping_reply`, whose `vpe_pid` changing means VPP restarted.
 *
 * Control messages. A ZeroMQ message whose first frame is empty is not VPP traffic (a VPP
 * message is never empty): `[<empty>, <code: 1 byte>, <detail: UTF-8, optional>]`.
 *
 * Chained data messages (client → bridge, once the bridge has announced `chain` in Features):
 * `[<empty>, <Chain>, <table>, ...frames]`. The frames are VPP traffic as above; the table
 * (chain.ts) lets a frame name an interface that an earlier call creates before VPP has
 * answered that call: the bridge writes the index from that call's reply over the stand-in,
 * holding the session's frames behind it until the reply is in, and drops the frame instead
 * when the reply carries an error (the client fails such calls itself).
 */
import { MEMCLNT_IDS } from '../binapi/table.js';

/** The fixed IDs the bridge itself looks at (spec §1.4); everything else comes from the table. */
export const MEMCLNT_ID = MEMCLNT_IDS;

/** Smallest VPP message the bridge forwards: `_vl_msg_id` + `context` (the bootstrap header). */
export const MIN_FRAME_BYTES = 6;

/** Codes of control messages; the direction is part of the name. */
export enum ControlCode {
  /** bridge → client: the backend session ended; detail is `<kind>: <message>` (kind from CloseReason). */
  SessionClosed = 1,
  /** bridge → client: VPP traffic arrived for an identity without a session (send sockclnt_create first). */
  NoSession = 2,
  /** bridge → client: frames were dropped because they cannot be VPP messages; detail says which. */
  Malformed = 3,
  /** bridge → client: the backend session could not be opened; detail is the cause. */
  BackendUnavailable = 4,
  /** bridge → client, first thing on a new session: what this bridge does beyond forwarding, as space-separated words. */
  Features = 5,
  /** client → bridge: close my session (the polite disconnect). */
  Bye = 16,
  /** client → bridge: a chained data message (see above); never sent without the detail frames. */
  Chain = 17,
}

/** The Features word of chained data messages. */
export const FEATURE_CHAIN = 'chain';

/**
 * Answered sources a bridge keeps for patches still to come. A client writes the index in
 * itself once it has the reply, and has at most its window of calls unanswered, so one whose
 * window is at most half this never names a forgotten source.
 */
export const CHAIN_SOURCES_KEPT = 8192;

/** A parsed control message. */
export interface ControlMessage {
  readonly code: ControlCode;
  readonly detail: string;
}

const EMPTY = Buffer.alloc(0);

/** Builds the frames of a control message (without the ROUTER identity). */
export function encodeControl(code: ControlCode, detail = ''): Buffer[] {
  const frames = [EMPTY, Buffer.from([code])];
  if (detail !== '') frames.push(Buffer.from(detail, 'utf8'));
  return frames;
}

/** True when a ZeroMQ message (identity removed) is a control message rather than VPP traffic. */
export function isControl(frames: readonly Buffer[]): boolean {
  return frames.length > 0 && (frames[0] as Buffer).length === 0;
}

/**
 * Parses a control message; `undefined` for a bare empty frame (a ZeroMQ probe) or an unknown
 * code, which both ends ignore so that newer peers can add codes.
 */
export function parseControl(frames: readonly Buffer[]): ControlMessage | undefined {
  const codeFrame = frames[1];
  if (!isControl(frames) || codeFrame === undefined || codeFrame.length !== 1) return undefined;
  const code = codeFrame[0] as number;
  if (!(code in ControlCode) || typeof ControlCode[code] !== 'string') return undefined;
  return { code: code as ControlCode, detail: frames[2]?.toString('utf8') ?? '' };
}

/** Reads `_vl_msg_id`; the caller has checked the frame holds at least two bytes. */
export function frameMsgId(frame: Buffer): number {
  return frame.readUInt16BE(0);
}

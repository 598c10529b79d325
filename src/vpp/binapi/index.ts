/**
 * The VPP binary-API codec: message definitions (24.02), id resolution, encode/decode and the
 * socket framing. Pure: no I/O, so the agent, the bridge and the simulator share it.
 *
 * Decisions callers rely on:
 * - Only memclnt ids are fixed (MEMCLNT_IDS); every other id comes from a MessageTable built
 *   from the handshake, and encoding a message the table lacks throws UnknownMessageError.
 * - `decode` never throws. By default it also refuses bytes after the last field (our peer
 *   speaks our layouts, so a tail means skew); `{ trailing: 'ignore' }` accepts them as VPP does.
 * - Counts and string lengths are checked against the bytes left before anything is allocated.
 * - Decoded byte fields are copies; decoded objects never alias the frame.
 */
export * from './errors.js';
export * from './retval.js';
export * from './codec.js';
export * from './struct.js';
export type { StructReader } from './fast-read.js';
export * from './types.js';
export { STAND_INS_REMEMBERED, STAND_IN_MAX, STAND_IN_MIN, encodeMarkingStandIns, isStandIn } from './stand-in.js';
export * from './define.js';
export * from './registry.js';
export * from './table.js';
export * from './wire.js';
export * from './socket.js';
export * from './addr.js';

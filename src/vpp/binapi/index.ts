/**
 * The VPP binary-API codec: message definitions (24.02), id resolution, encode/decode and the
 * socket framing. Pure: no I/O, so the agent, the bridge and the simulator share it.
 */
export * from './errors.js';
export * from './retval.js';
export * from './codec.js';
export * from './struct.js';
export * from './types.js';
export * from './define.js';
export * from './registry.js';
export * from './table.js';
export * from './wire.js';
export * from './socket.js';
export * from './addr.js';

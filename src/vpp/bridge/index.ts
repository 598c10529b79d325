/**
 * The bridge's public surface: the agent imports the client and the error classes from here;
 * `ipnet-vpp-bridge` imports the server. The wire contract itself is in contract.ts.
 */
export { BridgeClient, DEFAULT_MAX_BATCH, type BatchCall, type BatchResult, type BridgeClientOptions } from './client.js';
export type { CallOptions, Msg } from './calls.js';
export type { BridgeClientEvents } from './events.js';
export type { Session } from './handshake.js';
export { BridgeClosedError, BridgeProtocolError, ProtocolMismatchError, VppRetvalError, VppTimeoutError } from './errors.js';
export { BridgeServer, type BridgeServerOptions, type BridgeServerStats } from './server.js';
export { ControlCode, type ControlMessage } from './contract.js';

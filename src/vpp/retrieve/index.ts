/** Retrieve: VPP dumps → ipnet items and the name index; HTTP bodies for inspection. */
export * from './retrieve.js';
export { EarlyDump } from './early-dump.js';
export * from './bodies.js';
export { RETRIEVED_OWNER } from './adopt.js';
export { addressPrefixes } from './routes.js';

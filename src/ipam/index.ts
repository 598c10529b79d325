/** Public surface of the pure IPAM layer: one import for the desired-state builders and actors. */
export * from './errors.js';
export * from './ipv4.js';
export * from './subnets.js';
export * from './addressing.js';
export * from './pool.js';
export * from './rebuild.js';
export * from './rest.js';

/** Public surface of the desired-state layer: model, builders, lookups and the planner. */
export * from './model.js';
export * from './keys.js';
export * from './naming.js';
export * from './inputs.js';
export * from './items.js';
export * from './itemset.js';
export * from './descriptors.js';
export * from './node.js';
export * from './peer.js';
export * from './pod.js';
export * from './custom.js';
export * from './state.js';
export * from './lookup.js';
export * from './from-ipam.js';
export * from './from-config.js';
export * from './stn.js';
export * from './plan.js';

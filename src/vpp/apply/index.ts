/** Apply: planner ops → VPP calls, transactional with recorded inverses. */
export * from './apply.js';
export * from './context.js';
export * from './layers.js';
export * from './undo.js';
export { routeOf, neighborConfigOf } from './l3.js';
export { isPhysical, vxlanSpec } from './interface.js';
export * from './resync.js';

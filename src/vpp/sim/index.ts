/**
 * The simulated VPP's public surface: the backend, the shared underlay and tracer, the
 * optional real-TAP host effect and the retval names, for the bridge, the agent and tests.
 */
export { VppSimulator, type CallRecord, type SimStats, type SimulatorOptions } from './simulator.js';
export { Underlay } from './underlay.js';
export { traceFrom, type TraceHop, type TracePacket, type TraceResult } from './trace.js';
export { linuxTapHost, HostTapError } from './linux-host.js';
export { RV, NONE } from './retval.js';
export type { SimSnapshot } from './snapshot.js';
export type { SimHostView, HostTapSpec } from './state.js';

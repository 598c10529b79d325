/** The thin typed VPP API layer: one module per feature over a minimal channel. */
export * from './channel.js';
export * from './names.js';
export * from './interfaces.js';
export * from './tap.js';
export * from './afpacket.js';
export * from './loopback.js';
export * from './vxlan.js';
export * from './ip.js';
export * from './neighbors.js';
export * from './proxyarp.js';
export * from './l2.js';
export * from './stn.js';

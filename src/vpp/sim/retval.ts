/**
 * The simulator answers with the codec's retval table (one source for the numbers the agent
 * compares against), under the short name the feature code reads like the spec with.
 */
export { Retval as RV } from '../binapi/retval.js';

/** The "none" value of u32 fields (`~0`). */
export { NONE_U32 as NONE } from '../binapi/types.js';

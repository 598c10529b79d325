/** The config module's public surface: types, the pure compiler, and the file/CLI edge. */
export type * from './types.js';
export { compileConfig, deepFreeze, type ConfigEnv, type LoadResult } from './compile.js';
export { parseConfigText } from './parse.js';
export { loadConfigFile, runCheckConfig, checkConfigErrorExit, processConfigEnv } from './load.js';
export { formatProblem } from './problems.js';

/**
 * ip-num, loaded through `require`. It ships as CommonJS whose index re-exports twelve
 * files with `__exportStar`; an ESM `import` of it makes Node lex every one of them for
 * named exports on top of running them, ~160 ms at each process start against ~30 ms for
 * `require` (Node 20, measured min of 7 cold starts), a tenth of the agent's start-up.
 * The types still come from the package's own declarations.
 */
import { createRequire } from 'node:module';

type IpNum = typeof import('ip-num');
const ipNum = createRequire(import.meta.url)('ip-num') as IpNum;

export const { IPv4, IPv4CidrRange, IPv4Prefix, Validator } = ipNum;
export type IPv4 = import('ip-num').IPv4;
export type IPv4CidrRange = import('ip-num').IPv4CidrRange;
export type IPv4Prefix = import('ip-num').IPv4Prefix;

/**
 * The I/O edge of configuration: reading the file and the `--check-config` CLI helper. All
 * decisions live in the pure compiler; this file only fetches bytes and prints lines.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { compileConfig, type ConfigEnv, type LoadResult } from './compile.js';
import { parseConfigText } from './parse.js';
import { formatProblem } from './problems.js';

/** Exit code of `--check-config` when the config has errors (2, like a usage error). */
export const checkConfigErrorExit = 2;

/** The node identity of this process (env NODE_NAME, the hostname), read once at start. */
export function processConfigEnv(): ConfigEnv {
  return { NODE_NAME: process.env['NODE_NAME'], hostname: hostname() };
}

/** Loads a config file; `undefined` means "no file": the built-in defaults. Never throws. */
export async function loadConfigFile(path: string | undefined, env: ConfigEnv): Promise<LoadResult> {
  if (path === undefined) return compileConfig({}, env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    return {
      config: undefined,
      problems: Object.freeze([Object.freeze({ severity: 'error' as const, key: path, value: undefined, reason: `failed to read config file: ${cause}` })]),
    };
  }
  return parseConfigText(text, env, path);
}

/**
 * Validates a config file for `ipnet-agent --check-config`: prints every problem and a
 * summary, returns 2 on any error and 0 otherwise (warnings alone do not fail).
 */
export async function runCheckConfig(path: string, env: ConfigEnv, out: (line: string) => void): Promise<number> {
  const { config, problems } = await loadConfigFile(path, env);
  for (const p of problems) out(formatProblem(p));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (config === undefined) {
    out(`${path}: invalid (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`);
    return checkConfigErrorExit;
  }
  out(`${path}: valid (${warnings} warning${warnings === 1 ? '' : 's'}) for node ${config.nodeName}`);
  return 0;
}

/**
 * Runs iproute2 in batch mode inside one network namespace: one `ip` process per pod
 * operation instead of one per command, arguments passed as argv (never through a shell) and
 * every batch token checked so input can never add commands to the batch.
 */
import { spawn } from 'node:child_process';
import type { NetnsRef } from './netns-path.js';

/** The namespace a batch runs in: the agent's own (host) or a pod's. */
export type BatchTarget = { readonly kind: 'host' } | NetnsRef;

/** The host network namespace (where the agent runs). */
export const HOST: BatchTarget = { kind: 'host' };

/** A batch that failed; `failedLine` is 1-based (0 when ip did not say which line). */
export class IpBatchError extends Error {
  constructor(
    readonly target: string,
    readonly failedLine: number,
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`failed to run ip batch in ${target}${command ? ` at "${command}"` : ''}: ${stderr.trim().split('\n')[0] || `exit code ${exitCode}`}`);
    this.name = 'IpBatchError';
  }
}

/** Output of a batch that ran (under `force`, also one that had failing lines). */
export interface BatchOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Options of `runIpBatch`. */
export interface BatchOptions {
  /**
   * Keep going after a failing line (`ip -force`); the result then carries the errors. Note
   * that a failing `neigh` command exits ip at once even then: put it last.
   */
  readonly force?: boolean;
  /** `-j -d`: JSON output with link details, one JSON document per command line. */
  readonly json?: boolean;
  readonly timeoutMs?: number;
}

const TOKEN = /^[A-Za-z0-9_.:/@+-]+$/;

/** Joins tokens into one batch line; throws on any token that ip's tokenizer could misread. */
export function batchLine(...tokens: ReadonlyArray<string | number>): string {
  return tokens.map((t) => {
    const s = String(t);
    if (!TOKEN.test(s)) throw new Error(`refusing ip batch token ${JSON.stringify(s)}`);
    return s;
  }).join(' ');
}

/** Human name of a target for messages. */
export function targetName(t: BatchTarget): string {
  return t.kind === 'host' ? 'host netns' : `netns ${t.path}`;
}

function argv(t: BatchTarget, opts: BatchOptions): [string, string[]] {
  const flags = [...(opts.json ? ['-j', '-d'] : []), ...(opts.force ? ['-force'] : []), '-batch', '-'];
  if (t.kind === 'host') return ['ip', flags];
  if (t.kind === 'named') return ['ip', ['-n', t.name, ...flags]];
  return ['nsenter', [`--net=${t.path}`, '--', 'ip', ...flags]];
}

/** Runs `lines` in one ip process; rejects with IpBatchError unless it exits 0 (or `force`). */
export function runIpBatch(target: BatchTarget, lines: readonly string[], opts: BatchOptions = {}): Promise<BatchOutput> {
  const [cmd, args] = argv(target, opts);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 10_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.on('error', () => undefined);
    child.once('error', (err) => reject(new IpBatchError(targetName(target), 0, '', `cannot run ${cmd}: ${err.message}`, null)));
    child.once('close', (code) => {
      if (code === 0 || (opts.force && code !== null)) {
        resolve({ stdout, stderr, exitCode: code });
        return;
      }
      const m = /Command failed -:(\d+)/.exec(stderr);
      const n = m ? Number(m[1]) : 0;
      reject(new IpBatchError(targetName(target), n, lines[n - 1] ?? '', stderr, code));
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

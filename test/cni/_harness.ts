/**
 * Shared pieces of the CNI and Linux tests: the compiled forwarder (built on demand), running
 * it exactly as kubelet does, throw-away network namespaces, and unique container IDs.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExecutionContext } from 'ava';

const run = promisify(execFile);
const root = repoRoot();

/**
 * The nearest directory above this file that holds native/: not a fixed two levels up, as
 * `npm run bench cni` runs this file compiled from a tree under node_modules/.cache.
 */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'native', 'build.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no native/build.sh in ${here} or above it`);
  }
}

/** Path of the compiled forwarder. */
export const PLUGIN = join(root, 'native', 'build', 'ipnet-cni');

/** Builds native/build/ipnet-cni when missing or older than its sources. */
export async function ensurePlugin(): Promise<string> {
  const sources = ['ipnet-cni.c', 'json-top.h'].map((f) => statSync(join(root, 'native', f)).mtimeMs);
  if (!existsSync(PLUGIN) || statSync(PLUGIN).mtimeMs < Math.max(...sources)) {
    await run('sh', [join(root, 'native', 'build.sh')]);
  }
  return PLUGIN;
}

/** What one plugin run printed and returned. */
export interface PluginRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** stdout parsed as JSON, or undefined when empty / not JSON. */
  readonly json: Record<string, unknown> | undefined;
}

/** Runs a CNI plugin binary with only the given environment (plus PATH) and stdin. */
export function runPlugin(binary: string, env: Record<string, string>, stdin: string | Buffer): Promise<PluginRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(binary, [], { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.stdin.on('error', () => undefined);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ exitCode, stdout, stderr, ms: performance.now() - t0, json });
    });
    child.stdin.end(stdin);
  });
}

/** A container ID unique across parallel test files (its first 15 chars name the host veth). */
export function containerId(): string {
  return randomBytes(16).toString('hex');
}

/** Creates a named netns removed at teardown; returns its name and path. */
export async function tempNetns(t: ExecutionContext, label: string): Promise<{ name: string; path: string }> {
  const name = `ipnt-${label}-${randomBytes(4).toString('hex')}`;
  await run('ip', ['netns', 'add', name]);
  t.teardown(async () => { await run('ip', ['netns', 'del', name]).catch(() => undefined); });
  return { name, path: `/var/run/netns/${name}` };
}

/** A temp dir removed at teardown (for sockets). */
export async function tempDir(t: ExecutionContext, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ipnet-${label}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Deletes a host link at teardown if a failing test left it. */
export function cleanupLink(t: ExecutionContext, name: string): void {
  t.teardown(async () => { await run('ip', ['link', 'del', 'dev', name]).catch(() => undefined); });
}

/** Runs `ip` with arguments (no shell) and returns stdout. */
export async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** Parses `ip -j …` output. */
export async function ipJson(...args: string[]): Promise<Record<string, unknown>[]> {
  return JSON.parse((await run('ip', ['-j', ...args])).stdout || '[]') as Record<string, unknown>[];
}

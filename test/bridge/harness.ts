/** Shared set-up of the bridge tests: temp dirs, bridges and clients torn down with the test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import type { VppBackend } from '../../src/vpp/backend.js';
import { BridgeClient, type BridgeClientOptions } from '../../src/vpp/bridge/client.js';
import { BridgeServer } from '../../src/vpp/bridge/server.js';
import { until as pollUntil } from '../helpers/until.js';

/** A fresh temp dir removed after the test. */
export async function tempDir(t: ExecutionContext, prefix = 'ipnet-bridge-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A bridge on an ipc:// socket in a temp dir, closed after the test. */
export async function startBridge(t: ExecutionContext, backend: VppBackend, dir?: string): Promise<BridgeServer> {
  const d = dir ?? (await tempDir(t));
  const server = await BridgeServer.start({ listen: `ipc://${join(d, 'bridge.sock')}`, backend });
  t.teardown(() => server.close());
  return server;
}

/** A connected client, closed after the test. */
export async function connectClient(t: ExecutionContext, endpoint: string, opts: BridgeClientOptions = {}): Promise<BridgeClient> {
  const c = await BridgeClient.connect(endpoint, { timeoutMs: 3000, ...opts });
  t.teardown(() => c.close());
  return c;
}

/** Waits until `pred` holds, polling; fails with `what` after `ms`. */
export function until(pred: () => boolean, what: string, ms = 3000): Promise<void> {
  return pollUntil(what, pred, ms, 5);
}

/** Resolves with the next emission of a client event. */
export function nextEvent<K extends 'connected' | 'disconnected' | 'restart'>(c: BridgeClient, event: K, ms = 3000): Promise<Parameters<Parameters<BridgeClient['on']>[1]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${ms} ms`)), ms);
    const off = c.on(event, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Plain JSON of decoded messages minus per-connection header fields, for comparisons. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return [...v];
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'context' && k !== 'client_index') out[k] = plain(x);
    return out;
  }
  return v;
}

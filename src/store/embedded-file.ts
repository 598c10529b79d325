/**
 * On-disk snapshot of the embedded store: one JSON file replaced atomically (temp file,
 * fsync, rename, fsync dir), so a crash at any point leaves either the old or the new state.
 * It is written at compaction; the writes since then are in the log (embedded-log.ts).
 */
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir } from './embedded-log.js';
import { StoreCorruptError, StoreRequestError, causeText } from './errors.js';

const FORMAT = 'ipnet-embedded-store';
/** Version 2 adds `logSeq`; a version 1 file (the whole store, no log) reads as logSeq 0. */
const VERSION = 2;

/** One stored pair as persisted (`lease` is the owning lease id, if any). */
export interface StoredKV {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly lease?: string;
}

/** One lease as persisted: wall-clock expiry so a reopen after a long stop expires it. */
export interface StoredLease {
  readonly id: string;
  readonly ttlSeconds: number;
  readonly expiresAtMs: number;
}

/** Everything the embedded store needs to come back after a restart. */
export interface Snapshot {
  /** Last log record folded into this snapshot: replay starts after it. */
  readonly logSeq: number;
  readonly revision: number;
  readonly nextLeaseId: number;
  readonly kvs: readonly StoredKV[];
  readonly leases: readonly StoredLease[];
}

/** Snapshot of a store that was never written. */
export const emptySnapshot: Snapshot = { logSeq: 0, revision: 1, nextLeaseId: 1, kvs: [], leases: [] };

const tempPrefix = (path: string) => `${basename(path)}.tmp-`;

/**
 * Reads the snapshot at `path`; a missing file is an empty store. Leftover temp files of an
 * interrupted write are removed (they never replaced the real file, so they carry nothing).
 */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(tempPrefix(path))).map((n) => unlink(join(dir, n)).catch(() => undefined)));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptySnapshot;
    throw new StoreCorruptError(path, `failed to read: ${causeText(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StoreCorruptError(path, `not valid JSON (${text.length} bytes): ${causeText(err)}`);
  }
  return validate(path, doc);
}

function validate(path: string, doc: unknown): Snapshot {
  const fail = (why: string): never => {
    throw new StoreCorruptError(path, why);
  };
  if (typeof doc !== 'object' || doc === null) return fail('top level is not an object');
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT || (d.version !== 1 && d.version !== VERSION)) return fail(`unknown format ${String(d.format)}/${String(d.version)}`);
  const { revision, nextLeaseId, kvs, leases } = d;
  const logSeq = d.version === 1 ? 0 : d.logSeq;
  if (typeof logSeq !== 'number' || !Number.isSafeInteger(logSeq) || logSeq < 0) return fail('logSeq is not a non-negative integer');
  if (!isCount(revision) || !isCount(nextLeaseId)) return fail('revision or nextLeaseId is not a positive integer');
  if (!Array.isArray(kvs) || !Array.isArray(leases)) return fail('kvs or leases is not an array');
  for (const [i, kv] of kvs.entries()) {
    const k = kv as Record<string, unknown>;
    if (typeof k.key !== 'string' || typeof k.value !== 'string' || !isCount(k.createRevision) || !isCount(k.modRevision)
      || (k.lease !== undefined && typeof k.lease !== 'string')) {
      return fail(`kvs[${i}] is malformed`);
    }
  }
  for (const [i, l] of leases.entries()) {
    const x = l as Record<string, unknown>;
    if (typeof x.id !== 'string' || typeof x.ttlSeconds !== 'number' || typeof x.expiresAtMs !== 'number') {
      return fail(`leases[${i}] is malformed`);
    }
  }
  return { logSeq, revision, nextLeaseId, kvs: kvs as StoredKV[], leases: leases as StoredLease[] };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

let tempSeq = 0;

/** Replaces the file at `path` with `snap`, durable when the promise resolves. */
export async function saveSnapshot(path: string, snap: Snapshot): Promise<void> {
  const body = JSON.stringify({ format: FORMAT, version: VERSION, ...snap });
  const tmp = join(dirname(path), `${tempPrefix(path)}${process.pid}-${++tempSeq}`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(body, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  // The rename itself is only durable once the directory entry is flushed.
  await syncDir(dirname(path));
}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `path` for this process (lock file `<path>.lock` holding the pid): two writers on one
 * file would silently overwrite each other's snapshots. A lock left by a dead process is taken
 * over, so a crashed agent restarts cleanly. Returns the release function.
 */
export async function lockStoreFile(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  if (heldHere.has(path)) throw new StoreRequestError(`failed to open embedded store ${path}: already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      heldHere.add(path);
      return async () => {
        heldHere.delete(path);
        await unlink(lock).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreRequestError(`failed to lock embedded store ${path}: ${causeText(err)}`, { cause: err });
      }
      const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new StoreRequestError(`failed to open embedded store ${path}: in use by process ${owner}`);
      }
      await unlink(lock).catch(() => undefined);
    }
  }
  throw new StoreRequestError(`failed to lock embedded store ${path}: lock file ${lock} keeps reappearing`);
}

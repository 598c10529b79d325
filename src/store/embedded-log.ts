/**
 * Write-ahead log of the embedded store: each write batch is one framed record appended to
 * `<store path>.log` and made durable with one fdatasync, so a write costs its own bytes, not
 * the whole data set. Frame: u32 payload length, u32 CRC-32 of the payload (little endian),
 * then the payload (JSON of a LogRecord). A crash mid-append leaves a torn last frame: it is
 * detected by length or checksum and cut off, since its writers were never answered.
 */
import { constants } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreCorruptError, causeText } from './errors.js';

/** One change inside a batch, in the order it was applied. */
export type LogOp =
  /** put `k`=`v` at revision `r`, under lease `l` if set */
  | { readonly p: string; readonly v: string; readonly r: number; readonly l?: string }
  /** delete `k` */
  | { readonly d: string }
  /** grant lease `g` with its ttl and wall-clock expiry */
  | { readonly g: string; readonly ttl: number; readonly exp: number }
  /** forget lease `x` (its keys are deleted by `d` ops of the same batch) */
  | { readonly x: string };

/** One appended batch: its sequence number, the counters after it, and its ops. */
export interface LogRecord {
  readonly seq: number;
  readonly revision: number;
  readonly nextLeaseId: number;
  readonly ops: readonly LogOp[];
}

const HEADER = 8;

/** Path of the log that belongs to the snapshot at `path`. */
export const logPathOf = (path: string): string => `${path}.log`;

/** The framed bytes of one record, ready to append. */
export function encodeFrame(rec: LogRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(rec), 'utf8');
  const frame = Buffer.allocUnsafe(HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, HEADER);
  return frame;
}

/** What a log file holds: its intact records and the byte length they span. */
export interface LogContents {
  readonly records: readonly LogRecord[];
  /** Bytes of intact frames; anything after them is a torn tail to cut off. */
  readonly validBytes: number;
  readonly totalBytes: number;
}

type Frame = { readonly ok: true; readonly payload: Buffer; readonly end: number } | { readonly ok: false };

function frameAt(buf: Buffer, at: number): Frame {
  if (buf.length - at < HEADER) return { ok: false };
  const len = buf.readUInt32LE(at);
  const end = at + HEADER + len;
  // an all-zero header (a tail extended but never written) also fails here: payloads are never empty
  if (len === 0 || end > buf.length) return { ok: false };
  const payload = buf.subarray(at + HEADER, end);
  return crc32(payload) === buf.readUInt32LE(at + 4) ? { ok: true, payload, end } : { ok: false };
}

/**
 * Reads the log at `path` (missing = empty). A bad frame is a torn tail when nothing intact
 * follows it; an intact frame after a bad one means damage in the middle, which would lose
 * acknowledged writes, so it is reported as StoreCorruptError instead of being dropped.
 */
export async function readLog(path: string): Promise<LogContents> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, totalBytes: 0 };
    throw new StoreCorruptError(path, `failed to read: ${causeText(err)}`);
  }
  const records: LogRecord[] = [];
  let at = 0;
  while (at < buf.length) {
    const f = frameAt(buf, at);
    if (!f.ok) {
      const claimed = buf.length - at >= HEADER ? at + HEADER + buf.readUInt32LE(at) : buf.length;
      if (claimed > at + HEADER && claimed < buf.length && frameAt(buf, claimed).ok) {
        throw new StoreCorruptError(path, `log frame at byte ${at} fails its checksum but intact frames follow it`);
      }
      break;
    }
    records.push(parseRecord(path, at, f.payload));
    at = f.end;
  }
  return { records, validBytes: at, totalBytes: buf.length };
}

/**
 * The records a snapshot holding everything up to `seq` does not hold yet. Records at or
 * below `seq` are what a crash between a compaction's snapshot and its log truncate left;
 * a gap after it means lost records, refused rather than guessed over.
 */
export function recordsAfter(path: string, seq: number, records: readonly LogRecord[]): LogRecord[] {
  const out: LogRecord[] = [];
  for (const rec of records) {
    if (rec.seq <= seq && out.length === 0) continue;
    if (rec.seq !== seq + out.length + 1) throw new StoreCorruptError(path, `log record ${rec.seq} follows ${seq + out.length}: records are missing`);
    out.push(rec);
  }
  return out;
}

function parseRecord(path: string, at: number, payload: Buffer): LogRecord {
  const fail = (why: string): never => {
    throw new StoreCorruptError(path, `log frame at byte ${at} ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return fail(`passes its checksum but is not JSON: ${causeText(err)}`);
  }
  const r = raw as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || !isCount(r.seq) || !isCount(r.revision) || !isCount(r.nextLeaseId) || !Array.isArray(r.ops)) {
    return fail('is not a log record');
  }
  for (const op of r.ops as unknown[]) if (!isOp(op)) fail(`holds a malformed op ${JSON.stringify(op)}`);
  return r as unknown as LogRecord;
}

function isOp(op: unknown): op is LogOp {
  if (typeof op !== 'object' || op === null) return false;
  const o = op as Record<string, unknown>;
  if (typeof o.p === 'string') return typeof o.v === 'string' && isCount(o.r) && (o.l === undefined || typeof o.l === 'string');
  if (typeof o.g === 'string') return typeof o.ttl === 'number' && typeof o.exp === 'number';
  return typeof o.d === 'string' || typeof o.x === 'string';
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

/** The open log file: appends made durable one batch at a time. */
export class LogFile {
  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    /** Current length in bytes. */
    public size: number,
  ) {}

  private broken: string | undefined;

  /**
   * Opens (creating) the log for appending after cutting it to `validBytes`, so new frames
   * never land behind a torn one; a created file's directory entry is made durable too.
   */
  static async open(path: string, contents: LogContents): Promise<LogFile> {
    // O_DSYNC: each append is durable when its write returns, one trip to the thread pool
    // instead of a write and then an fdatasync (each trip waits for a busy event loop)
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC, 0o600);
    try {
      if (contents.totalBytes !== contents.validBytes) {
        await fh.truncate(contents.validBytes);
        await fh.datasync();
      }
      if (contents.totalBytes === 0) await syncDir(dirname(path));
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new LogFile(path, fh, contents.validBytes);
  }

  /**
   * Appends one frame; durable when the promise resolves (the file is opened O_DSYNC). A failed
   * append is cut back off, so a later frame never follows a partial one; if even that fails
   * the log refuses appends.
   */
  async append(frame: Buffer): Promise<void> {
    if (this.broken) throw new Error(`log ${this.path} is unusable after a failed append: ${this.broken}`);
    try {
      let done = 0;
      while (done < frame.length) done += (await this.fh.write(frame, done, frame.length - done)).bytesWritten;
    } catch (err) {
      await this.fh.truncate(this.size).catch((e: unknown) => void (this.broken = causeText(e)));
      throw err;
    }
    this.size += frame.length;
  }

  /** Empties the log (after a snapshot took over everything in it). */
  async reset(): Promise<void> {
    await this.fh.truncate(0);
    this.size = 0;
    await this.fh.datasync();
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** Makes a directory's entries (a create, a rename) durable. */
export async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

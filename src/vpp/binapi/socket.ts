/**
 * VPP socket-transport framing (spec §1.3): each message is preceded by a 16-byte header whose
 * bytes 8–11 hold the message length (u32 BE). The stream ignores message boundaries, so the
 * reader reassembles messages across chunks.
 */
import { FrameTooLargeError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './wire.js';

/** Length of the socket header (VPP's `msgbuf_t`). */
export const SOCKET_HEADER_BYTES = 16;

/** Prefixes one message with the socket header (q = 0, data_len, gc_mark = 0). */
export function frameSocketMessage(msg: Buffer): Buffer {
  const out = Buffer.allocUnsafe(SOCKET_HEADER_BYTES + msg.length);
  out.fill(0, 0, SOCKET_HEADER_BYTES);
  out.writeUInt32BE(msg.length, 8);
  msg.copy(out, SOCKET_HEADER_BYTES);
  return out;
}

/** What one `push` produced: whole messages, and an error once the stream is unusable. */
export type DeframeResult = { ok: true; messages: Buffer[] } | { ok: false; messages: Buffer[]; error: FrameTooLargeError };

/**
 * Streaming reader of the socket transport. Messages may share memory with the pushed chunks
 * (no copy when a message lies in one chunk), so callers must not reuse a chunk after pushing it.
 * After an absurd length the stream cannot be resynchronised: every later push reports the error.
 */
export class SocketDeframer {
  private chunks: Buffer[] = [];
  private queued = 0;
  private need = -1;
  private failed: FrameTooLargeError | undefined;
  private readonly max: number;

  constructor(opts?: { maxMessageBytes?: number }) {
    this.max = opts?.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  /** Bytes received but not yet returned as a message (a partial header or body). */
  get pending(): number {
    return this.queued;
  }

  /** Feeds one chunk; returns every message it completed; throws FrameTooLargeError on an absurd length. */
  push(chunk: Buffer): Buffer[] {
    const r = this.tryPush(chunk);
    if (!r.ok) throw r.error;
    return r.messages;
  }

  /** Like `push`, but never throws: the error comes back with the messages completed before it. */
  tryPush(chunk: Buffer): DeframeResult {
    const messages: Buffer[] = [];
    if (this.failed !== undefined) return { ok: false, messages, error: this.failed };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.queued += chunk.length;
    }
    while (true) {
      if (this.need < 0) {
        if (this.queued < SOCKET_HEADER_BYTES) break;
        const len = this.take(SOCKET_HEADER_BYTES).readUInt32BE(8);
        if (len > this.max) {
          this.failed = new FrameTooLargeError(len, this.max);
          this.chunks = [];
          this.queued = 0;
          return { ok: false, messages, error: this.failed };
        }
        this.need = len;
      }
      if (this.queued < this.need) break;
      messages.push(this.take(this.need));
      this.need = -1;
    }
    return { ok: true, messages };
  }

  private take(n: number): Buffer {
    this.queued -= n;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0] as Buffer;
      const k = Math.min(c.length, n - got);
      c.copy(out, got, 0, k);
      got += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}

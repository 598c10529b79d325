/**
 * The `vpp` backend: a real VPP (or anything serving VPP's socket transport) behind its API
 * socket, normally `/run/vpp/api.sock`. One unix-socket connection per session, each message
 * behind VPP's 16-byte header; messages themselves pass through untouched.
 */
import { connect, type Socket } from 'node:net';
import type { CloseReason, VppBackend, VppConnection } from '../backend.js';
import { SocketDeframer, frameSocketMessage } from '../binapi/socket.js';

/** Opens VPP API sessions over a unix socket. */
export class VppSocketBackend implements VppBackend {
  readonly kind = 'vpp' as const;
  private readonly open = new Set<SocketConnection>();

  constructor(
    /** Path of VPP's API socket. */
    readonly path: string,
  ) {}

  /** Connects one session; rejects when nothing listens on the socket. */
  connect(): Promise<VppConnection> {
    return new Promise((resolve, reject) => {
      const sock = connect(this.path);
      const fail = (err: Error): void => {
        sock.destroy();
        reject(new Error(`failed to connect to VPP API socket ${this.path}: ${err.message}`, { cause: err }));
      };
      sock.once('error', fail);
      sock.once('connect', () => {
        sock.off('error', fail);
        const conn = new SocketConnection(sock, this.path, () => this.open.delete(conn));
        this.open.add(conn);
        resolve(conn);
      });
    });
  }

  /** Closes every session this backend opened. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.open].map((c) => c.close()));
  }
}

/** One VPP API session over a stream socket (also used by the socket server's tests). */
export class SocketConnection implements VppConnection {
  private readonly deframer = new SocketDeframer();
  private frameListener: ((frames: Buffer[]) => void) | undefined;
  private closeListener: ((reason: CloseReason) => void) | undefined;
  /** Frames that arrived before anyone listened (VPP may answer very fast). */
  private early: Buffer[] = [];
  private ended: CloseReason | undefined;
  private closing = false;

  constructor(
    private readonly sock: Socket,
    private readonly label: string,
    private readonly onGone: () => void = () => undefined,
  ) {
    sock.on('data', (chunk: Buffer) => this.data(chunk));
    sock.on('error', () => undefined);
    sock.on('close', () => this.finish(this.closing
      ? { kind: 'closed', message: `closed ${this.label}` }
      : { kind: 'dropped', message: `VPP API socket ${this.label} closed by the other end` }));
  }

  send(frames: readonly Buffer[]): void {
    if (this.ended !== undefined) {
      throw new Error(`failed to send to VPP API socket ${this.label}: session ${this.ended.kind}`);
    }
    this.sock.cork();
    for (const f of frames) this.sock.write(frameSocketMessage(f));
    process.nextTick(() => this.sock.uncork());
  }

  onFrames(listener: (frames: Buffer[]) => void): void {
    this.frameListener = listener;
    if (this.early.length > 0) {
      const frames = this.early;
      this.early = [];
      listener(frames);
    }
  }

  onClose(listener: (reason: CloseReason) => void): void {
    this.closeListener = listener;
    if (this.ended !== undefined) listener(this.ended);
  }

  close(): Promise<void> {
    if (this.ended !== undefined) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => {
      this.sock.once('close', () => resolve());
      this.sock.destroy();
    });
  }

  private data(chunk: Buffer): void {
    const r = this.deframer.tryPush(chunk);
    if (r.messages.length > 0) {
      if (this.frameListener === undefined) this.early.push(...r.messages);
      else this.frameListener(r.messages);
    }
    if (!r.ok) {
      // The stream is out of sync: nothing after this point can be trusted.
      this.sock.destroy();
      this.finish({ kind: 'dropped', message: `bad framing on ${this.label}: ${r.error.message}` });
    }
  }

  private finish(reason: CloseReason): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.onGone();
    this.closeListener?.(reason);
  }
}

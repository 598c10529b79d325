/**
 * The agent's door for the CNI forwarder: a unix socket (0600) that reads one framed
 * invocation per connection, runs it through the CNI rules and the handler, and writes the
 * exit status and stdout back. Requests for one container are serialised.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CniCode, CniError, errorBody } from '../../cni/errors.js';
import { dispatch, serialKey, type CniAnswer, type CniHandler } from '../../cni/dispatch.js';
import { decodeRequestHeader, decodeRequestPayload, encodeResponse, FrameError, MAX_PAYLOAD_BYTES } from '../../cni/framing.js';
import { renderJson } from '../../cni/result.js';
import { LATEST_VERSION } from '../../cni/versions.js';
import { KeyedSerializer } from './serial.js';

/** What happened to one request, for the agent's log and history. */
export interface CniServed {
  readonly command: string;
  readonly containerId: string | undefined;
  readonly exitCode: number;
  readonly ms: number;
  /** The printed answer (result or error JSON). */
  readonly stdout: string;
}

/** Options of `startCniServer`. */
export interface CniServerOptions {
  readonly socketPath: string;
  readonly handler: CniHandler;
  /** Frame payload limit (default: 1 MiB of stdin plus env). */
  readonly maxPayloadBytes?: number;
  /** A client must send its whole frame within this time (default 10 s). */
  readonly readTimeoutMs?: number;
  /** `close` waits this long for requests in flight before dropping them (default 5 s). */
  readonly closeGraceMs?: number;
  /** Called after each answered request. */
  readonly onServed?: (served: CniServed) => void;
}

/** A running CNI server. */
export interface CniServer {
  readonly socketPath: string;
  /** Stops accepting, waits (bounded) for requests in flight, removes the socket file. */
  close(): Promise<void>;
}

/** The server could not take its socket (in use, not a socket, no permission). */
export class CniServerStartError extends Error {
  constructor(readonly socketPath: string, cause: string) {
    super(`failed to start CNI server on ${socketPath}: ${cause}`);
    this.name = 'CniServerStartError';
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return;
  if (!st.isSocket()) throw new CniServerStartError(path, 'the path exists and is not a socket');
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
  if (alive) throw new CniServerStartError(path, 'another process is serving this socket');
  await unlink(path);
}

function frameErrorAnswer(err: Error): CniAnswer {
  const e = new CniError(CniCode.DecodingFailure, `failed to decode request from the forwarder: ${err.message}`);
  return { exitCode: 1, stdout: renderJson(errorBody(e, LATEST_VERSION)) };
}

/** Starts the server; resolves once the socket is listening with mode 0600. */
export async function startCniServer(opts: CniServerOptions): Promise<CniServer> {
  const { socketPath, handler } = opts;
  const maxPayload = opts.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const readTimeoutMs = opts.readTimeoutMs ?? 10_000;
  const serial = new KeyedSerializer();
  const inflight = new Set<Promise<void>>();
  const sockets = new Set<Socket>();

  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  await removeStaleSocket(socketPath);

  const serve = async (sock: Socket, env: Record<string, string>, stdin: Buffer): Promise<void> => {
    const t0 = performance.now();
    const key = serialKey(env);
    const answer = key === undefined ? await dispatch({ env, stdin }, handler) : await serial.run(key, () => dispatch({ env, stdin }, handler));
    if (!sock.destroyed) sock.end(encodeResponse(answer.exitCode, answer.stdout));
    opts.onServed?.({ command: env.CNI_COMMAND ?? '', containerId: key, exitCode: answer.exitCode, ms: performance.now() - t0, stdout: answer.stdout });
  };

  const onConnection = (sock: Socket): void => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.setTimeout(readTimeoutMs, () => sock.destroy());
    let buf = Buffer.alloc(0);
    let need = -1;
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      try {
        if (need < 0 && buf.length >= 8) need = 8 + decodeRequestHeader(buf, maxPayload);
      } catch (err) {
        sock.off('data', onData);
        const a = frameErrorAnswer(err as Error);
        sock.end(encodeResponse(a.exitCode, a.stdout));
        return;
      }
      if (need < 0 || buf.length < need) return;
      sock.off('data', onData);
      sock.setTimeout(0);
      let parsed: { env: Record<string, string>; stdin: Buffer };
      try {
        parsed = decodeRequestPayload(buf.subarray(8, need));
      } catch (err) {
        const a = frameErrorAnswer(err as FrameError);
        sock.end(encodeResponse(a.exitCode, a.stdout));
        return;
      }
      const p = serve(sock, parsed.env, parsed.stdin).catch(() => { sock.destroy(); });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    };
    sock.on('data', onData);
  };

  const server: Server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new CniServerStartError(socketPath, e.message)));
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);

  return {
    socketPath,
    async close(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => { timer = setTimeout(r, opts.closeGraceMs ?? 5000); });
      await Promise.race([Promise.allSettled([...inflight]), grace]);
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      await closed;
      await unlink(socketPath).catch(() => undefined);
    },
  };
}

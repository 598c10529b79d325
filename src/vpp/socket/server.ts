/**
 * Serves any VppBackend over VPP's own socket transport (unix stream socket, 16-byte header
 * per message), so the simulator can stand in for `/run/vpp/api.sock` and the `vpp` backend
 * can be tested end to end without a real VPP.
 */
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { VppBackend, VppConnection } from '../backend.js';
import { SocketConnection } from './client.js';

/** A listening API socket; close it to disconnect every client. */
export interface VppSocketServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Listens on `path` (mode 0600, a stale file is replaced) and gives each client one backend session. */
export async function serveVppSocket(backend: VppBackend, path: string): Promise<VppSocketServer> {
  await rm(path, { force: true });
  const clients = new Set<Socket>();
  const server: Server = createServer((sock) => {
    clients.add(sock);
    sock.once('close', () => clients.delete(sock));
    void bridgeSocket(backend, sock, path);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`failed to listen on VPP API socket ${path}: ${err.message}`, { cause: err })));
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    path,
    close: async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of clients) c.destroy();
      await done;
      await rm(path, { force: true });
    },
  };
}

/** Joins one accepted socket to one fresh backend session, both ways, until either side ends. */
async function bridgeSocket(backend: VppBackend, sock: Socket, path: string): Promise<void> {
  const peer = new SocketConnection(sock, `${path} (client side)`);
  let conn: VppConnection;
  try {
    conn = await backend.connect();
  } catch {
    // VPP would not accept the registration either: the client sees its socket close.
    sock.destroy();
    return;
  }
  peer.onFrames((frames) => {
    try {
      conn.send(frames);
    } catch {
      sock.destroy();
    }
  });
  conn.onFrames((frames) => {
    try {
      peer.send(frames);
    } catch {
      // The client went away; its close handler ends the session.
    }
  });
  conn.onClose(() => sock.destroy());
  peer.onClose(() => void conn.close().catch(() => undefined));
}

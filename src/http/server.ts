/**
 * The agent's HTTP endpoint: health, IPAM, desired/actual state, history. Binds to
 * 127.0.0.1 unless configured otherwise, because it exposes cluster addressing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route handler returns: a status and a JSON-serialisable body (or raw text). */
export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

/** A route handler; gets the parsed URL so filters (`?seq-num=`) are easy to read. */
export type RouteHandler = (url: URL, req: IncomingMessage) => HttpReply | Promise<HttpReply>;

/** A running HTTP server and the address it actually bound (port 0 picks a free one). */
export interface HttpHandle {
  readonly address: string;
  readonly port: number;
  /** Adds or replaces a route, e.g. `route('GET', '/liveness', …)`; later modules register theirs. */
  route(method: string, path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

/** Shorthand for a 200 JSON reply. */
export const ok = (body: unknown): HttpReply => ({ status: 200, body });

/** Starts the server; resolves once it listens. */
export async function startHttpServer(opts: { address: string; port: number }): Promise<HttpHandle> {
  const routes = new Map<string, RouteHandler>();
  const server: Server = createServer((req, res) => {
    void dispatch(routes, req, res);
  });
  // keep-alive sockets would otherwise hold close() open past the 2 s shutdown budget
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: bound.address,
    port: bound.port,
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function dispatch(routes: Map<string, RouteHandler>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const handler = routes.get(`${req.method ?? 'GET'} ${url.pathname}`);
  let reply: HttpReply;
  if (!handler) {
    const known = [...routes.keys()].some((k) => k.endsWith(` ${url.pathname}`));
    reply = known
      ? { status: 405, body: { error: `method ${req.method} not allowed on ${url.pathname}` } }
      : { status: 404, body: { error: `no such path: ${url.pathname}` } };
  } else {
    try {
      reply = await handler(url, req);
    } catch (err) {
      reply = { status: 500, body: { error: `failed to serve ${url.pathname}: ${(err as Error).message}` } };
    }
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body, null, 2) + '\n';
  res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json' });
  res.end(text);
}

/**
 * The one allowed fake: a Kubernetes API server on loopback HTTP serving pods and nodes in
 * the real wire format (lists, chunked JSON-line watches, one global resourceVersion,
 * history replay, 410 Expired past a compaction point, bookmarks), so the real
 * @kubernetes/client-node informer can be driven through every path it has.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import {
  fieldSelection, labelSelection, SelectorError, visibleChange,
  type ChangeType, type KubeJson, type Selection,
} from './fake-kube-select.js';

/** The collections the fake serves. */
export type FakeKind = 'pods' | 'nodes';

const kindInfo = {
  pods: { kind: 'Pod', listKind: 'PodList', namespaced: true },
  nodes: { kind: 'Node', listKind: 'NodeList', namespaced: false },
} as const;

/** One request as the server saw it, so tests can tell a relist from a resumed watch. */
export interface FakeRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly watch: boolean;
}

interface Change { rv: number; kind: FakeKind; type: ChangeType; object: KubeJson; prev: KubeJson | undefined }
interface OpenWatch { res: ServerResponse; kind: FakeKind; namespace: string | undefined; selected: Selection; bookmarks: boolean }

/** A mutable copy of a stored object handed to `update`; spec and status always exist. */
export interface Draft {
  metadata: Record<string, unknown> & { name: string };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  [key: string]: unknown;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

const keyOf = (o: KubeJson) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** A fake API server; create with `FakeKube.create()`, always `close()` it in teardown. */
export class FakeKube {
  /** Every resource request so far (discovery requests are not logged). */
  readonly requests: FakeRequest[] = [];
  private readonly objects: Record<FakeKind, Map<string, KubeJson>> = { pods: new Map(), nodes: new Map() };
  private history: Change[] = [];
  private readonly watches = new Set<OpenWatch>();
  private rv = 100;
  private compactedAt = 0;
  private failures: { count: number; code: number; kind?: FakeKind | undefined; watch?: boolean | undefined } = { count: 0, code: 500 };
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => this.serve(req, res));
  }

  /** Starts a server on a free loopback port. */
  static async create(): Promise<FakeKube> {
    const fake = new FakeKube();
    await fake.start();
    return fake;
  }

  /** Base URL clients talk to. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The global resourceVersion of the last change. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Number of watch streams currently open. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** A client config pointing at this server, as a kubeconfig file would. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'fake', server: this.url, skipTLSVerify: true }, { name: 'nobody' });
    return kc;
  }

  /** Requests of one collection, lists and watches apart. */
  requestsOf(kind: FakeKind, watch: boolean): FakeRequest[] {
    return this.requests.filter((r) => r.watch === watch && r.path.endsWith(`/${kind}`));
  }

  /** Stores a new object (uid and creation time filled in if absent) and records an ADDED change. */
  add(kind: FakeKind, obj: KubeJson): KubeJson {
    const key = keyOf(obj);
    if (this.objects[kind].has(key)) throw new Error(`failed to add ${kind} ${key}: already exists`);
    const uid = obj.metadata.uid ?? randomUUID();
    // kubectl shows AGE from it; seconds precision, as the API server writes it.
    const creationTimestamp = obj.metadata['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const metadata = { ...structuredClone(obj.metadata), uid, creationTimestamp };
    return this.record(kind, 'ADDED', { ...structuredClone(obj), metadata }, undefined);
  }

  /** Changes a stored object through `change` (which gets a copy) and records MODIFIED. */
  update(kind: FakeKind, key: string, change: (draft: Draft) => void): KubeJson {
    const prev = this.objects[kind].get(key);
    if (prev === undefined) throw new Error(`failed to update ${kind} ${key}: not found`);
    const copy = structuredClone(prev) as unknown as Record<string, unknown>;
    const draft: Draft = { ...copy, metadata: { ...asRecord(copy['metadata']), name: prev.metadata.name }, spec: { ...asRecord(copy['spec']) }, status: { ...asRecord(copy['status']) } };
    change(draft);
    return this.record(kind, 'MODIFIED', draft as unknown as KubeJson, prev);
  }

  /** Removes a stored object and records DELETED. */
  remove(kind: FakeKind, key: string): void {
    const prev = this.objects[kind].get(key);
    if (prev === undefined) throw new Error(`failed to delete ${kind} ${key}: not found`);
    this.record(kind, 'DELETED', prev, prev);
  }

  /** Shorthands for the pod collection, keyed by namespace and name. */
  addPod(pod: KubeJson): KubeJson { return this.add('pods', pod); }
  updatePod(ns: string, name: string, change: (draft: Draft) => void): KubeJson {
    return this.update('pods', `${ns}/${name}`, change);
  }
  deletePod(ns: string, name: string): void { this.remove('pods', `${ns}/${name}`); }
  /** Shorthands for the node collection, keyed by name. */
  addNode(node: KubeJson): KubeJson { return this.add('nodes', node); }
  updateNode(name: string, change: (draft: Draft) => void): KubeJson {
    return this.update('nodes', `/${name}`, change);
  }
  deleteNode(name: string): void { this.remove('nodes', `/${name}`); }

  /** Forgets the history up to now: a watch from an older resourceVersion gets 410 Expired. */
  compact(): void {
    this.compactedAt = this.rv;
    this.history = [];
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks. */
  bookmark(): void {
    for (const w of this.watches) {
      if (!w.bookmarks) continue;
      const object = { kind: kindInfo[w.kind].kind, apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } };
      w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    }
  }

  /** Ends every watch stream cleanly, as an API server does when its watch timeout runs out. */
  closeWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** The next `count` requests (of `kind` and only watches or lists, if given) fail with HTTP `code`. */
  failNext(count: number, code = 500, only: { kind?: FakeKind; watch?: boolean } = {}): void {
    this.failures = { count, code, ...only };
  }

  /** Drops every connection and stops listening; the state survives, as etcd would keep it. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    for (const w of this.watches) w.res.destroy();
    this.watches.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again, on the same port after a `stop()`. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Final teardown. */
  async close(): Promise<void> {
    await this.stop();
  }

  private record(kind: FakeKind, type: ChangeType, obj: KubeJson, prev: KubeJson | undefined): KubeJson {
    this.rv += 1;
    const object: KubeJson = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    if (type === 'DELETED') this.objects[kind].delete(keyOf(object));
    else this.objects[kind].set(keyOf(object), object);
    const change: Change = { rv: this.rv, kind, type, object, prev };
    this.history.push(change);
    for (const w of this.watches) this.deliver(w, change);
    return structuredClone(object);
  }

  private deliver(w: OpenWatch, c: Change): void {
    if (c.kind !== w.kind || (w.namespace !== undefined && c.object.metadata.namespace !== w.namespace)) return;
    const type = visibleChange(c.type, c.prev, c.object, w.selected);
    if (type !== undefined) w.res.write(`${JSON.stringify({ type, object: this.wire(c.kind, c.object) })}\n`);
  }

  private wire(kind: FakeKind, obj: KubeJson): KubeJson {
    return { kind: kindInfo[kind].kind, apiVersion: 'v1', ...obj };
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', `method ${req.method ?? ''} not allowed`);
    const discovery = discoveryDoc(url.pathname);
    if (discovery !== undefined) return json(res, 200, discovery);
    const route = routeOf(parts);
    if (route === undefined) return status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    this.requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), watch });
    const f = this.failures;
    if (f.count > 0 && (f.kind === undefined || f.kind === route.kind) && (f.watch === undefined || f.watch === watch)) {
      this.failures.count -= 1;
      return status(res, this.failures.code, 'InternalError', 'injected failure');
    }
    if (route.name !== undefined) {
      const obj = this.objects[route.kind].get(`${route.namespace ?? ''}/${route.name}`);
      if (obj === undefined) return status(res, 404, 'NotFound', `${route.kind} "${route.name}" not found`);
      return json(res, 200, this.wire(route.kind, obj));
    }
    let selected: Selection;
    try {
      const byField = fieldSelection(url.searchParams.get('fieldSelector'));
      const byLabel = labelSelection(url.searchParams.get('labelSelector'));
      selected = (o) => byField(o) && byLabel(o);
    } catch (err) {
      if (err instanceof SelectorError) return status(res, 400, 'BadRequest', err.message);
      throw err;
    }
    const items = [...this.objects[route.kind].values()]
      .filter((o) => (route.namespace === undefined || o.metadata.namespace === route.namespace) && selected(o));
    if (!watch) {
      const list = { kind: kindInfo[route.kind].listKind, apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items };
      return json(res, 200, list);
    }
    this.openWatch(res, { res, kind: route.kind, namespace: route.namespace, selected, bookmarks: url.searchParams.get('allowWatchBookmarks') === 'true' }, url.searchParams.get('resourceVersion') ?? '', items);
  }

  private openWatch(res: ServerResponse, w: OpenWatch, rvText: string, current: KubeJson[]): void {
    const from = rvText === '' || rvText === '0' ? undefined : Number(rvText);
    if (from !== undefined && !Number.isSafeInteger(from)) return status(res, 400, 'BadRequest', `invalid resourceVersion "${rvText}"`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    if (from !== undefined && from < this.compactedAt) {
      const object = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from} (${this.compactedAt})` };
      res.end(`${JSON.stringify({ type: 'ERROR', object })}\n`);
      return;
    }
    if (from === undefined) {
      for (const o of current) res.write(`${JSON.stringify({ type: 'ADDED', object: this.wire(w.kind, o) })}\n`);
    } else {
      for (const c of this.history) if (c.rv > from) this.deliver(w, c);
    }
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
  }
}

function routeOf(parts: string[]): { kind: FakeKind; namespace: string | undefined; name: string | undefined } | undefined {
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  const [, , a, b, c, d, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (a === 'pods' && b === undefined) return { kind: 'pods', namespace: undefined, name: undefined };
  if (a === 'nodes' && c === undefined) return { kind: 'nodes', namespace: undefined, name: b };
  if (a === 'namespaces' && b !== undefined && c === 'pods') return { kind: 'pods', namespace: b, name: d };
  return undefined;
}

function discoveryDoc(path: string): unknown {
  switch (path) {
    case '/version':
      return { major: '1', minor: '30', gitVersion: 'v1.30.0-fake', platform: 'linux/amd64' };
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
    case '/api/v1':
      return {
        kind: 'APIResourceList', groupVersion: 'v1', resources: [
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'] },
          { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'], shortNames: ['no'] },
        ],
      };
    default:
      return undefined;
  }
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

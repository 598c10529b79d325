/**
 * Keeps one client-node informer alive. The informer resumes a closed watch and relists on
 * 410 by itself, but after any other error (connection refused, 5xx) it just stops; this
 * runner then starts a fresh one after a doubling delay. A fresh informer relists, so state
 * missed during an outage (a server that came back with other objects) is never kept.
 */
import { makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';

/** Restart delays after an informer error: the first, doubled per failure up to the last. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** What one runner watches and where it reports. */
export interface RunnerSpec<T extends KubernetesObject> {
  /** The collection in messages (`pods`, `nodes`). */
  readonly what: string;
  readonly kubeConfig: KubeConfig;
  /** Watch URL path, query included: client-node 1.4.0's makeInformer takes no field selector. */
  readonly watchPath: string;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly backoff: Backoff;
  /** A complete list arrived: the truth as of its resourceVersion. */
  readonly listed: (items: readonly T[]) => void;
  /** One object was added or changed. */
  readonly changed: (obj: T) => void;
  readonly deleted: (obj: T) => void;
  /** The informer failed; a new one starts after `retryInMs`. */
  readonly failed: (err: KubeWatchError, retryInMs: number) => void;
}

/** An informer of one collection failed; carries the cause as client-node reported it. */
export class KubeWatchError extends Error {
  constructor(readonly what: string, override readonly cause: unknown) {
    super(`failed to watch Kubernetes ${what}: ${describe(cause)}`);
    this.name = 'KubeWatchError';
  }
}

/** A list answered for an informer that was already replaced; keeps it from opening a watch. */
class SupersededError extends Error {}

/** The Status message of an API error body (a JSON string or an object), if it has one. */
function statusMessage(body: unknown): string | undefined {
  let doc = body;
  if (typeof doc === 'string') {
    try { doc = JSON.parse(doc); } catch { return undefined; }
  }
  if (doc === null || typeof doc !== 'object') return undefined;
  const { message, reason } = doc as { message?: unknown; reason?: unknown };
  if (typeof message !== 'string' || message === '') return undefined;
  return typeof reason === 'string' && reason !== '' ? `${message} (${reason})` : message;
}

/** One line about a client-node error: HTTP status and Status message, or the socket error. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: unknown; statusCode?: unknown; body?: unknown };
  const code = e.statusCode ?? e.code;
  const first = err.message.split('\n')[0] ?? '';
  if (typeof code === 'number') {
    const detail = statusMessage(e.body) ?? (first.startsWith('HTTP-Code') ? undefined : first);
    return detail === undefined || detail === '' ? `HTTP ${code}` : `HTTP ${code}: ${detail}`;
  }
  return typeof code === 'string' && !first.includes(code) ? `${first} (${code})` : first;
}

/** One informer under restart supervision. */
export class InformerRunner<T extends KubernetesObject> {
  private generation = 0;
  private informer: Informer<T> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private consecutiveFailures = 0;
  private restartCount = 0;
  private launchedAt = 0;

  constructor(private readonly spec: RunnerSpec<T>) {}

  /** Informers started after a failure so far. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Starts the first informer; failures are reported through the spec, never thrown. */
  start(): void {
    this.launch();
  }

  /** Stops the current informer and any pending restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.informer?.stop();
  }

  private launch(): void {
    const gen = ++this.generation;
    this.launchedAt = Date.now();
    const current = () => gen === this.generation && !this.stopped;
    const { spec } = this;
    const informer = makeInformer<T>(spec.kubeConfig, spec.watchPath, async () => {
      const list = await spec.list();
      if (!current()) throw new SupersededError();
      spec.listed(list.items);
      return list;
    });
    informer.on('add', (obj) => { if (current()) spec.changed(obj); });
    informer.on('update', (obj) => { if (current()) spec.changed(obj); });
    informer.on('delete', (obj) => { if (current()) spec.deleted(obj); });
    informer.on('error', (err) => { if (current()) this.fail(err); });
    this.informer = informer;
    informer.start().then(
      // client-node assigns the watch request only after it connected, so a stop issued
      // while connecting misses it: stop again once start has returned.
      () => (current() ? undefined : informer.stop()),
      (err: unknown) => { if (current()) this.fail(err); },
    ).catch(() => { /* stop() of a replaced informer only aborts its request */ });
  }

  private fail(err: unknown): void {
    this.generation += 1;
    void this.informer?.stop();
    const { initialMs, maxMs } = this.spec.backoff;
    // Only a run that lasted longer than the longest delay counts as recovered: a good list
    // followed by a failing watch must not restart the delays from the shortest.
    if (Date.now() - this.launchedAt > maxMs) this.consecutiveFailures = 0;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.consecutiveFailures, 30));
    this.consecutiveFailures += 1;
    this.spec.failed(new KubeWatchError(this.spec.what, err), delay);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.restartCount += 1;
      this.launch();
    }, delay);
  }
}

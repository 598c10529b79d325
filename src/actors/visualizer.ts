/**
 * Sends the actors' inspection stream (every pod, node and supervisor actor and the effects they
 * invoke) to a state-machine visualizer that speaks `@statelyai/inspect`'s WebSocket protocol.
 *
 * The library turns XState inspection events into its wire format; the socket is ours, because
 * the library's own WebSocket adapter reconnects five seconds after `stop()` (a socket closed
 * while connecting reports an error, and its error handler reconnects) and re-sends its whole
 * backlog after every reconnect. Here a stopped link stays stopped, reconnect timers never keep
 * the process alive, and the backlog is bounded and sent once.
 *
 * Both libraries load only when a URL is configured: an agent without a visualizer pays nothing.
 */
import type { createInspector as CreateInspector, StatelyInspectionEvent } from '@statelyai/inspect';
import type { WebSocket as Socket } from 'ws';
import type { Logger } from '../util/log.js';
import type { History } from './history.js';

/** The library's adapter contract (not exported by name): start, stop, send. */
type Adapter = Parameters<typeof CreateInspector>[0];

/** Tuning of the link; the defaults suit an operator opening a visualizer at any time. */
export interface VisualizerOptions {
  /** Wait before trying again after the visualizer refused or dropped the connection. */
  readonly retryMs?: number;
  /** Events kept while not connected; the oldest are dropped past this. */
  readonly backlog?: number;
}

/** A running link; `stop` closes the socket and ends reconnecting. */
export interface Visualizer {
  /** Events sent, and events dropped (backlog full, or not serialisable). */
  stats(): { sent: number; dropped: number; connected: boolean };
  stop(): Promise<void>;
}

/** Starts feeding `history`'s inspection stream to the visualizer at `url` (`ws://host:port`). */
export async function startVisualizer(url: string, history: History, log: Logger, opts: VisualizerOptions = {}): Promise<Visualizer> {
  const [{ createInspector }, { WebSocket }] = await Promise.all([import('@statelyai/inspect'), import('ws')]);
  const link = new SocketLink(url, (u) => new WebSocket(u), log, opts.retryMs ?? 2_000, opts.backlog ?? 1_000);
  const inspector = createInspector(link, { autoStart: false });
  inspector.start();
  const off = history.observeInspection((ev) => {
    try {
      inspector.inspect.next?.(ev);
    } catch (err) {
      // the visualizer is a window on the agent: it must never break an actor's transition
      link.drop(err);
    }
  });
  return {
    stats: () => link.stats(),
    async stop() {
      off();
      await link.stop();
    },
  };
}

/** The `@statelyai/inspect` adapter: one JSON text frame per inspection event. */
class SocketLink implements Adapter {
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private backlog: string[] = [];
  private sent = 0;
  private dropped = 0;
  private warned = false;

  constructor(
    private readonly url: string,
    private readonly open: (url: string) => Socket,
    private readonly log: Logger,
    private readonly retryMs: number,
    private readonly backlogLimit: number,
  ) {}

  start(): void {
    this.connect();
  }

  send(event: StatelyInspectionEvent): void {
    if (this.stopped) return;
    const text = frame(event);
    if (text === undefined) return this.drop(new Error(`inspection event ${event.type} is not serialisable`));
    if (this.socket?.readyState === 1) {
      this.socket.send(text);
      this.sent++;
      return;
    }
    this.backlog.push(text);
    if (this.backlog.length > this.backlogLimit) {
      this.backlog.shift();
      this.dropped++;
    }
  }

  drop(err: unknown): void {
    this.dropped++;
    this.log.debug({ err }, 'visualizer event dropped');
  }

  stats() {
    return { sent: this.sent, dropped: this.dropped, connected: this.socket?.readyState === 1 };
  }

  /** The adapter interface's stop: synchronous, the close completes in the background. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket === undefined || socket.readyState === 3) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === 0) socket.terminate();
      else socket.close(1001, 'agent stopping');
    });
  }

  private connect(): void {
    const socket = this.open(this.url);
    this.socket = socket;
    socket.on('open', () => {
      this.warned = false;
      this.log.info({ url: this.url, backlog: this.backlog.length }, 'visualizer connected');
      for (const text of this.backlog) socket.send(text);
      this.sent += this.backlog.length;
      this.backlog = [];
    });
    // 'close' follows every error: reconnecting there covers refused, dropped and closed sockets
    socket.on('error', (err) => {
      if (!this.warned) this.log.warn({ url: this.url, err: err.message }, 'visualizer not reachable; retrying');
      this.warned = true;
    });
    socket.on('close', () => {
      if (this.stopped || this.socket !== socket) return;
      this.socket = undefined;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.timer.unref();
    });
  }
}

/** JSON text of an event; errors become their message (JSON.stringify would give `{}`). */
function frame(event: StatelyInspectionEvent): string | undefined {
  try {
    return JSON.stringify(event, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message } : typeof value === 'bigint' ? value.toString() : value,
    );
  } catch {
    return undefined; // a cycle: the library's own serializer would cut it at depth 10; we skip it
  }
}

/**
 * The composition root: builds the agent from a compiled config, provides every named effect
 * (store, VPP bridge, HTTP, CNI), and owns start-up order and clean shutdown.
 */
import type { Config } from '../config/types.js';
import { ok, startHttpServer, type HttpHandle } from '../http/server.js';
import type { Logger } from '../util/log.js';

/** A running agent: what tests and the CLI need to observe and stop it. */
export interface Agent {
  readonly http: HttpHandle;
  /** Resolves when start-up completed (the agent then reports ready). */
  readonly started: Promise<void>;
  isReady(): boolean;
  stop(): Promise<void>;
}

/** One start-up step, run in order; each may register a stop hook. */
export interface StartupStep {
  readonly name: string;
  run(ctx: StartupContext): Promise<void>;
}

/** What steps share: config, log, HTTP routes, and the stop hooks run LIFO at shutdown. */
export interface StartupContext {
  readonly config: Config;
  readonly log: Logger;
  readonly http: HttpHandle;
  onStop(hook: () => Promise<void>): void;
}

/** Starts HTTP first (liveness must answer while the rest starts), then the steps in order. */
export async function startAgent(config: Config, log: Logger, steps: readonly StartupStep[] = []): Promise<Agent> {
  const http = await startHttpServer(config.http);
  const stopHooks: Array<() => Promise<void>> = [];
  let ready = false;
  let stopping = false;
  const ctx: StartupContext = { config, log, http, onStop: (h) => void stopHooks.push(h) };

  http.route('GET', '/liveness', () => ok({ alive: true }));
  http.route('GET', '/readiness', () =>
    ready ? ok({ ready: true }) : { status: 503, body: { ready: false, reason: stopping ? 'stopping' : 'start-up not complete' } },
  );
  log.info({ address: http.address, port: http.port }, 'http server listening');

  const started = (async () => {
    for (const step of steps) {
      const t0 = performance.now();
      await step.run(ctx);
      log.info({ step: step.name, ms: Math.round(performance.now() - t0) }, 'start-up step done');
    }
    ready = true;
    log.info({ nodeName: config.nodeName }, 'agent ready');
  })();

  return {
    http,
    started,
    isReady: () => ready,
    async stop() {
      if (stopping) return;
      stopping = true;
      ready = false;
      for (const hook of stopHooks.reverse()) {
        try {
          await hook();
        } catch (err) {
          log.warn({ err }, 'stop hook failed');
        }
      }
      await http.close();
      log.info('agent stopped');
    },
  };
}

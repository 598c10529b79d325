/**
 * Read-only windows on the running agent that the pods step opens in one call, before any actor
 * starts: the `IPNet` lookup facade at `GET /ipnet/v1/lookup`, and — only when
 * `inspect.websocket` is configured — the visualizer stream. Kept out of the pods step so that
 * step only needs one line to host them.
 */
import { nodeStateOf, type LocalNodeInput } from '../desired/index.js';
import type { StartupContext } from './agent.js';
import type { Dataplane } from './dataplane.js';
import type { History } from './history.js';
import { IPNet, lookupReply } from './ipnet-facade.js';

/** What the windows look through. */
export interface InspectedParts {
  readonly history: History;
  readonly dataplane: Dataplane;
  readonly local: LocalNodeInput;
}

/** Registers the lookup route and, when configured, starts the visualizer; returns the facade. */
export async function attachInspection(ctx: StartupContext, parts: InspectedParts): Promise<IPNet> {
  const { config, log, http } = ctx;
  const ipnet = new IPNet(config, parts.dataplane.desired, () => nodeStateOf(parts.local));
  http.route('GET', '/ipnet/v1/lookup', (url) => lookupReply(ipnet, url.searchParams));
  const url = config.inspect.websocket;
  if (url !== undefined) {
    // the visualizer module itself loads its libraries lazily; importing it is cheap either way
    const { startVisualizer } = await import('./visualizer.js');
    const visualizer = await startVisualizer(url, parts.history, log.child({ part: 'visualizer' }));
    ctx.onStop(() => visualizer.stop());
    log.info({ url }, 'actor inspection stream sent to a visualizer');
  }
  return ipnet;
}

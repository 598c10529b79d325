/**
 * Start-up step for the host side of the VPP↔host interconnect (spec ipnet-behaviour §7.2).
 * It runs before the pods step: in VETH mode the pair must exist before the startup resync
 * binds VPP's AF_PACKET to it; in TAP mode VPP creates `vpp1` during that resync, so its
 * configuration stays pending and is retried until the link appears. After a VPP restart
 * the link is new and bare, so the host side is converged again.
 *
 * An embedded (simulated) VPP with the agent's own namespace as host gets nothing applied:
 * that VPP has no host end here, and the machine's real network is not the simulator's.
 */
import { hostInterconnectItems, localNodeInput } from '../desired/index.js';
import { HOST, type BatchTarget } from '../linux/ip-batch.js';
import { hostIPsOf } from '../linux/host-read.js';
import { applyHostSide, hostSideFrom, type HostSideResult, type HostSideSpec } from '../linux/host.js';
import { parseNetnsPath } from '../linux/netns-path.js';
import type { Logger } from '../util/log.js';
import type { StartupContext, StartupStep } from './agent.js';
import { need, type AgentState } from './steps.js';
import type { VppHandle } from './vpp-step.js';

/** What the step exposes to tests (and, later, to the resync). */
export interface HostHandle {
  side?: HostSide;
}

/** First and longest wait between tries while VPP has not created its link or a try failed. */
const RETRY_FIRST_MS = 100;

/** Converges the host namespace to `spec`, one run at a time, retrying while anything is pending. */
export class HostSide {
  private running: Promise<HostSideResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The node's `hostIPs` as of the last read. */
  hostIPs: readonly string[] = [];
  /** What the last converge left pending (TAP mode: VPP has not created its link yet). */
  pending: readonly string[] = [];
  /** How many converges ran, and how many changed something (for tests and the log). */
  runs = 0;
  changes = 0;

  constructor(
    readonly target: BatchTarget,
    readonly spec: HostSideSpec,
    private readonly log: Logger,
    private readonly retryMaxMs: number,
  ) {}

  /** Reads the namespace and applies the differences; concurrent callers share one run. */
  converge(): Promise<HostSideResult> {
    this.running ??= this.once().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Converges now and keeps trying (backing off) until nothing is pending and nothing fails;
   * with `watchUntil` (a time), also until then, whatever the result.
   */
  keepConverging(delayMs = RETRY_FIRST_MS, watchUntil = 0): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.converge().then(
      (r) => (r.pending.length > 0 || Date.now() < watchUntil ? this.retry(delayMs, watchUntil) : undefined),
      (err: unknown) => {
        this.log.warn({ err: (err as Error).message, retryInMs: delayMs }, 'host interconnect not applied');
        this.retry(delayMs, watchUntil);
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private retry(delayMs: number, watchUntil: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.keepConverging(Math.min(delayMs * 2, this.retryMaxMs), watchUntil), delayMs);
  }

  private async once(): Promise<HostSideResult> {
    const r = await applyHostSide(this.target, this.spec);
    this.runs++;
    this.hostIPs = hostIPsOf(r.before);
    this.pending = r.pending;
    if (r.lines.length > 0) {
      this.changes++;
      this.log.info({ changes: r.lines, pending: r.pending }, 'host interconnect applied');
    } else if (r.pending.length > 0) {
      this.log.debug({ pending: r.pending }, 'host interconnect waits for VPP to create its link');
    }
    return r;
  }
}

/** The namespace that plays "host": '' is the agent's own. */
function hostTarget(netns: string): BatchTarget {
  return netns === '' ? HOST : parseNetnsPath(netns);
}

/** Builds the step; fills `out.side` unless the host side is not this agent's to apply. */
export function hostStep(state: AgentState, vpp: VppHandle, out: HostHandle = {}): StartupStep {
  return {
    name: 'host',
    async run(ctx: StartupContext) {
      const { config, log } = ctx;
      if (config.hostNetns === '' && config.vppBridge.endpoint === 'embedded') {
        log.info('host interconnect not applied: the embedded simulated VPP has no host end in this namespace');
        return;
      }
      const local = localNodeInput(config, need(state.addressing, 'addressing'), { firstDpdkNic: '', hostIPs: [] });
      const spec = hostSideFrom(hostInterconnectItems(config, local));
      const side = new HostSide(hostTarget(config.hostNetns), spec, log, config.controller.delayAfterErrorHealingMs);
      out.side = side;
      state.hostSide = side;
      ctx.onStop(() => side.stop());
      // VETH: the pair must exist before VPP binds to it, so a failure here stops the start-up
      const first = await side.converge();
      log.info({ hostIPs: side.hostIPs, pending: first.pending, changes: first.lines.length }, 'host interconnect read');
      // what is pending waits for VPP's link, which the startup resync creates and converges
      // the host side after: retrying before it only spawned `ip` for nothing (the pods step
      // keeps converging after that resync if anything is still pending)
      // a restarted VPP re-creates its TAP bare: configure it again once it is back. The old
      // link may still be there when the news arrives, so keep looking for the resync's time.
      const watchMs = config.controller.startupResyncDeadlineMs;
      need(vpp.client, 'VPP client').on('restart', () => side.keepConverging(RETRY_FIRST_MS, Date.now() + watchMs));
      if (config.controller.enablePeriodicHealing) {
        const every = setInterval(() => side.keepConverging(), config.controller.periodicHealingIntervalMs);
        ctx.onStop(async () => clearInterval(every));
      }
    },
  };
}

/**
 * Start-up step that opens the VPP connection: in embedded mode the bridge and the
 * simulator run in this process (ZeroMQ over an ipc socket in a private temp dir, the same
 * code path as a separate bridge); otherwise the agent connects to the configured bridge.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeClient } from '../vpp/bridge/client.js';
import { linuxTapHost } from '../vpp/sim/linux-host.js';
import type { VppSimulator } from '../vpp/sim/simulator.js';
import type { StartupContext, StartupStep } from './agent.js';

/** The VPP side the rest of the agent uses. */
export interface VppHandle {
  client?: BridgeClient;
  /** Present in embedded mode: the in-process simulated VPP (for the tracer and faults). */
  simulator?: VppSimulator;
  version?: string;
}

/** Builds the step; fills `vpp` when done. */
export function vppStep(vpp: VppHandle, opts: { realPodTaps: boolean } = { realPodTaps: false }): StartupStep {
  return {
    name: 'vpp',
    async run(ctx: StartupContext) {
      let endpoint = ctx.config.vppBridge.endpoint;
      if (endpoint === 'embedded') {
        // only the embedded mode runs a simulator and a bridge: an agent of a real VPP skips loading them
        const [{ VppSimulator }, { BridgeServer }] = await Promise.all([import('../vpp/sim/simulator.js'), import('../vpp/bridge/server.js')]);
        const dir = await mkdtemp(join(tmpdir(), 'ipnet-vpp-'));
        const simulator = new VppSimulator(opts.realPodTaps ? { host: podTapsOnly((err) => ctx.log.warn({ err: err.message }, 'simulated TAP not created')) } : {});
        const server = await BridgeServer.start({ listen: `ipc://${join(dir, 'bridge.sock')}`, backend: simulator });
        vpp.simulator = simulator;
        endpoint = server.endpoint;
        ctx.onStop(async () => {
          await server.close();
          await simulator.close();
          await rm(dir, { recursive: true, force: true });
        });
      }
      const client = await BridgeClient.connect(endpoint, { name: 'ipnet-agent', timeoutMs: ctx.config.vppBridge.requestTimeoutMs });
      vpp.client = client;
      ctx.onStop(() => client.close());
      client.on('restart', (e) => ctx.log.warn({ previousPid: e.previousPid, pid: e.pid, reason: e.reason }, 'VPP restarted'));
      client.on('disconnected', (e) => ctx.log.warn({ reason: e.reason }, 'VPP connection lost'));
      const version = await client.request('show_version');
      vpp.version = String(version['version'] ?? '');
      ctx.log.info({ endpoint, version: vpp.version, program: version['program'], pid: client.vpePid }, 'connected to VPP');
      ctx.http.route('GET', '/ipnet/v1/vpp/version', () => ({ status: 200, body: { program: version['program'], version: version['version'], pid: client.vpePid, endpoint } }));
    },
  };
}

/**
 * Real Linux TAPs for pods only: the simulated node's host-interconnect TAP would otherwise
 * land in the agent's own namespace, where two simulated nodes (or the host) would clash.
 */
export function podTapsOnly(onError: (err: Error) => void = () => undefined) {
  const real = linuxTapHost(onError);
  return {
    createTap: (spec: Parameters<NonNullable<typeof real.createTap>>[0]) => (spec.namespace === '' ? 0 : (real.createTap?.(spec) ?? 0)),
    deleteTap: (spec: { name: string; namespace: string }) => {
      if (spec.namespace !== '') real.deleteTap?.(spec);
    },
  };
}

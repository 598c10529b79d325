/**
 * Start-up step that opens the VPP connection: in embedded mode the bridge and the
 * simulator run in this process (ZeroMQ over an inproc endpoint: the same bridge code path
 * as a separate process, without a socket file or ZeroMQ's I/O threads between the two);
 * otherwise the agent connects to the configured bridge.
 */
import { BridgeClient } from '../vpp/bridge/client.js';
import { EarlyDump } from '../vpp/retrieve/early-dump.js';
import { linuxTapHost } from '../vpp/sim/linux-host.js';
import type { VppSimulator } from '../vpp/sim/simulator.js';
import type { StartupContext, StartupStep } from './agent.js';

/** Embedded bridges started in this process (tests and benches run several agents in one). */
let embeddedCount = 0;

/** The VPP side the rest of the agent uses. */
export interface VppHandle {
  client?: BridgeClient;
  /** Present in embedded mode: the in-process simulated VPP (for the tracer and faults). */
  simulator?: VppSimulator;
  version?: string;
  /** VPP dumped right after connecting, for the startup resync (see early-dump.ts). */
  earlyDump?: EarlyDump;
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
        const simulator = new VppSimulator(opts.realPodTaps ? { host: podTapsOnly((err) => ctx.log.warn({ err: err.message }, 'simulated TAP not created')) } : {});
        // inproc skips the I/O thread hop each way (an AddPod's two VPP round trips cost ~0.2–0.7 ms
        // less than over ipc); the name is unique to this agent within the process
        const server = await BridgeServer.start({ listen: `inproc://ipnet-vpp-${process.pid}-${++embeddedCount}`, backend: simulator });
        vpp.simulator = simulator;
        endpoint = server.endpoint;
        ctx.onStop(async () => {
          await server.close();
          await simulator.close();
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
      // VPP answers it while the store is read and the desired state built (steps after this)
      const early = new EarlyDump(client);
      vpp.earlyDump = early;
      client.on('restart', () => early.invalidate());
      client.on('disconnected', () => early.invalidate());
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

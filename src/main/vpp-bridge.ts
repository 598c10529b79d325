/**
 * `ipnet-vpp-bridge`: serves VPP's binary API over ZeroMQ to ipnet agents, backed by the
 * built-in simulator or a real VPP's API socket. Prints one JSON ready line on stdout once it
 * accepts connections; exits cleanly on SIGTERM/SIGINT; exit 2 on a bad command line.
 */
import type { VppBackend } from '../vpp/backend.js';
import { BRIDGE_USAGE, BridgeArgsError, parseBridgeArgs, type BridgeArgs } from '../vpp/bridge/args.js';
import { BridgeServer } from '../vpp/bridge/server.js';
import { VppSocketBackend } from '../vpp/socket/client.js';
import { serveVppSocket, type VppSocketServer } from '../vpp/socket/server.js';
import { VppSimulator } from '../vpp/sim/simulator.js';

/** Entry point called by bin/ipnet-vpp-bridge.js with argv minus node and script. */
export async function main(argv: string[]): Promise<void> {
  let args: BridgeArgs;
  try {
    args = parseBridgeArgs(argv);
  } catch (err) {
    if (!(err instanceof BridgeArgsError)) throw err;
    process.stderr.write(`ipnet-vpp-bridge: ${err.message}\n${BRIDGE_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const backend: VppBackend = args.backend === 'sim' ? new VppSimulator() : new VppSocketBackend(args.vppSocket);
  let apiServer: VppSocketServer | undefined;
  let server: BridgeServer | undefined;
  try {
    if (args.apiSocket !== undefined) apiServer = await serveVppSocket(backend, args.apiSocket);
    server = await BridgeServer.start({ listen: args.listen, backend });
  } catch (err) {
    process.stderr.write(`ipnet-vpp-bridge: failed to start: ${(err as Error).message}\n`);
    await apiServer?.close().catch(() => undefined);
    await backend.close().catch(() => undefined);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify({ ready: true, listen: server.endpoint, backend: backend.kind })}\n`);
  await stopped;
  await server.close();
  await apiServer?.close();
  await backend.close();
}

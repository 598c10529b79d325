/**
 * Command-line options of `ipnet-vpp-bridge`, compiled once into a frozen object so nothing
 * later reads argv or the environment.
 */
import { parseArgs } from 'node:util';

/** Usage text printed with every argument error. */
export const BRIDGE_USAGE =
  'usage: ipnet-vpp-bridge --listen <zmq endpoint> --backend sim|vpp [--vpp-socket <path>] [--api-socket <path>]';

/** Default path of VPP's API socket (`socksvr` default for root). */
export const DEFAULT_VPP_SOCKET = '/run/vpp/api.sock';

/** What the bridge was asked to do. */
export interface BridgeArgs {
  readonly listen: string;
  readonly backend: 'sim' | 'vpp';
  /** Where the `vpp` backend connects. */
  readonly vppSocket: string;
  /** When set (sim only), the simulator is also served over VPP's socket transport here. */
  readonly apiSocket?: string;
}

/** A bad command line; the CLI prints it with the usage and exits 2. */
export class BridgeArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeArgsError';
  }
}

const ENDPOINT = /^(ipc:\/\/.+|tcp:\/\/[^\s]+:(\d+|\*)|inproc:\/\/.+)$/;

/** Parses and checks argv (without `node` and the script). Throws BridgeArgsError. */
export function parseBridgeArgs(argv: readonly string[]): BridgeArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        listen: { type: 'string' },
        backend: { type: 'string' },
        'vpp-socket': { type: 'string' },
        'api-socket': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new BridgeArgsError((err as Error).message);
  }
  const listen = values.listen;
  const backend = values.backend;
  if (typeof listen !== 'string' || listen === '') throw new BridgeArgsError('--listen is required');
  if (!ENDPOINT.test(listen)) throw new BridgeArgsError(`--listen ${JSON.stringify(listen)} is not an ipc://, tcp://host:port or inproc:// endpoint`);
  if (backend !== 'sim' && backend !== 'vpp') throw new BridgeArgsError(`--backend must be sim or vpp, got ${JSON.stringify(backend ?? '')}`);
  const vppSocket = values['vpp-socket'];
  const apiSocket = values['api-socket'];
  if (typeof vppSocket === 'string' && backend !== 'vpp') throw new BridgeArgsError('--vpp-socket only applies to --backend vpp');
  if (typeof apiSocket === 'string' && backend !== 'sim') throw new BridgeArgsError('--api-socket only applies to --backend sim');
  if (vppSocket === '' || apiSocket === '') throw new BridgeArgsError('socket paths must not be empty');
  return Object.freeze({
    listen,
    backend,
    vppSocket: typeof vppSocket === 'string' ? vppSocket : DEFAULT_VPP_SOCKET,
    ...(typeof apiSocket === 'string' ? { apiSocket } : {}),
  });
}

/**
 * ipnet's own config sections (store, vppBridge, http, cni, controller, kubernetes, inspect):
 * how the agent reaches its store, the VPP bridge, its clients, the Kubernetes API and a
 * state-machine visualizer, and its controller timing.
 */
import { isIP } from 'node:net';
import { NetnsPathError, parseNetnsPath } from '../linux/netns-path.js';
import type { ControllerConfig, InspectConfig, KubernetesConfig, StoreConfig } from './types.js';
import type { ObjectReader } from './reader.js';

/** Built-in values of ipnet's own sections, also written out in config/defaults.yaml. */
export const agentDefaults = {
  store: { type: 'embedded', endpoints: ['http://127.0.0.1:2379'], path: '/var/lib/ipnet/store.json' },
  vppBridge: { endpoint: 'embedded', requestTimeoutMs: 5_000 },
  http: { address: '127.0.0.1', port: 9999 },
  cni: { socket: '/var/run/ipnet/cni.sock' },
  controller: {
    startupResyncDeadlineMs: 30_000,
    delayAfterErrorHealingMs: 5_000,
    enablePeriodicHealing: false,
    periodicHealingIntervalMs: 30_000,
    eventHistoryLimit: 1_000,
  },
  kubernetes: { enabled: false, kubeconfig: '' },
  inspect: { websocket: '' },
  hostNetns: '',
} as const;

/** sun_path is 108 bytes including the terminating NUL. */
const maxUnixPathBytes = 107;
const uint32Max = 4_294_967_295;

/** Checks a unix socket path: absolute and short enough to bind. */
function checkSocketPath(r: ObjectReader, key: string, path: string): void {
  if (!path.startsWith('/')) r.sink.error(r.pathOf(key), path, 'must be an absolute path');
  else if (Buffer.byteLength(path) > maxUnixPathBytes) {
    r.sink.error(r.pathOf(key), path, `too long for a unix socket path (at most ${maxUnixPathBytes} bytes)`);
  }
}

/** Compiles `store`. */
export function compileStore(r: ObjectReader): StoreConfig {
  const type = r.string('type', agentDefaults.store.type);
  const listed = r.list('endpoints');
  const rawEndpoints = r.has('endpoints') ? listed : agentDefaults.store.endpoints;
  const endpoints: string[] = [];
  rawEndpoints.forEach((v, i) => {
    const key = `${r.pathOf('endpoints')}[${i}]`;
    if (typeof v !== 'string') return r.sink.error(key, v, 'must be a string (an etcd URL such as http://10.0.0.1:2379)');
    let url: URL | undefined;
    try { url = new URL(v); } catch { /* reported below */ }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      return r.sink.error(key, v, 'not a valid etcd URL (expected http://host:port or https://host:port)');
    }
    endpoints.push(v);
  });
  const path = r.string('path', agentDefaults.store.path);
  if (path === '') r.sink.error(r.pathOf('path'), path, 'must not be empty (the embedded store file)');
  r.finish();
  if (type !== 'etcd' && type !== 'embedded') {
    r.sink.error(r.pathOf('type'), type, 'unknown store type: expected "etcd" or "embedded"');
  }
  if (type === 'etcd' && endpoints.length === 0 && rawEndpoints.length === 0) {
    r.sink.error(r.pathOf('endpoints'), [], 'must list at least one etcd URL when store.type is "etcd"');
  }
  return { type: type === 'etcd' ? 'etcd' : 'embedded', endpoints, path };
}

/** Compiles `vppBridge`: `embedded`, `ipc://<path>` or `tcp://<host>:<port>`. */
export function compileVppBridge(r: ObjectReader): { endpoint: string; requestTimeoutMs: number } {
  const endpoint = r.string('endpoint', agentDefaults.vppBridge.endpoint);
  const requestTimeoutMs = r.integer('requestTimeoutMs', agentDefaults.vppBridge.requestTimeoutMs, 1, uint32Max, 'milliseconds');
  r.finish();
  const key = r.pathOf('endpoint');
  if (endpoint.startsWith('ipc://')) {
    checkSocketPath(r, 'endpoint', endpoint.slice('ipc://'.length));
  } else if (endpoint.startsWith('tcp://')) {
    const m = /^tcp:\/\/([^:/]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})$/.exec(endpoint);
    const port = Number(m?.[2]);
    if (m === null || port < 1 || port > 65_535) r.sink.error(key, endpoint, 'not a valid ZeroMQ tcp endpoint (expected tcp://host:port)');
  } else if (endpoint !== 'embedded') {
    r.sink.error(key, endpoint, 'unknown bridge endpoint: expected "embedded", ipc://<path> or tcp://<host>:<port>');
  }
  return { endpoint, requestTimeoutMs };
}

/** Compiles `http` (agent REST listener). */
export function compileHttp(r: ObjectReader): { address: string; port: number } {
  const address = r.string('address', agentDefaults.http.address);
  const port = r.integer('port', agentDefaults.http.port, 0, 65_535, 'TCP port');
  r.finish();
  if (isIP(address) === 0) r.sink.error(r.pathOf('address'), address, 'not an IP address to listen on');
  return { address, port };
}

/** Compiles `cni` (the socket the CNI shim talks to). */
export function compileCni(r: ObjectReader): { socket: string } {
  const socket = r.string('socket', agentDefaults.cni.socket);
  r.finish();
  checkSocketPath(r, 'socket', socket);
  return { socket };
}

/** Compiles `controller` (contiv controller.conf, durations in ms). */
export function compileController(r: ObjectReader): ControllerConfig {
  const d = agentDefaults.controller;
  const ms = (key: keyof typeof d, min: number): number =>
    r.integer(key, d[key] as number, min, uint32Max, 'milliseconds');
  const result: ControllerConfig = {
    startupResyncDeadlineMs: ms('startupResyncDeadlineMs', 1),
    delayAfterErrorHealingMs: ms('delayAfterErrorHealingMs', 0),
    enablePeriodicHealing: r.bool('enablePeriodicHealing', d.enablePeriodicHealing),
    periodicHealingIntervalMs: ms('periodicHealingIntervalMs', 1),
    eventHistoryLimit: r.integer('eventHistoryLimit', d.eventHistoryLimit, 1, 1_000_000, 'events kept'),
  };
  r.finish();
  return result;
}

/** Compiles `kubernetes`: off by default; an empty kubeconfig means the in-cluster account. */
export function compileKubernetes(r: ObjectReader): KubernetesConfig {
  const enabled = r.bool('enabled', agentDefaults.kubernetes.enabled);
  const path = r.string('kubeconfig', agentDefaults.kubernetes.kubeconfig);
  r.finish();
  const key = r.pathOf('kubeconfig');
  if (path !== '' && !path.startsWith('/')) {
    r.sink.error(key, path, 'must be an absolute path to a kubeconfig file (or empty for the in-cluster service account)');
  } else if (path !== '' && !enabled) {
    r.sink.warning(key, path, `not used: ${r.pathOf('enabled')} is false`);
  }
  return { enabled, kubeconfig: path === '' ? undefined : path };
}

/** Compiles `inspect`: off by default, so the agent opens no outgoing connection unless told to. */
export function compileInspect(r: ObjectReader): InspectConfig {
  const raw = r.string('websocket', agentDefaults.inspect.websocket);
  r.finish();
  if (raw === '') return { websocket: undefined };
  let url: URL | undefined;
  try { url = new URL(raw); } catch { /* reported below */ }
  if (url === undefined || (url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.hostname === '') {
    r.sink.error(r.pathOf('websocket'), raw, 'not a WebSocket URL (expected ws://host:port or wss://host:port, or "" for off)');
    return { websocket: undefined };
  }
  return { websocket: raw };
}

/**
 * Reads `hostNetns`, the namespace the host side of the VPP interconnect goes to: '' is the
 * agent's own; a path (`/var/run/netns/<name>`) lets a test or a sandbox play the host.
 */
export function compileHostNetns(r: ObjectReader): string {
  const path = r.string('hostNetns', agentDefaults.hostNetns);
  if (path === '') return path;
  try {
    parseNetnsPath(path);
  } catch (err) {
    if (!(err instanceof NetnsPathError)) throw err;
    r.sink.error(r.pathOf('hostNetns'), path, `${err.message.slice(err.message.indexOf(': ') + 2)} (expected "" for the agent's own namespace, or a netns path such as /var/run/netns/host)`);
    return agentDefaults.hostNetns;
  }
  return path;
}

/**
 * The pure config compiler: raw decoded YAML + the node's identity in, a deep-frozen Config
 * and every problem out. No file or environment access happens here (see load.ts).
 */
import type { Config, ConfigProblem, InterfaceMode, RxMode } from './types.js';
import { compileCni, compileController, compileHostNetns, compileHttp, compileInspect, compileKubernetes, compileStore, compileVppBridge } from './agent.js';
import { compileIpam } from './ipam.js';
import { compileNodes } from './nodes.js';
import { ProblemSink } from './problems.js';
import { ObjectReader } from './reader.js';

/** The node's identity as the process sees it; passed in so compiling stays testable. */
export interface ConfigEnv {
  readonly NODE_NAME?: string | undefined;
  readonly hostname: string;
}

/** Outcome of loading: `config` is undefined iff any problem is an error. */
export interface LoadResult {
  readonly config: Config | undefined;
  readonly problems: readonly ConfigProblem[];
}

const rxModes: readonly RxMode[] = ['polling', 'interrupt', 'adaptive'];

/** Freezes every nested object so no consumer can change the shared config. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Node name: the file's `nodeName`, else env NODE_NAME, else the hostname. */
function readNodeName(r: ObjectReader, env: ConfigEnv): string {
  const fallback = env.NODE_NAME !== undefined && env.NODE_NAME !== '' ? env.NODE_NAME : env.hostname;
  const name = r.string('nodeName', fallback);
  const key = r.pathOf('nodeName');
  if (name === '') {
    r.sink.error(key, name, 'must not be empty (set nodeName, env NODE_NAME or the hostname)');
  } else if (name.length > 253 || /[\s/]/.test(name)) {
    r.sink.error(key, name, 'not a valid node name (at most 253 characters, no "/" or whitespace)');
  }
  return name;
}

/** TAP version 2 is the only one VPP still has; 1 is accepted and mapped. */
function readTapVersion(r: ObjectReader): 2 {
  const v = r.uint('tapInterfaceVersion', 8, 2);
  if (v === 1) r.sink.warning(r.pathOf('tapInterfaceVersion'), v, 'TAP version 1 is not supported; using version 2 (virtio TAP)');
  else if (v !== 2) r.sink.error(r.pathOf('tapInterfaceVersion'), v, 'TAP version must be 1 or 2');
  return 2;
}

/** A virtio ring size: 0 (VPP default) or a power of two VPP accepts. */
function readRingSize(r: ObjectReader, key: string): number {
  const v = r.uint(key, 16, 0);
  if (v !== 0 && (v > 32_768 || (v & (v - 1)) !== 0)) {
    r.sink.error(r.pathOf(key), v, 'must be 0 (VPP default) or a power of two up to 32768');
    return 0;
  }
  return v;
}

/** Rx mode as contiv reads it: case-insensitive, empty = not set. */
function readRxMode(r: ObjectReader): RxMode {
  const text = r.string('interfaceRxMode', '').trim().toLowerCase();
  if (text === '' || text === 'default') return 'default';
  const mode = rxModes.find((m) => m === text);
  if (mode !== undefined) return mode;
  r.sink.error(r.pathOf('interfaceRxMode'), r.value('interfaceRxMode'), 'unknown rx mode: expected polling, interrupt, adaptive or empty');
  return 'default';
}

/** MTU 0 = unset; otherwise something Linux and VPP accept on TAP/VETH. */
function readMtu(r: ObjectReader): number {
  const v = r.uint('mtuSize', 32, 0);
  if (v !== 0 && (v < 68 || v > 65_535)) {
    r.sink.error(r.pathOf('mtuSize'), v, 'must be 0 (unset) or 68…65535');
    return 0;
  }
  return v;
}

/** Node-to-node transport: contiv's `useNoOverlay` or HEAD's `nodeToNodeTransport`. */
function readNoOverlay(r: ObjectReader): boolean {
  const useNoOverlay = r.bool('useNoOverlay', false);
  if (r.bool('useSRv6Interconnect', false)) {
    r.sink.error(r.pathOf('useSRv6Interconnect'), true, 'SRv6 node interconnect is not supported (ipnet is IPv4-only)');
  }
  const transport = r.optString('nodeToNodeTransport');
  if (transport === undefined) return useNoOverlay;
  const key = r.pathOf('nodeToNodeTransport');
  const mode = transport.trim().toLowerCase();
  if (mode === 'srv6') r.sink.error(key, transport, 'SRv6 node interconnect is not supported (ipnet is IPv4-only)');
  else if (mode !== 'vxlan' && mode !== 'nooverlay') {
    r.sink.error(key, transport, 'unknown interconnect mode: expected "vxlan" or "nooverlay"');
  } else if (r.has('useNoOverlay') && useNoOverlay !== (mode === 'nooverlay')) {
    r.sink.error(key, transport, `contradicts ${r.pathOf('useNoOverlay')}: ${String(useNoOverlay)}`);
  }
  return mode === 'nooverlay';
}

/** Keys contiv has that ipnet accepts but does not act on. */
function readCompatOnly(r: ObjectReader): void {
  r.string('stnSocketFile', '/var/run/contiv/stn.sock');
  if (!r.bool('crdNodeConfigurationDisabled', true)) {
    r.sink.warning(r.pathOf('crdNodeConfigurationDisabled'), false, 'the NodeConfig CRD is not supported; the file\'s nodeConfig applies');
  }
}

/** STN flavour: 0/1 = gRPC STN daemon, 2 = punt IP-redirect. */
function readStnVersion(r: ObjectReader): number {
  const stn = r.uint('stnVersion', 8, 0);
  if (stn <= 2) return stn;
  r.sink.error(r.pathOf('stnVersion'), stn, 'unknown STN version: expected 0, 1 or 2');
  return 0;
}

/** Compiles raw decoded config (any JSON-ish value) into a frozen Config plus all problems. */
export function compileConfig(raw: unknown, env: ConfigEnv): LoadResult {
  const sink = new ProblemSink();
  const r = ObjectReader.of(raw, '', sink);
  const nodeName = readNodeName(r, env);
  const useTAPInterfaces = r.bool('useTAPInterfaces', true);
  const interfaceMode: InterfaceMode = useTAPInterfaces ? 'tap' : 'veth';
  readCompatOnly(r);
  const nodeConfig = compileNodes(r.list('nodeConfig'), r.pathOf('nodeConfig'), sink);
  const config: Config = {
    nodeName,
    useTAPInterfaces,
    interfaceMode,
    tapInterfaceVersion: readTapVersion(r),
    tapv2RxRingSize: readRingSize(r, 'tapv2RxRingSize'),
    tapv2TxRingSize: readRingSize(r, 'tapv2TxRingSize'),
    vmxnet3RxRingSize: r.uint('vmxnet3RxRingSize', 16, 0),
    vmxnet3TxRingSize: r.uint('vmxnet3TxRingSize', 16, 0),
    interfaceRxMode: readRxMode(r),
    tcpChecksumOffloadDisabled: r.bool('tcpChecksumOffloadDisabled', true),
    mtuSize: readMtu(r),
    mainVRFID: r.uint('mainVRFID', 32, 0),
    podVRFID: r.uint('podVRFID', 32, 1),
    useNoOverlay: readNoOverlay(r),
    routeServiceCIDRToVPP: r.bool('routeServiceCIDRToVPP', false),
    scanIPNeighbors: r.bool('scanIPNeighbors', true),
    ipNeighborScanInterval: r.uint('ipNeighborScanInterval', 8, 1),
    ipNeighborStaleThreshold: r.uint('ipNeighborStaleThreshold', 8, 4),
    stealFirstNIC: r.bool('stealFirstNIC', false),
    stealInterface: r.string('stealInterface', ''),
    stnVersion: readStnVersion(r),
    natExternalTraffic: r.bool('natExternalTraffic', true),
    enablePacketTrace: r.bool('enablePacketTrace', false),
    ipamConfig: compileIpam(r.object('ipamConfig')),
    nodeConfig,
    thisNodeConfig: nodeConfig.find((n) => n.nodeName === nodeName),
    store: compileStore(r.object('store')),
    vppBridge: compileVppBridge(r.object('vppBridge')),
    http: compileHttp(r.object('http')),
    cni: compileCni(r.object('cni')),
    controller: compileController(r.object('controller')),
    kubernetes: compileKubernetes(r.object('kubernetes')),
    inspect: compileInspect(r.object('inspect')),
    hostNetns: compileHostNetns(r),
  };
  r.finish();
  // Shallow on purpose: a problem's value may be the caller's own input object.
  const problems = Object.freeze(sink.list.map((p) => Object.freeze({ ...p })));
  return { config: sink.failed ? undefined : deepFreeze(config), problems };
}

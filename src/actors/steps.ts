/**
 * The agent's start-up steps that exist today, in dependency order: the store, this node's
 * ID, and IPAM with its REST endpoints. Each registers its stop hook and HTTP routes.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NodeAddressing, allocationsBody, ipamInfoBody } from '../ipam/index.js';
import { PersistentIpam } from '../ipamstore/persistent.js';
import { NodeSync } from '../nodesync/nodesync.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import type { KubeEvent, KubeSource } from '../sources/k8s/index.js';
import type { StartupContext, StartupStep } from './agent.js';
import type { HostSide } from './host-step.js';

/** What the steps hand to one another (and to tests through `AgentState`). */
export interface AgentState {
  store?: Store;
  nodeSync?: NodeSync;
  nodeId?: number;
  addressing?: NodeAddressing;
  nodeIP?: string;
  ipam?: PersistentIpam;
  /** Present when the Kubernetes source is enabled and synced. */
  kube?: KubeSource;
  /** Listeners of Kubernetes events registered by later steps. */
  kubeListeners?: Set<(e: KubeEvent) => void>;
  /** The host side of the VPP interconnect, when this agent applies it (see host-step.ts). */
  hostSide?: HostSide;
}

/** Builds the start-up steps sharing one `AgentState`. */
export function coreSteps(state: AgentState): StartupStep[] {
  return [
    {
      name: 'store',
      async run(ctx: StartupContext) {
        if (ctx.config.store.type === 'embedded') await mkdir(dirname(ctx.config.store.path), { recursive: true, mode: 0o700 });
        state.store = await openStore(ctx.config.store);
        const store = state.store;
        store.onStatus((status) => ctx.log.info({ status }, 'store connection'));
        ctx.onStop(() => store.close());
      },
    },
    {
      name: 'nodeId',
      async run(ctx: StartupContext) {
        const nodeSync = new NodeSync(need(state.store, 'store'), ctx.config.nodeName, { warn: (msg) => ctx.log.warn(msg) });
        state.nodeSync = nodeSync;
        state.nodeId = await nodeSync.allocateId();
        ctx.log.info({ nodeId: state.nodeId, nodeName: ctx.config.nodeName }, 'node ID allocated');
      },
    },
    {
      name: 'ipam',
      async run(ctx: StartupContext) {
        const nodeId = need(state.nodeId, 'node ID');
        const thisNode = ctx.config.thisNodeConfig;
        const addressing = new NodeAddressing(ctx.config.ipamConfig, nodeId, { staticGateway: thisNode?.gateway ?? ctx.config.ipamConfig.defaultGateway });
        state.addressing = addressing;
        state.nodeIP = thisNode?.mainVPPInterface?.ip ?? nodeIPFromIpam(addressing, nodeId);
        // without a Kubernetes source there is no list of live pods: keep every persisted allocation
        const livePods = await startKube(ctx, state);
        state.ipam = await PersistentIpam.open(need(state.store, 'store'), ctx.config.nodeName, addressing, livePods);
        const { released, adopted } = state.ipam.opened;
        ctx.log.info({ released: released.length, adopted: adopted.length, ...state.ipam.stats() }, 'IPAM restored');
        if (state.nodeIP) await need(state.nodeSync, 'node sync').publishNodeIPs([state.nodeIP]);
        const ipam = state.ipam;
        ctx.http.route('GET', '/contiv/v1/ipam', () => {
          const a = ipamInfoBody({ nodeId, nodeName: ctx.config.nodeName, nodeIP: state.nodeIP, addressing });
          return { status: a.status, body: a.body };
        });
        ctx.http.route('GET', '/contiv/v1/ipam/allocations', () => {
          const a = allocationsBody(ipam.list());
          return { status: a.status, body: a.body };
        });
      },
    },
  ];
}

/** Starts the Kubernetes source when enabled and waits for its first lists (bounded by the startup deadline). */
async function startKube(ctx: StartupContext, state: AgentState) {
  if (!ctx.config.kubernetes.enabled) return undefined;
  // the Kubernetes client is the largest library we use (seconds and ~80 MiB to load): only
  // an agent with the source enabled loads it
  const { kubeSourceOptions, startKubeSource } = await import('../sources/k8s/index.js');
  const opts = kubeSourceOptions(ctx.config);
  if (!opts) return undefined;
  const listeners = new Set<(e: KubeEvent) => void>();
  state.kubeListeners = listeners;
  const tell = (e: KubeEvent) => listeners.forEach((l) => l(e));
  const kube = startKubeSource(opts, {
    'pod.added': tell, 'pod.updated': tell, 'pod.deleted': tell, 'k8snode.added': tell, 'k8snode.updated': tell, 'k8snode.deleted': tell,
    error: (err, retryInMs) => ctx.log.warn({ err: err.message, retryInMs }, 'Kubernetes source error'),
  });
  ctx.onStop(() => kube.stop());
  const deadline = ctx.config.controller.startupResyncDeadlineMs;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    kube.synced(),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`Kubernetes pods and nodes not listed within ${deadline} ms`)), deadline))),
  ]).finally(() => clearTimeout(timer));
  state.kube = kube;
  ctx.log.info({ pods: kube.livePods().length, nodes: kube.nodes().length }, 'Kubernetes source synced');
  return kube.livePods();
}

function nodeIPFromIpam(addressing: NodeAddressing, nodeId: number): string | undefined {
  if (!addressing.nodeInterconnectCIDR) return undefined;
  const { ip, network } = addressing.nodeIPAddress(nodeId);
  return `${ip}/${network.split('/')[1]}`;
}

/** A value an earlier start-up step must have produced; a missing one is a wiring mistake. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`start-up order broken: ${what} is not ready`);
  return value;
}

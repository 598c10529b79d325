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
import type { StartupContext, StartupStep } from './agent.js';

/** What the steps hand to one another (and to tests through `AgentState`). */
export interface AgentState {
  store?: Store;
  nodeSync?: NodeSync;
  nodeId?: number;
  addressing?: NodeAddressing;
  nodeIP?: string;
  ipam?: PersistentIpam;
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
        state.ipam = await PersistentIpam.open(need(state.store, 'store'), ctx.config.nodeName, addressing, undefined);
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

function nodeIPFromIpam(addressing: NodeAddressing, nodeId: number): string | undefined {
  if (!addressing.nodeInterconnectCIDR) return undefined;
  const { ip, network } = addressing.nodeIPAddress(nodeId);
  return `${ip}/${network.split('/')[1]}`;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`start-up order broken: ${what} is not ready`);
  return value;
}

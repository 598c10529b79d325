/**
 * The complete desired ipnet state for a resync (spec ipnet-behaviour §10.2): node items,
 * every peer with an IP, every local pod with an IP, as one keyed set.
 */
import type { Config } from '../config/types.js';
import type { LocalNodeInput, PeerAddressing, PodInput } from './inputs.js';
import { ItemSet } from './itemset.js';
import { linuxInterfaceKey } from './keys.js';
import type { Item } from './model.js';
import { HOST_VETH_LINUX, HOST_VETH_VPP } from './naming.js';
import { hostRouteGateway, nodeItems } from './node.js';
import { peerItems } from './peer.js';
import { podItems } from './pod.js';

/** Inputs of a full build. */
export interface DesiredInputs {
  readonly local: LocalNodeInput;
  readonly peers: readonly PeerAddressing[];
  readonly pods: readonly PodInput[];
}

/** All items of a full build, node first, peers by ascending ID, pods in input order. */
export function desiredItems(config: Config, inputs: DesiredInputs): Item[] {
  const self = inputs.local.addressing;
  const out = nodeItems(config, inputs.local);
  const peers = [...inputs.peers].sort((a, b) => a.nodeId - b.nodeId);
  for (const p of peers) if (p.name !== config.nodeName && p.nodeId !== self.nodeId) out.push(...peerItems(config, self, p));
  const gw = hostRouteGateway(config, inputs.local);
  for (const pod of inputs.pods) out.push(...podItems(config, self, pod, gw));
  return out;
}

/** The desired set of a full build; throws `ItemConflictError` if two builders disagree on a key. */
export function desiredState(config: Config, inputs: DesiredInputs): ItemSet {
  return ItemSet.of(desiredItems(config, inputs));
}

/**
 * Keys to drop from the desired set at Shutdown (§10.3): in VETH mode the host-interconnect
 * pair would outlive VPP, so it is removed; TAPs disappear with VPP and need nothing.
 */
export function shutdownKeys(config: Config): string[] {
  return config.interfaceMode === 'veth' ? [linuxInterfaceKey(HOST_VETH_LINUX), linuxInterfaceKey(HOST_VETH_VPP)] : [];
}

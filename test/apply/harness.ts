/**
 * Shared set-up of the apply tests: a simulator behind a real bridge on an ipc:// socket in a
 * temp dir, a real BridgeClient, and the golden scenario of test/desired (node 1, peers 2
 * and 3, pods A and B). The simulator has no physical NIC, so the node uses `loopbackNIC`
 * (empty NIC name) as a node without a DPDK interface does.
 */
import type { ExecutionContext } from 'ava';
import type { Config } from '../../src/config/types.js';
import { desiredState, type DesiredInputs, type ItemSet, type PodInput } from '../../src/desired/index.js';
import type { BridgeClient } from '../../src/vpp/bridge/client.js';
import type { BridgeServer } from '../../src/vpp/bridge/server.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { apply, planVpp, tapHostsFrom, type ApplyResult } from '../../src/vpp/apply/index.js';
import { NameIndex } from '../../src/vpp/api/names.js';
import { connectClient, startBridge, tempDir } from '../bridge/harness.js';
import { goldenInputs, local1, modeConfig, podA, podB } from '../desired/scenario.js';

/** One simulated VPP reachable through the bridge. */
export interface Rig {
  readonly sim: VppSimulator;
  readonly endpoint: string;
  readonly client: BridgeClient;
  /** The bridge, for its message counts. */
  readonly server: BridgeServer;
}

/** A fresh simulator, bridge and client, all closed after the test. */
export async function rig(t: ExecutionContext, seed = 7): Promise<Rig> {
  const sim = new VppSimulator({ seed });
  t.teardown(() => sim.close());
  const server = await startBridge(t, sim, await tempDir(t, 'ipnet-apply-'));
  const client = await connectClient(t, server.endpoint);
  return { sim, endpoint: server.endpoint, client, server };
}

/** The golden inputs on a node without a physical NIC. */
export function inputs(pods: readonly PodInput[] = [podA, podB]): DesiredInputs {
  return { ...goldenInputs, local: { ...local1, nicName: '' }, pods };
}

/** Config and desired set of one mode. */
export function scenario(mode: 'tap' | 'veth', pods: readonly PodInput[] = [podA, podB], overlay = true): { config: Config; desired: ItemSet } {
  const config = modeConfig(mode, overlay);
  return { config, desired: desiredState(config, inputs(pods)) };
}

/** Linux items of a desired set, standing in for what src/linux would report as present. */
export function linuxOf(desired: ItemSet): ReturnType<ItemSet['values']> {
  return [...desired].filter((i) => !i.kind.startsWith('vpp-')).values();
}

/** Plans the VPP part of `desired` against `actual` and applies it. */
export async function applyAll(client: BridgeClient, desired: ItemSet, actual: ItemSet, index: NameIndex): Promise<ApplyResult> {
  const p = planVpp(desired, actual, linuxOf(desired));
  return apply(client, p.ops, index, { actual, tapHost: tapHostsFrom(desired) });
}

export { NameIndex, podA, podB };

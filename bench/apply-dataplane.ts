/**
 * The agent's Dataplane over the real bridge against the simulator: one pod's `setPod`
 * (wire, then unwire before the next) on a small node and on a node with 500 pods and 1,000
 * peers, to show a pod's transaction does not grow with the node; and 100 concurrent
 * `setPod` calls, which queue behind each other and are coalesced into few transactions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataplane } from '../src/actors/dataplane.js';
import { peerAddressing } from '../src/actors/peers.js';
import { localNodeInput } from '../src/desired/from-config.js';
import type { PodInput } from '../src/desired/index.js';
import { NodeAddressing } from '../src/ipam/index.js';
import { BridgeClient } from '../src/vpp/bridge/client.js';
import { BridgeServer } from '../src/vpp/bridge/server.js';
import { VppSimulator } from '../src/vpp/sim/simulator.js';
import { benchConfig } from './agent-harness.js';
import { figure, fmt, report } from './stats.js';

const suite = 'apply';

function podN(i: number, tag: string): PodInput {
  const cid = (`${tag}${i.toString(16)}`.padStart(10, '0') + 'ef'.repeat(27)).slice(0, 64);
  return { namespace: tag, name: `pod-${i}`, containerId: cid, netns: `/var/run/netns/${tag}${i}`, ifName: 'eth0', ip: `10.0.${4 + (i >> 8)}.${i & 255}` };
}

/** A Dataplane with `pods` pods and `peers` peers already applied by a resync. */
async function withDataplane(pods: number, peers: number, fn: (dp: Dataplane) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-dp-bench-'));
  const sim = new VppSimulator({ seed: 5 });
  const server = await BridgeServer.start({ listen: `ipc://${join(dir, 'bridge.sock')}`, backend: sim });
  const client = await BridgeClient.connect(server.endpoint, { timeoutMs: 30_000 });
  try {
    const config = benchConfig(dir, server.endpoint);
    const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: config.ipamConfig.defaultGateway });
    const dp = new Dataplane(config, client, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [] }));
    for (let id = 2; id < peers + 2; id++) {
      const peer = peerAddressing(addressing, { id, name: `peer-${id}`, vppIPs: [`192.168.${id >> 8}.${id & 255}/17`], mgmtIPs: [] }, true);
      if (peer === undefined) throw new Error(`peer ${id} not addressable`);
      await dp.setPeerDesired(peer);
    }
    for (let i = 0; i < pods; i++) await dp.setPodDesired(podN(i, 'base'));
    await dp.resync('bench set-up');
    await fn(dp);
  } finally {
    await client.close();
    await server.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** p50/p99 of `setPod` for a fresh pod at a node size, with CPU time per call. */
async function setPodAt(pods: number, peers: number): Promise<number> {
  let p50 = Number.NaN;
  await withDataplane(pods, peers, async (dp) => {
    const rounds = 200;
    const ms: number[] = [];
    let cpu = 0;
    for (let i = 0; i < rounds + 20; i++) {
      const pod = podN(i, 'fresh');
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await dp.setPod(pod);
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      const c = process.cpuUsage(c0);
      await dp.removePod(pod.namespace, pod.name);
      if (i < 20) continue; // warm-up
      ms.push(took);
      cpu += (c.user + c.system) / 1000;
    }
    report(suite, `Dataplane.setPod, ${pods} pods + ${peers} peers`, ms, `cpu/call=${fmt(cpu / rounds)} (bench process: agent side + bridge + simulator)`);
    p50 = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? Number.NaN;
  });
  return p50;
}

/** 100 concurrent `setPod` calls on a node with 10 pods: wall time and transactions used. */
async function concurrentSetPods(): Promise<void> {
  await withDataplane(10, 2, async (dp) => {
    for (let round = 0; round < 3; round++) {
      const pods = Array.from({ length: 100 }, (_, i) => podN(i, `burst${round}x`));
      const txns0 = dp.applies;
      const t0 = process.hrtime.bigint();
      await Promise.all(pods.map((p) => dp.setPod(p)));
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      figure(suite, `100 concurrent Dataplane.setPod, round ${round + 1}`, `wall=${fmt(wall)} → ${Math.round(100_000 / wall)} pods/s, VPP transactions=${dp.applies - txns0}`);
    }
  });
}

/** Runs the Dataplane figures. */
export async function dataplaneFigures(): Promise<void> {
  const small = await setPodAt(10, 2);
  const large = await setPodAt(500, 1000);
  figure(suite, 'setPod p50 at 500 pods + 1,000 peers vs 10 pods', `${(large / small).toFixed(2)}x (target ≤1.2x)`);
  await concurrentSetPods();
}

/**
 * Planner cost: a full plan for 250 pods + 1,000 peers from scratch, and one pod added to
 * that converged state through `replaceOwner` + `planDelta` (target < 1 ms, independent of
 * cluster size — compared against 10 pods + 10 peers to show it).
 */
import {
  type DesiredInputs, desiredState, ItemSet, type PeerAddressing, plan, planDelta, podItems, podOwner,
  type PodInput, recordApplied,
} from '../src/desired/index.js';
import { deploymentConfig, local1, node1 } from '../test/desired/scenario.js';
import { figure, report, sample } from './stats.js';

const config = deploymentConfig();
const N = 2000;

/** CPU time per run since `from`: robust to other processes sharing the host, unlike wall time. */
function cpuPer(from: NodeJS.CpuUsage, n: number): string {
  const d = process.cpuUsage(from);
  return `cpu/run=${((d.user + d.system) / n / 1000).toFixed(1)}ms`;
}

function peerN(id: number): PeerAddressing {
  const hi = id >> 8;
  const lo = id & 255;
  return {
    nodeId: id, name: `node${id}`, nodeIPs: [`192.168.${16 + hi}.${lo}/20`], mgmtIPs: [`10.20.${hi}.${lo}`],
    vxlanIP: `192.168.${32 + hi}.${lo}`, podSubnet: `10.${hi + 1}.${lo}.0/24`, hostSubnet: `172.${30 + hi}.${lo}.0/24`,
  };
}

function podN(i: number): PodInput {
  const cid = (i.toString(16).padStart(8, '0') + 'ab'.repeat(28)).slice(0, 64);
  return { namespace: 'bench', name: `pod-${i}`, containerId: cid, netns: `/var/run/netns/p${i}`, ifName: 'eth0', ip: `10.1.1.${2 + (i % 250)}` };
}

/** A pod not in the state: unique container ID and name, an IP outside the bench's pods. */
function freshPod(i: number): PodInput {
  const cid = (`f${i.toString(16)}`.padStart(12, '0') + 'cd'.repeat(26)).slice(0, 64);
  return { namespace: 'bench', name: `fresh-${i}`, containerId: cid, netns: `/var/run/netns/f${i}`, ifName: 'eth0', ip: '10.1.1.253' };
}

function inputs(pods: number, peers: number): DesiredInputs {
  return {
    local: local1,
    peers: Array.from({ length: peers }, (_, i) => peerN(i + 2)),
    pods: Array.from({ length: pods }, (_, i) => podN(i)),
  };
}

/** Incremental add of one fresh pod to a converged state of the given size. */
async function incremental(pods: number, peers: number, label: string): Promise<void> {
  const desired = desiredState(config, inputs(pods, peers));
  const actual = desired.clone();
  let ops = 0;
  let planMs = 0;
  const cpu0 = process.cpuUsage();
  const ms = await sample(N, (i) => {
    // A new pod each time (fresh container ID and name), as in a real cluster.
    const extra = freshPod(i);
    const owner = podOwner(extra.namespace, extra.name);
    const changed = desired.replaceOwner(owner, podItems(config, node1, extra));
    const t0 = performance.now();
    const p = planDelta(changed, desired, actual);
    planMs += performance.now() - t0;
    ops = p.ops.length;
    desired.replaceOwner(owner, []);
  });
  const cpu = process.cpuUsage(cpu0);
  const cpuPerAdd = (cpu.user + cpu.system) / N;
  report('plan', `add 1 pod to ${label}`, ms,
    `ops=${ops} items=${actual.size} mean planDelta=${((planMs / N) * 1000).toFixed(1)}µs cpu/add=${cpuPerAdd.toFixed(1)}µs (incl. build+remove)`);
}

/** CPU per phase of one pod add on the big state, many iterations: the figure contention does not blur. */
function phases(desired: ItemSet, actual: ItemSet): void {
  const extra = freshPod(1e6);
  const owner = podOwner(extra.namespace, extra.name);
  const n = 20000;
  const cpuOf = (f: () => void): string => {
    for (let i = 0; i < 1000; i++) f();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) f();
    const c = process.cpuUsage(c0);
    return `${((c.user + c.system) / n).toFixed(1)}µs`;
  };
  const build = cpuOf(() => podItems(config, node1, extra));
  const items = podItems(config, node1, extra);
  let k = 2e6;
  const replace = cpuOf(() => {
    const p = freshPod(k++);
    const o = podOwner(p.namespace, p.name);
    desired.replaceOwner(o, podItems(config, node1, p));
    desired.replaceOwner(o, []);
  });
  const changed = desired.replaceOwner(owner, items);
  const delta = cpuOf(() => planDelta(changed, desired, actual));
  desired.replaceOwner(owner, []);
  figure('plan', 'one pod add, CPU per phase (11.5k-item state)', `podItems=${build} podItems+replaceOwner(put+remove)=${replace} planDelta=${delta}`);
}

/** Prints build, full-plan and incremental-plan figures. */
export default async function (): Promise<void> {
  const big = inputs(250, 1000);
  let size = 0;
  let c = process.cpuUsage();
  const build = await sample(10, () => { size = desiredState(config, big).size; });
  report('plan', 'build desired: 250 pods + 1000 peers', build, `items=${size} ${cpuPer(c, 10)}`);

  const desired = desiredState(config, big);
  let steps = 0;
  c = process.cpuUsage();
  const full = await sample(10, () => { steps = plan(desired, new ItemSet()).steps; });
  report('plan', 'full plan from scratch: 250 pods + 1000 peers', full, `ops=${desired.size} steps=${steps} ${cpuPer(c, 10)}`);

  const actual = new ItemSet();
  recordApplied(actual, plan(desired, actual).ops);
  c = process.cpuUsage();
  const same = await sample(10, () => plan(desired, actual));
  report('plan', 'full plan, converged (zero ops)', same, cpuPer(c, 10));

  await incremental(10, 10, '10 pods + 10 peers');
  await incremental(250, 1000, '250 pods + 1000 peers');
  phases(desired, actual);
  figure('plan', 'target', 'incremental < 1 ms and flat in cluster size (wall p99 includes other processes on a shared host)');
}

/**
 * Start-up repair of what a crashed agent left between IPAM and the pod records. An ADD
 * records a pod's IP and its record in one transaction, but a DEL removes the record before
 * the IP, so an allocation without a record belongs to a DEL already past the record (or to
 * an ADD of an agent version that wrote the IP first). Those allocations are released here.
 */
import { podKey, type LivePod, type PodAllocation } from '../ipam/index.js';
import type { PersistentIpam } from '../ipamstore/persistent.js';
import type { PodRecord } from './pod-records.js';

/** Where the released allocations are reported (the agent's logger fits). */
export interface ReconcileLog {
  warn(fields: object, msg: string): void;
}

/**
 * Releases every IPAM allocation of a pod that has no pod record; returns what was released.
 * Only sound before the CNI socket opens: at run time an ADD in flight holds an IP (in memory)
 * before its record is written. A pod Kubernetes reports running with that IP keeps it: handing its
 * address to another pod would be worse than not knowing its sandbox.
 */
export async function reconcileAllocations(ipam: PersistentIpam, records: readonly PodRecord[], log: ReconcileLog, live: readonly LivePod[] = []): Promise<PodAllocation[]> {
  const recorded = new Set(records.map((r) => r.podKey));
  const running = new Set(live.map((p) => `${podKey(p.pod)} ${p.ip}`));
  const orphans = ipam.list().filter((a) => !recorded.has(podKey(a.pod)) && !running.has(`${podKey(a.pod)} ${a.ip}`));
  for (const a of orphans) {
    await ipam.release(a.pod);
    log.warn({ podKey: podKey(a.pod), ip: a.ip }, 'released the IP of a pod whose wiring never completed (agent stopped mid-ADD or mid-DEL)');
  }
  return orphans;
}

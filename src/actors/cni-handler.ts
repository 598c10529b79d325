/**
 * The agent's answer to CNI: each request becomes an event for the pod's actor, and the
 * reply waits for the actor to report wired, failed (after its revert) or deleted.
 */
import type { CniHandler } from '../cni/dispatch.js';
import { CniCode, CniError } from '../cni/errors.js';
import type { AttachmentRequest, ValidAttachment } from '../cni/request.js';
import type { PodNetworkResult } from '../cni/result.js';
import { podMacs } from '../linux/pod-names.js';
import { diffPodNetns, readPodNetns } from '../linux/read.js';
import { NetnsGoneError } from '../linux/netns.js';
import { PodWiringFailedError, type PodRegistry } from './pods.js';

/** Options of the CNI handler. */
export interface PodCniHandlerOptions {
  readonly mtu: number;
  /** Whether CHECK can read the netns (the agent wires netns itself). */
  readonly netns: boolean;
  /** False until the startup resync completed: STATUS then says "not available". */
  readonly ready: () => boolean;
}

/** Builds the handler the CNI server calls. */
export function podCniHandler(pods: PodRegistry, opts: PodCniHandlerOptions): CniHandler {
  const podKeyOf = (req: AttachmentRequest): string | undefined => (req.pod ? `${req.pod.namespace}/${req.pod.name}` : pods.findByContainer(req.containerId));
  return {
    async add(req) {
      if (!opts.ready()) throw new CniError(CniCode.TryAgainLater, 'the ipnet agent has not finished its startup resync');
      const podKey = podKeyOf(req) as string;
      if (!req.netns) throw new CniError(CniCode.InvalidEnvironment, 'ADD needs CNI_NETNS');
      try {
        const w = await pods.add(podKey, { containerId: req.containerId, netns: req.netns.path, ifName: req.ifname });
        const result: PodNetworkResult = {
          interfaces: [{ name: req.ifname, mac: w.mac, sandbox: req.netns.path, ...(opts.mtu ? { mtu: opts.mtu } : {}) }],
          ips: [{ address: `${w.ip}/32`, gateway: w.gateway, interface: 0 }],
          routes: [{ dst: '0.0.0.0/0', gw: w.gateway }],
        };
        return result;
      } catch (err) {
        if (err instanceof PodWiringFailedError) throw new CniError(CniCode.PodWiringFailed, err.message, err.revertError ?? '');
        throw err;
      }
    },
    async del(req) {
      const podKey = podKeyOf(req);
      if (podKey === undefined) return; // never seen: nothing to remove
      await pods.del(podKey, req.containerId);
    },
    async check(req) {
      const podKey = podKeyOf(req);
      const w = podKey === undefined ? undefined : pods.wiring(podKey);
      if (!w || pods.containerOf(podKey as string) !== req.containerId) throw new CniError(CniCode.UnknownContainer, `container ${req.containerId} is not wired by this agent`);
      if (!opts.netns || !req.netns) return;
      let diff: string[];
      try {
        const state = await readPodNetns(req.netns, req.ifname);
        diff = diffPodNetns({ ifname: req.ifname, ip: w.ip, gateway: w.gateway, gatewayMac: podMacs(req.containerId).vpp, podMac: w.mac, mtu: opts.mtu || undefined }, state);
      } catch (err) {
        if (err instanceof NetnsGoneError) throw new CniError(CniCode.CheckFailed, err.message);
        throw err;
      }
      if (diff.length) throw new CniError(CniCode.CheckFailed, `pod network check failed: ${diff.join('; ')}`);
    },
    async status() {
      if (!opts.ready()) throw new CniError(CniCode.NotAvailable, 'the ipnet agent has not finished its startup resync');
    },
    async gc(valid: readonly ValidAttachment[]) {
      const keep = new Set(valid.map((v) => v.containerId));
      for (const row of pods.list()) {
        if (row.containerId !== undefined && !keep.has(row.containerId)) await pods.del(row.podKey, row.containerId);
      }
    },
  };
}

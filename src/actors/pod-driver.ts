/**
 * The effects of a pod's lifecycle, composed from IPAM, the dataplane and the pod's netns
 * side. Every undo step is idempotent, so revert and unwire are the same walk and a retry
 * after a crash cannot do harm.
 */
import type { Config } from '../config/types.js';
import { deepEqual } from '../desired/itemset.js';
import { podIfNames } from '../desired/naming.js';
import { hostVethName, podMacs } from '../linux/pod-names.js';
import { parseNetnsPath } from '../linux/netns-path.js';
import { unwirePod, wirePod, type PodWiring as NetnsWiring } from '../linux/netns.js';
import type { PodEffectInput, PodWiring } from '../machines/pod.js';
import type { PersistentIpam } from '../ipamstore/persistent.js';
import type { Dataplane } from './dataplane.js';
import type { PodRecords } from './pod-records.js';
import type { PodDriver } from './pods.js';

/** Splits `namespace/name`. */
export function podRef(podKey: string): { namespace: string; name: string } {
  const i = podKey.indexOf('/');
  return { namespace: podKey.slice(0, i), name: podKey.slice(i + 1) };
}

/** What the driver needs. `netns: false` leaves the pod namespace alone (no root, no netns). */
export interface PodDriverDeps {
  readonly config: Config;
  readonly ipam: PersistentIpam;
  readonly dataplane: Dataplane;
  readonly gateway: string;
  readonly netns: boolean;
  readonly records: PodRecords;
}

/** Builds the driver the pod actors run. */
export function podDriver(deps: PodDriverDeps): PodDriver {
  const { config, ipam, dataplane, gateway } = deps;
  const mode = config.interfaceMode;

  const netnsWiring = (input: PodEffectInput, ip: string): NetnsWiring => {
    const c = input.container;
    const macs = podMacs(c.containerId);
    return {
      netns: parseNetnsPath(c.netns),
      ifname: c.ifName,
      mode,
      ...(mode === 'veth' ? { hostIfName: hostVethName(c.containerId) } : { tapName: c.ifName }),
      ip,
      gateway,
      podMac: macs.linux,
      gatewayMac: macs.vpp,
      mtu: config.mtuSize || undefined,
    };
  };

  const undo = async (input: PodEffectInput): Promise<void> => {
    const pod = podRef(input.podKey);
    const c = input.container;
    const errors: string[] = [];
    const step = async (what: string, fn: () => Promise<unknown>): Promise<boolean> => {
      try {
        await fn();
        return true;
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message}`);
        return false;
      }
    };
    // the record is the commit point (an ADD writes it in the same transaction as the IP, a
    // DEL removes it first): after a crash past it the start-up resync and IP reconcile remove
    // the rest, and no IP is ever freed while a record still names it. Releasing the IP last
    // also frees an ADD's uncommitted reservation only once its VPP items are gone.
    const forgotten = await step('forget pod record', () => deps.records.delete(input.podKey));
    if (deps.netns) {
      // a failed ADD has no wiring yet: its IP is still held (released last, below)
      const ip = input.wiring?.ip ?? ipam.get(pod)?.ip ?? '';
      await step('unwire netns', () => unwirePod({ netns: safeNetns(c.netns), ifname: c.ifName, mode, hostIfName: hostVethName(c.containerId), ip, gateway }));
    }
    await step('remove VPP items', () => dataplane.removePod(pod.namespace, pod.name));
    if (forgotten) await step('release IP', () => ipam.release(pod));
    if (errors.length) throw new Error(errors.join('; '));
  };

  return {
    async wire(input) {
      const pod = podRef(input.podKey);
      const c = input.container;
      // The IP is held in memory until the store transaction that records it with the pod
      // record, which runs while VPP is wired: its disk (or etcd) round trip hides behind
      // VPP's instead of following it. Crash safety: before that commit nothing in the store
      // names the IP or the pod, so a restarted agent rebuilds IPAM without it (nothing
      // leaks) and its start-up resync removes the VPP items of pods without a record; after
      // it, the restarted agent's resync finishes the VPP side from the record, and a
      // repeated ADD of that sandbox runs this wiring again (`rewire`): every step is
      // idempotent. The VETH netns side goes before the commit, so a record always finds it.
      // A failure makes the pod machine revert, which removes the record first.
      const reservation = await ipam.reserve(pod, { container: c.containerId });
      const ip = reservation.ip;
      const podInput = { ...pod, containerId: c.containerId, netns: c.netns, ifName: c.ifName, ip };
      // VETH: the host end must exist before VPP attaches AF_PACKET to it; TAP: VPP creates the device first
      if (deps.netns && mode === 'veth' && !input.rewire) await wirePod(netnsWiring(input, ip));
      const wiring: PodWiring = {
        ip,
        gateway,
        mac: podMacs(c.containerId).linux,
        vppIfName: podIfNames(c.containerId, mode).vpp,
        hostIfName: c.ifName,
      };
      // a re-wire of an adopted pod finds its record (where adoption read it) and its IP in
      // the store already: it writes nothing, so a store outage cannot fail it, and the revert
      // a failure brings cannot tear down a pod that was working
      const recorded = input.rewire && input.wiring !== undefined && deepEqual(input.wiring, wiring);
      // settled into a value at once: a store failure while VPP is still being wired must not
      // surface as an unhandled rejection
      const committed = reservation.commit(recorded ? [] : [deps.records.putOp(input.podKey, c, wiring)]).then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      try {
        await dataplane.setPod(podInput);
        if (deps.netns && mode === 'tap') await wirePod(netnsWiring(input, ip));
      } catch (err) {
        // the revert that follows must find the commit settled, to remove what it wrote
        await committed;
        throw err;
      }
      const commit = await committed;
      if (!commit.ok) throw commit.error;
      return wiring;
    },
    revert: undo,
    unwire: undo,
  };
}

function safeNetns(path: string) {
  try {
    return parseNetnsPath(path);
  } catch {
    return undefined;
  }
}

/**
 * The pod's side of the network, inside its namespace: interface, /32 address, link-scope
 * route to the gateway, default route, permanent ARP entry for the gateway (VPP's MAC), MTU
 * and loopback. ADD either completes or leaves nothing behind; DEL tolerates what is gone.
 *
 * One ip process per operation, run inside the pod netns. VETH mode creates the pair from
 * there with the host end as the main device, placed into the host netns and brought up at
 * creation (the kernel refuses `up` on a veth peer at creation, so the host end cannot be the
 * peer), while the pod end stays in the pod netns for the following lines. TAP mode finds the
 * TAP VPP created inside the netns.
 */
import { access } from 'node:fs/promises';
import { batchLine, HOST, IpBatchError, runIpBatch, targetName, type BatchTarget } from './ip-batch.js';
import type { NetnsRef } from './netns-path.js';

/** Everything needed to wire one pod interface. */
export interface PodWiring {
  readonly netns: NetnsRef;
  /** Name of the interface inside the pod (CNI_IFNAME). */
  readonly ifname: string;
  readonly mode: 'veth' | 'tap';
  /** VETH: name of the host end (spec §4: first 15 bytes of the container ID). */
  readonly hostIfName?: string;
  /** TAP: the TAP's current name inside the netns, when VPP created it under another name. */
  readonly tapName?: string;
  /** Pod IPv4 address (configured as /32). */
  readonly ip: string;
  readonly gateway: string;
  /** MAC of the pod-side interface (spec §5 Linux side). */
  readonly podMac?: string;
  /** MAC the gateway answers with (VPP side), pinned as a permanent ARP entry. */
  readonly gatewayMac: string;
  /** 0 or undefined keeps the kernel default. */
  readonly mtu?: number;
  /** Where the VETH host end goes (default: this process's netns, `/proc/<pid>/ns/net`). */
  readonly hostNetns?: string;
}

/** What ADD created, for undoing it. */
export type PodUnwiring = Pick<PodWiring, 'ifname' | 'mode' | 'hostIfName' | 'ip' | 'gateway'> & {
  /** Undefined when the runtime no longer knows the namespace. */
  readonly netns: NetnsRef | undefined;
};

/** Wiring the pod failed; nothing it created is left behind (or `cleanupError` says why). */
export class PodWiringError extends Error {
  constructor(readonly netnsPath: string, readonly ifname: string, cause: Error, readonly cleanupError?: Error) {
    super(`failed to wire ${ifname} in netns ${netnsPath}: ${cause.message}${cleanupError ? ` (cleanup also failed: ${cleanupError.message})` : ''}`, { cause });
    this.name = 'PodWiringError';
  }
}

/** The pod's namespace does not exist (any more). */
export class NetnsGoneError extends Error {
  constructor(readonly netnsPath: string) {
    super(`network namespace ${netnsPath} does not exist`);
    this.name = 'NetnsGoneError';
  }
}

/** True when the namespace file is still there (named netns file, or the process lives). */
export async function netnsExists(ref: NetnsRef): Promise<boolean> {
  return access(ref.path).then(() => true, () => false);
}

function mtuTokens(mtu: number | undefined): (string | number)[] {
  return mtu ? ['mtu', mtu] : [];
}

/** The whole ADD as batch lines run inside the pod netns (no I/O, so tests can read them). */
export function podSideLines(w: PodWiring): string[] {
  const dev = w.ifname;
  const lines: string[] = [];
  if (w.mode === 'veth') {
    if (!w.hostIfName) throw new Error(`failed to wire ${dev}: VETH mode needs hostIfName`);
    const hostNetns = w.hostNetns ?? `/proc/${process.pid}/ns/net`;
    lines.push(batchLine('link', 'add', w.hostIfName, ...mtuTokens(w.mtu), 'up', 'netns', hostNetns, 'type', 'veth',
      'peer', 'name', dev, ...mtuTokens(w.mtu), ...(w.podMac ? ['address', w.podMac] : [])));
  } else {
    if (w.tapName && w.tapName !== dev) lines.push(batchLine('link', 'set', 'dev', w.tapName, 'name', dev));
    if (w.podMac) lines.push(batchLine('link', 'set', 'dev', dev, 'address', w.podMac));
    if (w.mtu) lines.push(batchLine('link', 'set', 'dev', dev, ...mtuTokens(w.mtu)));
  }
  lines.push(
    batchLine('link', 'set', 'dev', 'lo', 'up'),
    batchLine('link', 'set', 'dev', dev, 'up'),
    batchLine('addr', 'replace', `${w.ip}/32`, 'dev', dev),
    batchLine('route', 'replace', `${w.gateway}/32`, 'dev', dev, 'scope', 'link'),
    batchLine('route', 'replace', 'default', 'via', w.gateway, 'dev', dev),
    batchLine('neigh', 'replace', w.gateway, 'lladdr', w.gatewayMac, 'dev', dev, 'nud', 'permanent'),
  );
  return lines;
}

function tapUndoLines(w: Pick<PodWiring, 'ifname' | 'ip' | 'gateway'>): string[] {
  // `neigh` failures end the ip process even under -force, so it goes last; so does a
  // malformed line, hence no `addr del` without an address (an ADD that failed before it had one)
  return [
    batchLine('route', 'del', 'default', 'via', w.gateway, 'dev', w.ifname),
    batchLine('route', 'del', `${w.gateway}/32`, 'dev', w.ifname),
    ...(w.ip === '' ? [] : [batchLine('addr', 'del', `${w.ip}/32`, 'dev', w.ifname)]),
    batchLine('neigh', 'del', w.gateway, 'dev', w.ifname),
  ];
}

/** Creates and configures the pod interface; on failure removes what it made and throws PodWiringError. */
export async function wirePod(w: PodWiring): Promise<void> {
  if (!(await netnsExists(w.netns))) throw new PodWiringError(w.netns.path, w.ifname, new NetnsGoneError(w.netns.path));
  const lines = podSideLines(w);
  try {
    await runIpBatch(w.netns, lines);
  } catch (err) {
    const failedAt = err instanceof IpBatchError ? err.failedLine : 0;
    // Line 1 creating the veth pair failed: nothing exists. Otherwise undo (a neigh failure
    // reports no line number, so 0 also means "something may exist").
    if (w.mode === 'veth' && failedAt === 1) throw new PodWiringError(w.netns.path, w.ifname, err as Error);
    let cleanupError: Error | undefined;
    try {
      if (w.mode === 'veth') await runIpBatch(w.netns, [batchLine('link', 'del', 'dev', w.ifname)]).catch(ignoreMissing);
      else await runIpBatch(w.netns, tapUndoLines(w), { force: true });
    } catch (e) {
      cleanupError = e as Error;
    }
    throw new PodWiringError(w.netns.path, w.ifname, err as Error, cleanupError);
  }
}

function ignoreMissing(err: unknown): void {
  if (!isMissingDevice(err)) throw err;
}

/** ip's ways of saying "that was not there": fine when removing. */
const ALREADY_GONE = /No such process|No such file or directory|Cannot find device|does not exist|Cannot assign requested address|Address not found/;

function isMissingDevice(err: unknown): boolean {
  return err instanceof IpBatchError && /Cannot find device|does not exist/.test(err.stderr);
}

/**
 * Removes what `wirePod` created. VETH: deleting the host end removes the pair, whether or
 * not the netns still exists. TAP: removes address, routes and ARP entry (VPP owns the TAP).
 * Already-gone pieces are not errors.
 */
export async function unwirePod(u: PodUnwiring): Promise<void> {
  if (u.mode === 'veth') {
    if (!u.hostIfName) throw new Error(`failed to unwire ${u.ifname}: VETH mode needs hostIfName`);
    await runIpBatch(HOST, [batchLine('link', 'del', 'dev', u.hostIfName)]).catch(ignoreMissing);
    return;
  }
  if (u.netns === undefined || !(await netnsExists(u.netns))) return;
  const out = await runIpBatch(u.netns, tapUndoLines(u), { force: true });
  const real = out.stderr.split('\n').filter((l) => /RTNETLINK|Error|Cannot/.test(l) && !ALREADY_GONE.test(l));
  if (real.length > 0) throw new Error(`failed to unwire ${u.ifname} in ${targetName(u.netns as BatchTarget)}: ${real.join('; ')}`);
}

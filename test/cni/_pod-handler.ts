/**
 * A CniHandler composed from src/linux with a trivial address choice: the composition the
 * real pod actor will make (with IPAM and VPP added), good enough to drive the CNI path end
 * to end in tests and the bench.
 */
import { CniCode, CniError } from '../../src/cni/errors.js';
import type { CniHandler } from '../../src/cni/dispatch.js';
import type { AttachmentRequest, ValidAttachment } from '../../src/cni/request.js';
import type { PodNetworkResult } from '../../src/cni/result.js';
import { NetnsGoneError, unwirePod, wirePod, type PodWiring } from '../../src/linux/netns.js';
import { hostVethName, podMacs } from '../../src/linux/pod-names.js';
import { diffPodNetns, readPodNetns } from '../../src/linux/read.js';

/** Options of the test handler. */
export interface NetnsHandlerOptions {
  /** First three octets, e.g. `10.77.0`; pods get .2, .3, … and the gateway is .1. */
  readonly prefix: string;
  readonly mtu?: number;
}

/** Wires pods with veth pairs and remembers what it did per container. */
export class NetnsHandler implements CniHandler {
  readonly pods = new Map<string, PodWiring>();
  /** Set to false to make STATUS report "not available". */
  ready = true;
  private next = 2;

  constructor(private readonly opts: NetnsHandlerOptions) {}

  get gateway(): string {
    return `${this.opts.prefix}.1`;
  }

  async add(req: AttachmentRequest): Promise<PodNetworkResult> {
    if (!req.netns) throw new CniError(CniCode.InvalidEnvironment, 'ADD needs CNI_NETNS');
    const macs = podMacs(req.containerId);
    const w: PodWiring = {
      netns: req.netns, ifname: req.ifname, mode: 'veth', hostIfName: hostVethName(req.containerId),
      ip: `${this.opts.prefix}.${this.next++}`, gateway: this.gateway, podMac: macs.linux, gatewayMac: macs.vpp, mtu: this.opts.mtu,
    };
    try {
      await wirePod(w);
    } catch (err) {
      throw new CniError(CniCode.PodWiringFailed, (err as Error).message);
    }
    this.pods.set(req.containerId, w);
    return {
      interfaces: [{ name: req.ifname, mac: macs.linux, sandbox: req.netns.path, mtu: this.opts.mtu }],
      ips: [{ address: `${w.ip}/32`, gateway: w.gateway, interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', gw: w.gateway }],
    };
  }

  async del(req: AttachmentRequest): Promise<void> {
    // Names derive from the container ID, so DEL works even for a pod this handler never saw.
    await unwirePod({ netns: req.netns, ifname: req.ifname, mode: 'veth', hostIfName: hostVethName(req.containerId), ip: '', gateway: '' });
    this.pods.delete(req.containerId);
  }

  async check(req: AttachmentRequest): Promise<void> {
    const w = this.pods.get(req.containerId);
    if (!w || !req.netns) throw new CniError(CniCode.UnknownContainer, `container ${req.containerId} is not known`);
    let diff: string[];
    try {
      diff = diffPodNetns(w, await readPodNetns(req.netns, req.ifname));
    } catch (err) {
      if (err instanceof NetnsGoneError) throw new CniError(CniCode.CheckFailed, err.message);
      throw err;
    }
    if (diff.length > 0) throw new CniError(CniCode.CheckFailed, `pod network check failed: ${diff.join('; ')}`);
  }

  async status(): Promise<void> {
    if (!this.ready) throw new Error('the agent has not finished its startup resync');
  }

  async gc(valid: readonly ValidAttachment[]): Promise<void> {
    const keep = new Set(valid.map((v) => v.containerId));
    for (const [cid, w] of [...this.pods]) {
      if (keep.has(cid)) continue;
      await unwirePod({ ...w });
      this.pods.delete(cid);
    }
  }
}

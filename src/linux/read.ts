/**
 * Reads a pod's network back from its namespace (one `ip -j` batch) and compares it with
 * what ADD configured, so CHECK reports exactly which piece is missing.
 */
import { runIpBatch } from './ip-batch.js';
import { NetnsGoneError, netnsExists, type PodWiring } from './netns.js';
import type { NetnsRef } from './netns-path.js';

/** The pod interface as the kernel reports it. */
export interface PodLink {
  readonly name: string;
  readonly mtu: number;
  readonly mac: string;
  readonly up: boolean;
  /** `veth`, `tun`, … (undefined for plain devices). */
  readonly kind: string | undefined;
}

/** One route whose device is the pod interface. */
export interface PodRoute {
  readonly dst: string;
  readonly gateway: string | undefined;
  readonly scope: string | undefined;
}

/** One neighbour entry on the pod interface. */
export interface PodNeighbour {
  readonly ip: string;
  readonly mac: string | undefined;
  readonly states: readonly string[];
}

/** What the pod namespace holds for one interface. */
export interface PodNetnsState {
  readonly loopbackUp: boolean;
  /** Undefined when the interface does not exist. */
  readonly link: PodLink | undefined;
  /** IPv4 addresses as CIDR. */
  readonly addresses: readonly string[];
  readonly routes: readonly PodRoute[];
  readonly neighbours: readonly PodNeighbour[];
}

type Json = Record<string, unknown>;

function parseLines(stdout: string, n: number): Json[][] {
  const docs = stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json[]);
  if (docs.length !== n) throw new Error(`expected ${n} JSON documents from ip, got ${docs.length}`);
  return docs;
}

/** Reads interface, addresses, routes, neighbours and loopback state of `ifname` in `netns`. */
export async function readPodNetns(netns: NetnsRef, ifname: string): Promise<PodNetnsState> {
  if (!(await netnsExists(netns))) throw new NetnsGoneError(netns.path);
  const out = await runIpBatch(netns, ['link show', 'addr show', 'route show', 'neigh show'], { json: true });
  const [links, addrs, routes, neighs] = parseLines(out.stdout, 4) as [Json[], Json[], Json[], Json[]];
  const flags = (o: Json | undefined): string[] => (o?.flags as string[] | undefined) ?? [];
  const lo = links.find((l) => l.ifname === 'lo');
  const l = links.find((x) => x.ifname === ifname);
  const link: PodLink | undefined = l && {
    name: ifname,
    mtu: Number(l.mtu),
    mac: String(l.address ?? ''),
    up: flags(l).includes('UP'),
    kind: (l.linkinfo as Json | undefined)?.info_kind as string | undefined,
  };
  const a = addrs.find((x) => x.ifname === ifname);
  const addresses = ((a?.addr_info as Json[] | undefined) ?? [])
    .filter((i) => i.family === 'inet').map((i) => `${String(i.local)}/${String(i.prefixlen)}`);
  return {
    loopbackUp: flags(lo).includes('UP'),
    link,
    addresses,
    routes: routes.filter((r) => r.dev === ifname).map((r) => ({
      dst: String(r.dst), gateway: r.gateway as string | undefined, scope: r.scope as string | undefined,
    })),
    neighbours: neighs.filter((n) => n.dev === ifname).map((n) => ({
      ip: String(n.dst), mac: n.lladdr as string | undefined, states: (n.state as string[] | undefined) ?? [],
    })),
  };
}

/** Differences between what ADD configured and what the netns holds; empty means CHECK passes. */
export function diffPodNetns(w: Pick<PodWiring, 'ifname' | 'ip' | 'gateway' | 'gatewayMac' | 'podMac' | 'mtu'>, s: PodNetnsState): string[] {
  const dev = w.ifname;
  if (s.link === undefined) return [`interface ${dev} is missing`];
  const out: string[] = [];
  if (!s.link.up) out.push(`interface ${dev} is down`);
  if (!s.loopbackUp) out.push('loopback is down');
  if (w.mtu && s.link.mtu !== w.mtu) out.push(`interface ${dev} has MTU ${s.link.mtu}, expected ${w.mtu}`);
  if (w.podMac && s.link.mac.toLowerCase() !== w.podMac.toLowerCase()) out.push(`interface ${dev} has MAC ${s.link.mac}, expected ${w.podMac}`);
  if (!s.addresses.includes(`${w.ip}/32`)) out.push(`address ${w.ip}/32 is missing on ${dev}`);
  const gwDst = [w.gateway, `${w.gateway}/32`];
  if (!s.routes.some((r) => gwDst.includes(r.dst) && r.scope === 'link')) out.push(`link-scope route to ${w.gateway} is missing on ${dev}`);
  if (!s.routes.some((r) => (r.dst === 'default' || r.dst === '0.0.0.0/0') && r.gateway === w.gateway)) out.push(`default route via ${w.gateway} is missing on ${dev}`);
  const n = s.neighbours.find((x) => x.ip === w.gateway);
  if (!n || n.mac?.toLowerCase() !== w.gatewayMac.toLowerCase() || !n.states.includes('PERMANENT')) {
    out.push(`permanent ARP entry ${w.gateway} -> ${w.gatewayMac} is missing on ${dev}`);
  }
  return out;
}

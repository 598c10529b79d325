/**
 * Reads the host namespace's links, IPv4 addresses and IPv4 routes in one `ip -j` process:
 * the host-side applier compares them with what the node wants, and the node's `hostIPs`
 * (the addresses VPP routes back to the host) come from the same read.
 */
import { runIpBatch, type BatchTarget } from './ip-batch.js';

/** One link of the host namespace as the kernel reports it. */
export interface HostLink {
  readonly name: string;
  readonly mtu: number;
  readonly mac: string;
  /** Administratively up (the `UP` flag), whatever the carrier. */
  readonly up: boolean;
  /** `veth`, `tun`, … (undefined for plain devices). */
  readonly kind: string | undefined;
  /** IPv4 addresses as CIDR. */
  readonly addresses: readonly string[];
}

/** One IPv4 route of the main table. */
export interface HostRoute {
  /** CIDR; `0.0.0.0/0` for the default route, `/32` added to bare host routes. */
  readonly dst: string;
  readonly dev: string;
  readonly gateway: string | undefined;
  /** `kernel` for the connected routes the kernel adds with an address. */
  readonly protocol: string | undefined;
}

/** What the host namespace holds. */
export interface HostNetState {
  readonly links: ReadonlyMap<string, HostLink>;
  readonly routes: readonly HostRoute[];
}

type Json = Record<string, unknown>;

/** ip prints `default` and bare addresses; the desired state speaks CIDR only. */
export function routeDst(dst: string): string {
  if (dst === 'default') return '0.0.0.0/0';
  return dst.includes('/') ? dst : `${dst}/32`;
}

/** Parses the two JSON documents of `addr show` + `route show` (no I/O, so tests can feed it). */
export function parseHostNet(stdout: string): HostNetState {
  const docs = stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json[]);
  const [addrs, routes] = docs;
  if (docs.length !== 2 || addrs === undefined || routes === undefined) throw new Error(`expected 2 JSON documents from ip, got ${docs.length}`);
  const links = new Map<string, HostLink>();
  for (const l of addrs) {
    const name = String(l.ifname);
    links.set(name, {
      name,
      mtu: Number(l.mtu),
      mac: String(l.address ?? ''),
      up: ((l.flags as string[] | undefined) ?? []).includes('UP'),
      kind: (l.linkinfo as Json | undefined)?.info_kind as string | undefined,
      addresses: ((l.addr_info as Json[] | undefined) ?? [])
        .filter((a) => a.family === 'inet').map((a) => `${String(a.local)}/${String(a.prefixlen)}`),
    });
  }
  return {
    links,
    routes: routes.filter((r) => typeof r.dev === 'string').map((r) => ({
      dst: routeDst(String(r.dst)), dev: r.dev as string, gateway: r.gateway as string | undefined, protocol: r.protocol as string | undefined,
    })),
  };
}

/** Reads links, addresses and routes of the namespace `target`. */
export async function readHostNet(target: BatchTarget): Promise<HostNetState> {
  const out = await runIpBatch(target, ['addr show', 'route show table main'], { json: true });
  return parseHostNet(out.stdout);
}

/** Link prefixes whose addresses are not the host's own (spec §7.2): loopback, containers, VMs, VPP. */
const NOT_HOST = ['lo', 'docker', 'virbr', 'vpp'];

/** The node's `hostIPs`: IPv4 addresses (no prefix length) of links not named like NOT_HOST, sorted. */
export function hostIPsOf(state: HostNetState): string[] {
  const ips = new Set<string>();
  for (const l of state.links.values()) {
    if (NOT_HOST.some((p) => l.name.startsWith(p))) continue;
    for (const a of l.addresses) ips.add(a.slice(0, a.indexOf('/')));
  }
  return [...ips].sort();
}

/**
 * The host side of the VPP↔host interconnect (spec ipnet-behaviour §7.2), applied in the
 * host namespace: the interconnect link (`vpp1`) with its address, MTU and MAC, in VETH
 * mode the pair VPP's AF_PACKET binds to, and the routes to pods and services via VPP.
 *
 * Idempotent by construction: the namespace is read first and only the differences become
 * batch lines, so a second run over a converged namespace runs no `ip` command that writes.
 * In TAP mode VPP creates the link; until it exists its configuration is pending, not failed.
 */
import type { Item, LinuxInterfaceValue, LinuxRouteValue } from '../desired/model.js';
import { NODE_OWNER } from '../desired/model.js';
import { batchLine, runIpBatch, type BatchTarget } from './ip-batch.js';
import { readHostNet, type HostNetState } from './host-read.js';

/** One host link the node wants, by its kernel name. */
export interface HostLinkSpec {
  readonly name: string;
  /** `tap`: VPP creates it; `veth`: the agent creates it together with `peer`. */
  readonly mode: 'tap' | 'veth';
  readonly peer?: string;
  readonly up: boolean;
  readonly mtu?: number;
  readonly mac?: string;
  /** IPv4 CIDRs; any other IPv4 address on the link is removed (the link is the node's). */
  readonly addresses: readonly string[];
}

/** A route the host sends via VPP. */
export interface HostRouteSpec {
  readonly dst: string;
  readonly via: string;
  readonly dev: string;
}

/** Everything the host namespace should hold for the interconnect. */
export interface HostSideSpec {
  readonly links: readonly HostLinkSpec[];
  readonly routes: readonly HostRouteSpec[];
}

/** The desired items name a link by logical name; the kernel knows it by `host_if_name`. */
function kernelName(v: LinuxInterfaceValue): string {
  return v.host_if_name ?? v.name;
}

/**
 * The host side from the desired state: the node's Linux interfaces without a namespace
 * (pods' interfaces live in theirs) and the node's Linux routes, renamed to kernel names.
 */
export function hostSideFrom(items: Iterable<Item>): HostSideSpec {
  const ifaces = new Map<string, LinuxInterfaceValue>();
  const routes: LinuxRouteValue[] = [];
  for (const it of items) {
    if (it.owner !== NODE_OWNER) continue;
    if (it.kind === 'linux-interface' && it.value.namespace === undefined) ifaces.set(it.value.name, it.value);
    if (it.kind === 'linux-route') routes.push(it.value);
  }
  const links: HostLinkSpec[] = [];
  for (const v of ifaces.values()) {
    if (v.type === 'LOOPBACK') continue;
    const peer = v.veth ? ifaces.get(v.veth.peer_if_name) : undefined;
    if (v.veth && peer === undefined) throw new Error(`failed to read host interface ${v.name}: its VETH peer ${v.veth.peer_if_name} is not desired`);
    links.push({
      name: kernelName(v), mode: v.type === 'VETH' ? 'veth' : 'tap', up: v.enabled, addresses: v.ip_addresses,
      ...(peer ? { peer: kernelName(peer) } : {}), ...(v.mtu ? { mtu: v.mtu } : {}), ...(v.phys_address ? { mac: v.phys_address } : {}),
    });
  }
  return {
    links,
    routes: routes.flatMap((r) => {
      const dev = ifaces.get(r.outgoing_interface);
      // a route without a gateway or through a link that is not the host's is not ours to set here
      return dev && r.gw_addr ? [{ dst: r.dst_network, via: r.gw_addr, dev: kernelName(dev) }] : [];
    }),
  };
}

/** The lines that take `state` to `spec`, and why parts of `spec` must wait. */
export interface HostSidePlan {
  readonly lines: readonly string[];
  /** Links VPP has not created yet: nothing on them is applied. */
  readonly pending: readonly string[];
}

function mtuTokens(mtu: number | undefined): (string | number)[] {
  return mtu ? ['mtu', mtu] : [];
}

/** Plans the change from `state` to `spec` (no I/O). */
export function planHostSide(spec: HostSideSpec, state: HostNetState): HostSidePlan {
  const create: string[] = [];
  const link: string[] = [];
  const addr: string[] = [];
  const route: string[] = [];
  const pending: string[] = [];
  const created = new Set<string>();
  const present = new Set<string>();
  for (const l of spec.links) {
    const cur = state.links.get(l.name);
    if (cur === undefined && l.mode === 'tap') {
      pending.push(l.name);
      continue;
    }
    if (cur === undefined && !created.has(l.name)) {
      const peer = spec.links.find((p) => p.name === l.peer);
      create.push(batchLine('link', 'add', l.name, ...mtuTokens(l.mtu), 'type', 'veth', 'peer', 'name', l.peer ?? '', ...mtuTokens(peer?.mtu)));
      created.add(l.name).add(l.peer ?? '');
    }
    present.add(l.name);
    if (l.mac && cur?.mac.toLowerCase() !== l.mac.toLowerCase()) link.push(batchLine('link', 'set', 'dev', l.name, 'address', l.mac));
    if (cur !== undefined && l.mtu && cur.mtu !== l.mtu) link.push(batchLine('link', 'set', 'dev', l.name, 'mtu', l.mtu));
    if (l.up && !cur?.up) link.push(batchLine('link', 'set', 'dev', l.name, 'up'));
    const has = cur?.addresses ?? [];
    for (const a of l.addresses) if (!has.includes(a)) addr.push(batchLine('addr', 'replace', a, 'dev', l.name));
    for (const a of has) if (!l.addresses.includes(a)) addr.push(batchLine('addr', 'del', a, 'dev', l.name));
  }
  for (const r of spec.routes) {
    if (!present.has(r.dev)) continue;
    const cur = state.routes.find((x) => x.dst === r.dst && x.dev === r.dev);
    if (cur?.gateway !== r.via) route.push(batchLine('route', 'replace', r.dst, 'via', r.via, 'dev', r.dev));
  }
  // a gateway route on the node's link that the node no longer wants (say the service CIDR
  // after routeServiceCIDRToVPP was turned off); connected routes have no gateway
  for (const x of state.routes) {
    if (!present.has(x.dev) || x.gateway === undefined) continue;
    if (!spec.routes.some((r) => r.dst === x.dst && r.dev === x.dev)) route.push(batchLine('route', 'del', x.dst, 'via', x.gateway, 'dev', x.dev));
  }
  return { lines: [...create, ...link, ...addr, ...route], pending };
}

/** What one application did. */
export interface HostSideResult extends HostSidePlan {
  /** The namespace as read before the change (for `hostIPs`). */
  readonly before: HostNetState;
}

/** Reads the host namespace, then applies only the differences in one `ip` process. */
export async function applyHostSide(target: BatchTarget, spec: HostSideSpec): Promise<HostSideResult> {
  const before = await readHostNet(target);
  const plan = planHostSide(spec, before);
  if (plan.lines.length > 0) await runIpBatch(target, plan.lines);
  return { ...plan, before };
}

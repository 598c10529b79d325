/**
 * retrieve: dumps VPP into items with the keys and value shapes `src/desired` builds, plus
 * the name index apply resolves names with. Only ipnet's objects are reported: interfaces by
 * tag, BDs by tag, static neighbours on tagged interfaces, routes minus VPP's own entries
 * (routes.ts). Write-only settings (the neighbour-table config, STN rules, punt redirects)
 * have no read-back message in the set ipnet speaks; they are reported as the desired set
 * states them when a tagged interface of the same owner is found (apply is transactional, so the
 * owner's setting went in with it); on a fresh VPP nothing is found and they get applied.
 */
import type { VppChannel } from '../api/channel.js';
import type { NameIndex } from '../api/names.js';
import { dumpNeighbors, type Neighbor } from '../api/neighbors.js';
import { dumpProxyArp } from '../api/proxyarp.js';
import { vppArp } from '../../desired/items.js';
import { ItemSet } from '../../desired/itemset.js';
import { VPP_PROXY_ARP_KEY, vppArpKey } from '../../desired/keys.js';
import { NODE_OWNER, type Item, type VppArpValue, type VppProxyArpValue } from '../../desired/model.js';
import { item } from '../../desired/items.js';
import { deepEqual } from '../../desired/itemset.js';
import { adopt, adoptAs, desiredTwin } from './adopt.js';
import { dumpAllInterfaces, retrieveInterfaces, type InterfaceDump } from './interfaces.js';
import { dumpL2, retrieveL2, type L2Dump } from './l2.js';
import { dumpAllRoutes, retrieveRoutes, type RouteDump } from './routes.js';

/** Kinds VPP 24.02 cannot be asked about through ipnet's message set. */
export const WRITE_ONLY_KINDS: ReadonlySet<Item['kind']> = new Set(['vpp-ipscanneigh', 'vpp-stn-rule', 'vpp-punt-redirect']);

/** Retrieve knobs. */
export interface RetrieveOptions {
  /**
   * The desired set: supplies owners, Linux dependencies, fields VPP does not keep, and the
   * write-only items. Leave it out after a VPP restart (nothing ipnet wrote survives).
   */
  readonly correlate?: ItemSet;
}

/** What retrieve found. */
export interface Retrieved {
  readonly items: ItemSet;
  readonly index: NameIndex;
}

/** Everything retrieve reads from VPP, before it is turned into items. */
export interface VppDump {
  readonly interfaces: InterfaceDump;
  readonly neighbors: readonly Neighbor[];
  readonly proxy: Awaited<ReturnType<typeof dumpProxyArp>>;
  readonly routes: RouteDump;
  readonly l2: L2Dump;
}

/**
 * Reads everything retrieve reports. Every dump that needs no other's answer is asked at
 * once: VPP answers one while the agent decodes another (routes and L2 need the interfaces
 * only to be turned into items).
 */
export async function dumpVpp(ch: VppChannel): Promise<VppDump> {
  const [interfaces, neighbors, proxy, routes, l2] = await Promise.all([dumpAllInterfaces(ch), dumpNeighbors(ch), dumpProxyArp(ch), dumpAllRoutes(ch), dumpL2(ch)]);
  return { interfaces, neighbors, proxy, routes, l2 };
}

/** Dumps VPP into ipnet's items. */
export async function retrieve(ch: VppChannel, opts: RetrieveOptions = {}): Promise<Retrieved> {
  return itemsOf(await dumpVpp(ch), opts);
}

/** A dump as ipnet's items; `correlate` as for `retrieve`. */
export function itemsOf(dump: VppDump, opts: RetrieveOptions = {}): Retrieved {
  const corr = opts.correlate;
  const { neighbors, proxy } = dump;
  const ifs = retrieveInterfaces(dump.interfaces, corr);
  const items: Item[] = [...ifs.items, ...retrieveRoutes(dump.routes, ifs.index, ifs.views, neighbors, corr), ...retrieveL2(dump.l2, ifs.index, corr)];
  for (const n of neighbors) {
    const name = ifs.index.ifName(n.swIfIndex);
    if (!n.isStatic || name === undefined) continue;
    const value: VppArpValue = { interface: name, ip_address: n.ip, phys_address: n.mac, static: true };
    const want = corr?.get(vppArpKey(name, n.ip));
    items.push(desiredTwin(want, 'vpp-arp', value) ?? adoptAs(vppArp(value, NODE_OWNER), want));
  }
  if (proxy.ranges.length > 0 || proxy.interfaces.length > 0) {
    const value: VppProxyArpValue = {
      interfaces: proxy.interfaces.map((i) => ({ name: ifs.index.ifName(i) ?? `sw_if_index ${i}` })),
      ranges: proxy.ranges.map((r) => ({ first_ip_addr: r.low, last_ip_addr: r.high })),
    };
    items.push(adopt(item('vpp-proxyarp', VPP_PROXY_ARP_KEY, orderLike(value, corr?.get(VPP_PROXY_ARP_KEY)?.value as VppProxyArpValue | undefined), [], NODE_OWNER), corr));
  }
  // Owners' items are applied in atomic transactions: if one of an owner's tagged interfaces
  // is in VPP, so is its write-only setting (a fresh VPP has none, and gets it applied).
  const present = new Set(items.filter((i) => i.kind === 'vpp-interface' && i.origin !== 'sb').map((i) => i.owner));
  for (const it of corr ?? []) if (WRITE_ONLY_KINDS.has(it.kind) && present.has(it.owner)) items.push(it);
  const set = new ItemSet();
  for (const it of items) set.put(it);
  return { items: set, index: ifs.index };
}

/** Lists in the desired order when they hold the same elements (VPP's order is its own). */
function orderLike(v: VppProxyArpValue, want: VppProxyArpValue | undefined): VppProxyArpValue {
  if (want === undefined) return v;
  const same = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x) => b.some((y) => deepEqual(x, y)));
  return {
    interfaces: same(v.interfaces, want.interfaces) ? want.interfaces : v.interfaces,
    ranges: same(v.ranges, want.ranges) ? want.ranges : v.ranges,
  };
}

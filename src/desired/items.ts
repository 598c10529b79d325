/**
 * Item constructors: each knows its key and its dependencies, so builders state *what* they
 * want and never order anything (STYLE practice 5). A VPP interface and a bridge domain
 * expand into derived values, as in the KVScheduler model (vpp-api.md §4.2): an address
 * needs the VRF binding, which needs the VRF table; unnumbered needs the target's address.
 */
import type {
  Item, ItemKind, ItemOf, LinuxArpValue, LinuxInterfaceValue, LinuxRouteValue, ValueByKind, VppArpValue,
  VppBridgeDomainValue, VppInterfaceValue, VppL2FibValue, VppRouteValue,
} from './model.js';
import {
  linuxArpKey, linuxInterfaceKey, linuxRouteKey, vppArpKey, vppBdMemberKey, vppBridgeDomainKey, vppDhcpClientKey,
  vppInterfaceAddressKey, vppInterfaceKey, vppInterfaceVrfKey, vppL2FibKey, vppRouteKey, vppUnnumberedKey,
  vppVrfTableKey,
} from './keys.js';

/** Builds one item; `deps` are sorted so equal inputs give identical items. */
export function item<K extends ItemKind>(
  kind: K, key: string, value: ValueByKind[K], deps: readonly string[], owner: string, derivedFrom?: string,
): ItemOf<K> {
  const sorted = deps.length > 1 ? uniqueSorted(deps) : deps;
  const v = compact(value);
  return derivedFrom === undefined
    ? { key, kind, value: v, deps: sorted, owner }
    : { key, kind, value: v, deps: sorted, owner, derivedFrom };
}

function uniqueSorted(deps: readonly string[]): string[] {
  // insertion sort: an item has two to four deps, and Array.prototype.sort sets up a work
  // area per call (a pod's ~15 items made it the largest allocation of the desired builder)
  const out = deps.slice();
  for (let i = 1; i < out.length; i++) {
    const x = out[i] as string;
    let j = i - 1;
    for (; j >= 0 && (out[j] as string) > x; j--) out[j + 1] = out[j] as string;
    out[j + 1] = x;
  }
  let w = 1;
  for (let r = 1; r < out.length; r++) if (out[r] !== out[w - 1]) out[w++] = out[r] as string;
  out.length = w;
  return out;
}

/**
 * Drops `undefined` fields (recursively) so an unset option is absent, never `undefined`:
 * values then compare, serialise and print the same way whichever builder made them.
 * Returns the input itself when nothing is undefined (the common case, no allocation).
 */
export function compact<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const x = o[k];
    const c = x === undefined ? undefined : compact(x);
    if (out === undefined && (x === undefined || c !== x)) {
      out = {};
      for (const k2 in o) {
        if (k2 === k) break;
        out[k2] = o[k2];
      }
    }
    if (out !== undefined && c !== undefined) out[k] = c;
  }
  return (out ?? v) as T;
}

/** Where an unnumbered interface borrows its address: the target and one of its addresses. */
export interface UnnumberedTarget {
  readonly name: string;
  /** An address the target is configured with (the dependency that makes VPP accept it). */
  readonly address: string;
}

/**
 * A VPP interface plus its derived values. Dependencies: a VXLAN tunnel in a non-zero VRF
 * needs the table; an AF_PACKET needs its Linux host interface (`hostLinuxKey`).
 */
export function vppInterface(
  v: VppInterfaceValue, owner: string, opts: { unnumberedTo?: UnnumberedTarget; hostLinuxKey?: string } = {},
): Item[] {
  const key = vppInterfaceKey(v.name);
  const deps: string[] = [];
  if (opts.hostLinuxKey !== undefined) deps.push(opts.hostLinuxKey);
  const out: Item[] = [item('vpp-interface', key, v, deps, owner)];
  const vrfKey = vppInterfaceVrfKey(v.name, v.vrf);
  out.push(item('vpp-interface-vrf', vrfKey, { interface: v.name, vrf: v.vrf }, [key, vppVrfTableKey(v.vrf)], owner, key));
  for (const a of v.ip_addresses) {
    out.push(item('vpp-interface-address', vppInterfaceAddressKey(v.name, a), { interface: v.name, address: a }, [key, vrfKey], owner, key));
  }
  if (v.unnumbered !== undefined) {
    const target = opts.unnumberedTo?.name ?? v.unnumbered.interface_with_ip;
    const udeps = [key, vrfKey, vppInterfaceKey(target)];
    if (opts.unnumberedTo !== undefined) udeps.push(vppInterfaceAddressKey(target, opts.unnumberedTo.address));
    out.push(item('vpp-interface-unnumbered', vppUnnumberedKey(v.name), { interface: v.name, interface_with_ip: target }, udeps, owner, key));
  }
  if (v.set_dhcp_client === true) {
    out.push(item('vpp-interface-dhcp', vppDhcpClientKey(v.name), { interface: v.name }, [key, vrfKey], owner, key));
  }
  return out;
}

/** A bridge domain (members are added with `bdMember`). */
export function vppBridgeDomain(v: VppBridgeDomainValue, owner: string): Item {
  return item('vpp-bridge-domain', vppBridgeDomainKey(v.name), v, [], owner);
}

/** One bridge-domain member; owned by whoever owns the member interface. */
export function bdMember(bd: string, name: string, bvi: boolean, shg: number, owner: string): Item {
  const bdKey = vppBridgeDomainKey(bd);
  return item('vpp-bd-member', vppBdMemberKey(bd, name),
    { bridge_domain: bd, name, bridged_virtual_interface: bvi, split_horizon_group: shg },
    [bdKey, vppInterfaceKey(name)], owner, bdKey);
}

/** A static L2 FIB entry: needs the outgoing interface to be a member of the BD. */
export function vppL2Fib(v: VppL2FibValue, owner: string): Item {
  return item('vpp-l2fib', vppL2FibKey(v.bridge_domain, v.phys_address), v,
    [vppBridgeDomainKey(v.bridge_domain), vppBdMemberKey(v.bridge_domain, v.outgoing_interface)], owner);
}

/** A VPP route: needs its VRF table, via-VRF table and outgoing interface. */
export function vppRoute(v: VppRouteValue, owner: string): Item {
  const deps = [vppVrfTableKey(v.vrf_id)];
  if (v.via_vrf_id !== undefined) deps.push(vppVrfTableKey(v.via_vrf_id));
  if (v.outgoing_interface !== undefined) deps.push(vppInterfaceKey(v.outgoing_interface));
  return item('vpp-route', vppRouteKey(v.vrf_id, v.dst_network, v.next_hop_addr), v, deps, owner);
}

/** A static VPP ARP entry: needs its interface. */
export function vppArp(v: VppArpValue, owner: string): Item {
  return item('vpp-arp', vppArpKey(v.interface, v.ip_address), v, [vppInterfaceKey(v.interface)], owner);
}

/** A Linux interface; `extraDeps` name the other end it needs (VPP TAP, VETH pair creator). */
export function linuxInterface(v: LinuxInterfaceValue, owner: string, extraDeps: readonly string[] = []): Item {
  return item('linux-interface', linuxInterfaceKey(v.name), v, extraDeps, owner);
}

/** A Linux route: needs its interface (and, for a gateway route, `extraDeps` making the gateway reachable). */
export function linuxRoute(v: LinuxRouteValue, owner: string, extraDeps: readonly string[] = []): Item {
  return item('linux-route', linuxRouteKey(v.dst_network, v.outgoing_interface), v,
    [linuxInterfaceKey(v.outgoing_interface), ...extraDeps], owner);
}

/** A Linux static ARP entry: needs its interface. */
export function linuxArp(v: LinuxArpValue, owner: string): Item {
  return item('linux-arp', linuxArpKey(v.interface, v.ip_address), v, [linuxInterfaceKey(v.interface)], owner);
}

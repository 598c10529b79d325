/**
 * Per-kind knowledge the planner and the future apply/retrieve layers share: when an actual
 * value already satisfies a desired one, whether a difference can be updated in place or
 * needs delete + create, and which VPP 24.02 messages (or iproute2 commands, for Linux
 * items) realise each operation. Apply will implement exactly these lists.
 */
import { deepEqual } from './itemset.js';
import type { Item, ItemKind, ValueByKind, VppInterfaceValue } from './model.js';
import { isIpnetInterfaceName } from './naming.js';

/** The calls that realise one item kind, per operation. */
export interface Calls {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
}

/** What the planner and apply need to know about one kind. */
export interface Descriptor<K extends ItemKind> {
  /** Fields carried by derived items (compared there, not here). */
  readonly derivedFields: readonly (keyof ValueByKind[K])[];
  /** Fields whose change forces delete + create. */
  readonly recreateOn: readonly (keyof ValueByKind[K])[];
  /** Calls per operation; may depend on the value (interface type). */
  calls(v: ValueByKind[K]): Calls;
}

const c = (create: string[], update: string[], del: string[]): Calls => ({ create, update, delete: del });
const ifaceCommon = ['sw_interface_tag_add_del', 'sw_interface_set_mac_address', 'hw_interface_set_mtu', 'sw_interface_set_rx_mode', 'sw_interface_set_flags'];

function vppInterfaceCalls(v: VppInterfaceValue): Calls {
  switch (v.type) {
    case 'TAP': return c(['tap_create_v3', ...ifaceCommon], ifaceCommon, ['tap_delete_v2']);
    case 'AF_PACKET': return c(['af_packet_create_v3', ...ifaceCommon], ifaceCommon, ['af_packet_delete']);
    case 'SOFTWARE_LOOPBACK': return c(['create_loopback', ...ifaceCommon], ifaceCommon, ['delete_loopback']);
    case 'VXLAN_TUNNEL': return c(['vxlan_add_del_tunnel_v3', ...ifaceCommon], ifaceCommon, ['vxlan_add_del_tunnel_v3']);
    case 'MEMIF': return c(['memif_socket_filename_add_del_v2', 'memif_create_v2', ...ifaceCommon], ifaceCommon, ['memif_delete']);
    // A physical NIC exists already: "create" configures it, "delete" only takes it down.
    case 'DPDK':
    case 'VMXNET3_INTERFACE': return c(ifaceCommon, ifaceCommon, ['sw_interface_set_flags']);
  }
}

const ip = (args: string): string => `ip ${args}`;

/** The descriptor table, one entry per kind. */
export const descriptors: { readonly [K in ItemKind]: Descriptor<K> } = {
  'vpp-interface': {
    derivedFields: ['vrf', 'ip_addresses', 'unnumbered', 'set_dhcp_client'],
    recreateOn: ['type', 'tap', 'afpacket', 'vxlan', 'vmx_net3', 'memif'],
    calls: vppInterfaceCalls,
  },
  'vpp-interface-vrf': { derivedFields: [], recreateOn: ['vrf'], calls: () => c(['sw_interface_set_table'], [], ['sw_interface_set_table']) },
  'vpp-interface-address': { derivedFields: [], recreateOn: ['address'], calls: () => c(['sw_interface_add_del_address'], [], ['sw_interface_add_del_address']) },
  'vpp-interface-unnumbered': { derivedFields: [], recreateOn: ['interface_with_ip'], calls: () => c(['sw_interface_set_unnumbered'], [], ['sw_interface_set_unnumbered']) },
  'vpp-interface-dhcp': { derivedFields: [], recreateOn: [], calls: () => c(['dhcp_client_config'], [], ['dhcp_client_config']) },
  'vpp-bridge-domain': {
    derivedFields: [], recreateOn: ['name'],
    calls: () => c(['bridge_domain_add_del_v2'], ['bridge_flags'], ['bridge_domain_add_del_v2']),
  },
  'vpp-bd-member': { derivedFields: [], recreateOn: ['bridged_virtual_interface', 'split_horizon_group'], calls: () => c(['sw_interface_set_l2_bridge'], [], ['sw_interface_set_l2_bridge']) },
  'vpp-l2fib': { derivedFields: [], recreateOn: ['outgoing_interface', 'static_config', 'bridged_virtual_interface', 'action'], calls: () => c(['l2fib_add_del'], [], ['l2fib_add_del']) },
  'vpp-route': { derivedFields: [], recreateOn: ['type', 'outgoing_interface', 'via_vrf_id'], calls: () => c(['ip_route_add_del'], [], ['ip_route_add_del']) },
  'vpp-arp': { derivedFields: [], recreateOn: [], calls: () => c(['ip_neighbor_add_del'], ['ip_neighbor_add_del'], ['ip_neighbor_add_del']) },
  'vpp-vrf-table': { derivedFields: [], recreateOn: [], calls: () => c(['ip_table_add_del'], ['ip_table_add_del'], ['ip_table_add_del']) },
  'vpp-ipscanneigh': { derivedFields: [], recreateOn: [], calls: () => c(['ip_neighbor_config'], ['ip_neighbor_config'], ['ip_neighbor_config']) },
  'vpp-proxyarp': {
    derivedFields: [], recreateOn: ['ranges', 'interfaces'],
    calls: () => c(['proxy_arp_add_del', 'proxy_arp_intfc_enable_disable'], [], ['proxy_arp_intfc_enable_disable', 'proxy_arp_add_del']),
  },
  'vpp-stn-rule': { derivedFields: [], recreateOn: [], calls: () => c(['stn_add_del_rule'], [], ['stn_add_del_rule']) },
  'vpp-punt-redirect': { derivedFields: [], recreateOn: ['next_hop'], calls: () => c(['add_del_ip_punt_redirect_v2'], [], ['add_del_ip_punt_redirect_v2']) },
  'linux-interface': {
    derivedFields: [], recreateOn: ['type', 'namespace', 'tap', 'host_if_name'],
    calls: (v) => v.type === 'LOOPBACK'
      ? c([ip('addr replace'), ip('link set up')], [ip('addr replace'), ip('addr del')], [ip('addr del')])
      : c([ip('link add'), ip('link set netns'), ip('link set address'), ip('link set mtu'), ip('addr replace'), ip('link set up')],
        [ip('link set address'), ip('link set mtu'), ip('addr replace'), ip('addr del'), ip('link set up')], [ip('link del')]),
  },
  'linux-route': { derivedFields: [], recreateOn: ['scope', 'gw_addr'], calls: () => c([ip('route replace')], [ip('route replace')], [ip('route del')]) },
  'linux-arp': { derivedFields: [], recreateOn: [], calls: () => c([ip('neigh replace')], [ip('neigh replace')], [ip('neigh del')]) },
};

/** The calls apply makes for one planned operation (derived deletes implied by their base need none). */
export function callsOf(op: { readonly op: keyof Calls; readonly item: Item; readonly withBase?: true }): readonly string[] {
  if (op.withBase) return [];
  const d = descriptors[op.item.kind] as Descriptor<ItemKind>;
  return d.calls(op.item.value as never)[op.op];
}

function fieldsOf(it: Item): { derived: readonly string[]; recreate: readonly string[] } {
  const d = descriptors[it.kind] as Descriptor<ItemKind>;
  return { derived: d.derivedFields as readonly string[], recreate: d.recreateOn as readonly string[] };
}

/**
 * Whether the actual value already satisfies the desired one. A field the desired value
 * leaves out (or sets to undefined) is whatever VPP/Linux filled in — a generated MAC, the
 * default MTU, ring sizes — and is not compared. MACs compare case-insensitively.
 */
export function satisfies(desired: Item, actual: Item): boolean {
  if (desired.kind !== actual.kind) return false;
  const { derived } = fieldsOf(desired);
  const dv = desired.value as unknown as Record<string, unknown>;
  const av = actual.value as unknown as Record<string, unknown>;
  for (const [k, want] of Object.entries(dv)) {
    if (want === undefined || derived.includes(k)) continue;
    if (!deepEqual(normalise(k, want), normalise(k, av[k]))) return false;
  }
  return true;
}

/** Whether a difference between actual and desired must be applied as delete + create. */
export function needsRecreate(desired: Item, actual: Item): boolean {
  if (desired.kind !== actual.kind) return true;
  const { recreate } = fieldsOf(desired);
  const dv = desired.value as unknown as Record<string, unknown>;
  const av = actual.value as unknown as Record<string, unknown>;
  return recreate.some((k) => dv[k] !== undefined && !deepEqual(normalise(k, dv[k]), normalise(k, av[k])));
}

function normalise(field: string, v: unknown): unknown {
  return typeof v === 'string' && (field === 'phys_address' || field === 'hw_address') ? v.toLowerCase() : v;
}

/**
 * The default "ours" rule for deletion: never an item retrieve marked as SB-owned, and for
 * interfaces (and values derived from them) only names ipnet generates. Everything else in
 * the actual set came from ipnet's own keys (retrieve only reports those).
 */
export function ownedByIpnet(it: Item): boolean {
  if (it.origin === 'sb') return false;
  if (it.kind === 'vpp-interface' || it.kind === 'linux-interface') return isIpnetInterfaceName(it.value.name);
  return true;
}

/**
 * A node as the agent wires it, in the agent's own requests (shapes taken from the call log of
 * a Dataplane resync and a setPod): loopbacks, host TAP, a VXLAN tunnel, BVI neighbour, L2 FIB
 * entry and two routes per peer, and per pod a TAP with neighbour, /32 route, VRF and
 * unnumbered link. Shared by the scale tests and the simulator bench, so both exercise the
 * sequence the agent really sends.
 */
import type { Msg } from '../../src/vpp/sim/fields.js';
import type { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { NONE, addr, mac, path, pfx, req } from './helpers.js';

/** One request as the agent sends it. */
export interface Call {
  readonly name: string;
  readonly body: Msg;
}

/** Indices the node set-up hands out and the pod calls refer to. */
export interface AgentNode {
  readonly podGw: number;
  readonly bvi: number;
  readonly vxlans: readonly number[];
}

const POD_VRF = 1;

/** Pod `i`'s IPv4 address (room for far more pods than one node holds). */
export function podIp(i: number): string {
  const n = i + 2;
  return `10.128.${n >> 8}.${n & 255}`;
}

function hex2(n: number): string {
  return (n & 255).toString(16).padStart(2, '0');
}

/** The TAP create of pod `i`: what the agent's first flight of an AddPod carries. */
export function podCreate(i: number): Call {
  return {
    name: 'tap_create_v3',
    body: {
      id: NONE, use_random_mac: false, mac_address: mac(`02:fe:00:${hex2(i >> 16)}:${hex2(i >> 8)}:${hex2(i)}`),
      num_rx_queues: 1, num_tx_queues: 1, tx_ring_sz: 256, rx_ring_sz: 256,
      host_namespace_set: true, host_namespace: `/var/run/netns/pod${i}`, host_if_name_set: true, host_if_name: 'eth0',
      tag: `vpp-tap-${i.toString(16).padStart(8, '0')}${'ef'.repeat(26)}`.slice(0, 63),
    },
  };
}

/** The rest of pod `i`'s add, once its TAP is `sw` (the agent's second flight). */
export function podWire(node: AgentNode, i: number, sw: number): Call[] {
  const ip = podIp(i);
  return [
    { name: 'sw_interface_set_flags', body: { sw_if_index: sw, flags: 1 } },
    { name: 'ip_neighbor_add_del', body: { is_add: true, neighbor: { sw_if_index: sw, flags: 1, mac_address: mac(`02:fe:01:${hex2(i >> 16)}:${hex2(i >> 8)}:${hex2(i)}`), ip_address: addr(ip) } } },
    routeCall(true, POD_VRF, `${ip}/32`, path({ sw, nh: ip })),
    { name: 'sw_interface_set_table', body: { sw_if_index: sw, is_ipv6: false, vrf_id: POD_VRF } },
    { name: 'sw_interface_set_unnumbered', body: { sw_if_index: node.podGw, unnumbered_sw_if_index: sw, is_add: true } },
  ];
}

/** Pod `i`'s delete, in the agent's order. */
export function podRemove(node: AgentNode, i: number, sw: number): Call[] {
  const wire = podWire(node, i, sw);
  const neighbor = wire[1] as Call;
  const route = wire[2] as Call;
  return [
    { name: 'ip_neighbor_add_del', body: { ...neighbor.body, is_add: false } },
    { name: 'ip_route_add_del', body: { ...route.body, is_add: false } },
    { name: 'sw_interface_set_unnumbered', body: { sw_if_index: node.podGw, unnumbered_sw_if_index: sw, is_add: false } },
    { name: 'sw_interface_set_table', body: { sw_if_index: sw, is_ipv6: false, vrf_id: 0 } },
    { name: 'tap_delete_v2', body: { sw_if_index: sw } },
  ];
}

function routeCall(isAdd: boolean, table: number, cidr: string, p: Msg): Call {
  return { name: 'ip_route_add_del', body: { is_add: isAdd, is_multipath: false, route: { table_id: table, prefix: pfx(cidr), n_paths: 1, paths: [p] } } };
}

function must(sim: VppSimulator, c: Call): Msg & { retval: number } {
  const r = req(sim, c.name, c.body);
  if (r.retval !== 0) throw new Error(`failed to set up the node: ${c.name} answered ${r.retval}`);
  return r;
}

/** Peer `id`'s addresses: VXLAN endpoint, BVI neighbour, pod and host subnets. */
function peerOf(id: number): { vtep: string; bviIp: string; bviMac: string; pods: string; hosts: string } {
  const pods = 1024 * id;
  return {
    vtep: `192.168.${id >> 8}.${id & 255}`,
    bviIp: `192.168.${128 + (id >> 8)}.${id & 255}`,
    bviMac: `12:2b:00:00:${hex2(id >> 8)}:${hex2(id)}`,
    pods: `10.${pods >> 16}.${(pods >> 8) & 255}.0/22`,
    hosts: `172.${16 + (id >> 8)}.${id & 255}.0/24`,
  };
}

/** Builds the node (node id 1) with `peers` peers and `pods` pods, every call checked. */
export function agentNode(sim: VppSimulator, opts: { pods: number; peers: number }): AgentNode {
  must(sim, { name: 'bridge_domain_add_del_v2', body: { is_add: true, bd_id: NONE, forward: true, bd_tag: 'vxlanBD' } });
  const nic = must(sim, { name: 'create_loopback', body: { mac_address: mac('00:00:00:00:00:00') } }).sw_if_index as number;
  const podGw = must(sim, { name: 'create_loopback', body: { mac_address: mac('00:00:00:00:00:00') } }).sw_if_index as number;
  const host = must(sim, { name: 'tap_create_v3', body: { id: NONE, mac_address: mac('34:3c:00:00:00:01'), tx_ring_sz: 256, rx_ring_sz: 256, tag: 'hostInterconnect' } }).sw_if_index as number;
  const bvi = must(sim, { name: 'create_loopback', body: { mac_address: mac('12:2b:00:00:00:01') } }).sw_if_index as number;
  must(sim, { name: 'ip_neighbor_config', body: { af: 0, max_number: 50000, max_age: 240 } });
  must(sim, { name: 'ip_table_add_del', body: { is_add: true, table: { table_id: POD_VRF, is_ip6: false, name: 'podVRF-IPv4' } } });
  for (const [sw, vrf] of [[nic, 0], [podGw, POD_VRF], [host, 0], [bvi, POD_VRF]] as const) {
    must(sim, { name: 'sw_interface_set_table', body: { sw_if_index: sw, is_ipv6: false, vrf_id: vrf } });
    must(sim, { name: 'sw_interface_set_flags', body: { sw_if_index: sw, flags: 1 } });
  }
  must(sim, { name: 'sw_interface_set_l2_bridge', body: { rx_sw_if_index: bvi, bd_id: 1, port_type: 1, shg: 1, enable: true } });
  for (const [sw, cidr] of [[nic, '192.168.0.1/17'], [podGw, '10.128.0.1/16'], [host, '172.16.1.1/24'], [bvi, '192.168.128.1/17']] as const) {
    must(sim, { name: 'sw_interface_add_del_address', body: { sw_if_index: sw, is_add: true, prefix: pfx(cidr) } });
  }
  must(sim, routeCall(true, 0, '10.0.0.0/8', path({ table: POD_VRF })));
  must(sim, routeCall(true, POD_VRF, '0.0.0.0/0', path({ table: 0 })));
  const vxlans: number[] = [];
  for (let id = 2; id < opts.peers + 2; id++) {
    const p = peerOf(id);
    const vx = must(sim, {
      name: 'vxlan_add_del_tunnel_v3',
      body: { is_add: true, instance: NONE, src_address: addr('192.168.0.1'), dst_address: addr(p.vtep), mcast_sw_if_index: NONE, decap_next_index: NONE, vni: 10 },
    }).sw_if_index as number;
    vxlans.push(vx);
    must(sim, { name: 'sw_interface_tag_add_del', body: { is_add: true, sw_if_index: vx, tag: `vxlan${id}` } });
    must(sim, { name: 'sw_interface_set_flags', body: { sw_if_index: vx, flags: 1 } });
    must(sim, { name: 'sw_interface_set_l2_bridge', body: { rx_sw_if_index: vx, bd_id: 1, shg: 1, enable: true } });
    must(sim, { name: 'ip_neighbor_add_del', body: { is_add: true, neighbor: { sw_if_index: bvi, flags: 1, mac_address: mac(p.bviMac), ip_address: addr(p.bviIp) } } });
    must(sim, { name: 'l2fib_add_del', body: { mac: mac(p.bviMac), bd_id: 1, sw_if_index: vx, is_add: true, static_mac: true } });
    must(sim, routeCall(true, POD_VRF, p.pods, path({ sw: bvi, nh: p.bviIp })));
    must(sim, routeCall(true, POD_VRF, p.hosts, path({ sw: bvi, nh: p.bviIp })));
  }
  const node: AgentNode = { podGw, bvi, vxlans };
  for (let i = 0; i < opts.pods; i++) addPod(sim, node, i);
  return node;
}

/** Adds pod `i` through the codec; returns its TAP's sw_if_index. */
export function addPod(sim: VppSimulator, node: AgentNode, i: number): number {
  const sw = must(sim, podCreate(i)).sw_if_index as number;
  for (const c of podWire(node, i, sw)) must(sim, c);
  return sw;
}

/** Removes pod `i` (TAP `sw`) through the codec. */
export function removePod(sim: VppSimulator, node: AgentNode, i: number, sw: number): void {
  for (const c of podRemove(node, i, sw)) must(sim, c);
}

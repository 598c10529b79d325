import test from 'ava';
import type { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { Underlay } from '../../src/vpp/sim/underlay.js';
import { NONE, addr, address, loop, mac, newSim, path, req, route, table, tap, up } from './helpers.js';

const bviMac = (id: number) => `12:2b:00:00:00:0${id}`;

interface Node {
  sim: VppSimulator;
  podTap: number;
  gwLoop: number;
  hostTap: number;
}

/** Wires one node the way ipnet's overlay mode does (pod VRF 1, VXLAN BD with a BVI). */
function buildNode(sim: VppSimulator, id: number, peers: number[]): Node {
  const ok = (rv: number, what: string) => { if (rv !== 0) throw new Error(`${what} failed on node ${id}: ${rv}`); };
  ok(table(sim, 1), 'pod VRF');
  const nic = loop(sim);
  ok(up(sim, nic), 'nic up');
  ok(address(sim, nic, `192.168.16.${id}/24`), 'node IP');
  const hostTap = tap(sim, { tag: 'tap-vpp2', host_if_name_set: true, host_if_name: 'vpp1' }).sw_if_index as number;
  ok(up(sim, hostTap), 'host tap up');
  ok(address(sim, hostTap, `172.30.${id}.1/24`), 'host tap IP');
  ok(req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: hostTap, flags: 1, mac_address: mac('02:00:00:00:00:aa'), ip_address: addr(`172.30.${id}.2`) } }).retval, 'host ARP');
  const gwLoop = loop(sim);
  ok(req(sim, 'sw_interface_set_table', { sw_if_index: gwLoop, is_ipv6: false, vrf_id: 1 }).retval, 'gw vrf');
  ok(up(sim, gwLoop), 'gw up');
  ok(address(sim, gwLoop, `10.1.${id}.1/24`), 'gw IP');
  const podTap = tap(sim, { tag: `vpp-tap-pod${id}` }).sw_if_index as number;
  ok(req(sim, 'sw_interface_set_table', { sw_if_index: podTap, is_ipv6: false, vrf_id: 1 }).retval, 'pod vrf');
  ok(req(sim, 'sw_interface_set_unnumbered', { sw_if_index: gwLoop, unnumbered_sw_if_index: podTap, is_add: true }).retval, 'unnumbered');
  ok(up(sim, podTap), 'pod up');
  ok(req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: podTap, flags: 1, mac_address: mac('02:fe:00:00:00:01'), ip_address: addr(`10.1.${id}.2`) } }).retval, 'pod ARP');
  ok(route(sim, true, 1, `10.1.${id}.2/32`, [path({ sw: podTap, nh: `10.1.${id}.2` })]).retval, 'pod route');
  ok(route(sim, true, 1, '0.0.0.0/0', [path({ table: 0 })]).retval, 'pod→main');
  ok(route(sim, true, 0, `10.1.${id}.0/24`, [path({ table: 1 })]).retval, 'main→pod');
  const bvi = loop(sim, bviMac(id));
  ok(req(sim, 'bridge_domain_add_del_v2', { bd_id: 1, flood: false, uu_flood: false, forward: true, learn: false, bd_tag: 'vxlanBD', is_add: true }).retval, 'BD');
  ok(req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: bvi, bd_id: 1, port_type: 1, shg: 1, enable: true }).retval, 'BVI');
  ok(req(sim, 'sw_interface_set_table', { sw_if_index: bvi, is_ipv6: false, vrf_id: 1 }).retval, 'bvi vrf');
  ok(up(sim, bvi), 'bvi up');
  ok(address(sim, bvi, `192.168.30.${id}/24`), 'bvi IP');
  for (const p of peers) {
    const vx = req(sim, 'vxlan_add_del_tunnel_v3', {
      is_add: true, instance: NONE, src_address: addr(`192.168.16.${id}`), dst_address: addr(`192.168.16.${p}`),
      mcast_sw_if_index: NONE, encap_vrf_id: 0, decap_next_index: NONE, vni: 10,
    });
    ok(vx.retval, 'tunnel');
    const sw = vx.sw_if_index as number;
    ok(up(sim, sw), 'tunnel up');
    ok(req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: sw, bd_id: 1, port_type: 0, shg: 1, enable: true }).retval, 'tunnel in BD');
    ok(req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: bvi, flags: 1, mac_address: mac(bviMac(p)), ip_address: addr(`192.168.30.${p}`) } }).retval, 'peer ARP');
    ok(req(sim, 'l2fib_add_del', { mac: mac(bviMac(p)), bd_id: 1, sw_if_index: sw, is_add: true, static_mac: true }).retval, 'l2fib');
    ok(route(sim, true, 1, `10.1.${p}.0/24`, [path({ sw: bvi, nh: `192.168.30.${p}` })]).retval, 'peer pods route');
  }
  return { sim, podTap, gwLoop, hostTap };
}

function cluster(): { underlay: Underlay; a: Node; b: Node } {
  const underlay = new Underlay();
  const a = buildNode(newSim({ name: 'node1', seed: 1 }), 1, [2]);
  const b = buildNode(newSim({ name: 'node2', seed: 2 }), 2, [1]);
  underlay.register(a.sim, ['192.168.16.1']);
  underlay.register(b.sim, ['192.168.16.2']);
  return { underlay, a, b };
}

test('a packet from a pod on node 1 reaches the pod on node 2 through VXLAN, hop by hop', (t) => {
  const { underlay, a } = cluster();
  const r = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.true(r.delivered, JSON.stringify(r.hops, null, 1));
  if (!r.delivered) return;
  t.is(r.node, 'node2');
  t.like(r.interface, { name: 'tap1', tag: 'vpp-tap-pod2' });
  t.deepEqual(r.hops.map((h) => `${h.node} ${h.step}`), [
    'node1 ip4-input', 'node1 ip4-lookup', 'node1 ip4-rewrite', 'node1 l2-fwd', 'node1 vxlan4-encap', 'node1 underlay',
    'node2 vxlan4-input', 'node2 l2-fwd', 'node2 ip4-input', 'node2 ip4-lookup', 'node2 ip4-rewrite', 'node2 interface-output',
  ]);
  t.is(r.hops[1]?.detail, 'table 1: 10.1.2.2 matches 10.1.2.0/24 (api, 1 path)');
  t.is(r.hops[4]?.detail, 'vxlan_tunnel0: vni 10, 192.168.16.1 → 192.168.16.2:4789');
});

test('after node 2 loses the pod route and ARP entry the packet is dropped there, with the reason', (t) => {
  const { underlay, a, b } = cluster();
  t.is(route(b.sim, false, 1, '10.1.2.2/32', []).retval, 0);
  const viaAdjacency = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.true(viaAdjacency.delivered, 'the static ARP entry alone still installs a /32 adjacency, as in VPP');
  const neighbor = { sw_if_index: b.podTap, flags: 1, mac_address: mac('02:fe:00:00:00:01'), ip_address: addr('10.1.2.2') };
  t.is(req(b.sim, 'ip_neighbor_add_del', { is_add: false, neighbor }).retval, 0);
  const r = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.false(r.delivered);
  if (r.delivered) return;
  t.is(r.node, 'node2');
  t.is(r.reason, 'ip4-glean: no ARP entry for 10.1.2.2 on loop1');
});

test('after node 2 deletes the pod interface the lingering route drops the packet', (t) => {
  const { underlay, a, b } = cluster();
  t.is(req(b.sim, 'tap_delete_v2', { sw_if_index: b.podTap }).retval, 0);
  const r = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.false(r.delivered);
  if (r.delivered) return;
  t.is(r.node, 'node2');
  t.regex(r.reason, /points at deleted interface \d+ \(stale path/);
});

test('without the peer tunnel the packet dies at the BD on node 1; with node 2 off the underlay it dies on the wire', (t) => {
  const first = cluster();
  const key = { is_add: false, instance: NONE, src_address: addr('192.168.16.1'), dst_address: addr('192.168.16.2'), mcast_sw_if_index: NONE, encap_vrf_id: 0, decap_next_index: NONE, vni: 10 };
  t.is(req(first.a.sim, 'vxlan_add_del_tunnel_v3', key).retval, 0);
  const r1 = first.underlay.trace(first.a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.false(r1.delivered);
  if (!r1.delivered) t.regex(r1.reason, /points at deleted interface/);
  const second = cluster();
  second.underlay.unregister(second.b.sim);
  const r2 = second.underlay.trace(second.a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.false(r2.delivered);
  if (!r2.delivered) t.is(r2.reason, 'no node owns 192.168.16.2 on the underlay');
});

test('a pod reaches the host interconnect through the pod→main VRF lookup', (t) => {
  const { underlay, a } = cluster();
  const r = underlay.trace(a.sim, { src: '10.1.1.2', dst: '172.30.1.2' });
  t.true(r.delivered);
  if (!r.delivered) return;
  t.like(r.interface, { tag: 'tap-vpp2', hostIfName: 'vpp1' });
  t.true(r.hops.some((h) => h.step === 'lookup-dpo' && h.detail === 'next lookup in table 0'));
});

test('the gateway address answers locally and a drop route says so', (t) => {
  const { underlay, a } = cluster();
  const gw = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.1.1' });
  t.true(gw.delivered && gw.to === 'local');
  t.is(route(a.sim, true, 1, '10.9.0.0/16', [path({ type: 2 })]).retval, 0);
  const dropped = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.9.1.1', inputInterface: 'vpp-tap-pod1' });
  t.false(dropped.delivered);
  if (!dropped.delivered) t.is(dropped.reason, 'route 10.9.0.0/16 in table 1 is a drop route');
});

test('without an overlay, a route via the other node\'s IP resolves recursively and crosses the underlay', (t) => {
  const underlay = new Underlay();
  const sims = [1, 2].map((id) => {
    const sim = newSim({ name: `node${id}`, seed: id });
    table(sim, 1);
    const nic = loop(sim);
    up(sim, nic);
    address(sim, nic, `192.168.16.${id}/24`);
    const gw = loop(sim);
    req(sim, 'sw_interface_set_table', { sw_if_index: gw, is_ipv6: false, vrf_id: 1 });
    up(sim, gw);
    address(sim, gw, `10.1.${id}.1/24`);
    const pod = tap(sim).sw_if_index as number;
    req(sim, 'sw_interface_set_table', { sw_if_index: pod, is_ipv6: false, vrf_id: 1 });
    req(sim, 'sw_interface_set_unnumbered', { sw_if_index: gw, unnumbered_sw_if_index: pod, is_add: true });
    up(sim, pod);
    req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: pod, flags: 1, mac_address: mac('02:fe:00:00:00:01'), ip_address: addr(`10.1.${id}.2`) } });
    route(sim, true, 1, `10.1.${id}.2/32`, [path({ sw: pod, nh: `10.1.${id}.2` })]);
    route(sim, true, 1, '0.0.0.0/0', [path({ table: 0 })]);
    route(sim, true, 0, `10.1.${id}.0/24`, [path({ table: 1 })]);
    const peer = 3 - id;
    route(sim, true, 0, `10.1.${peer}.0/24`, [path({ nh: `192.168.16.${peer}` })]);
    underlay.register(sim, [`192.168.16.${id}`]);
    return sim;
  });
  const [a] = sims;
  if (a === undefined) return;
  const r = underlay.trace(a, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.true(r.delivered, JSON.stringify(r.hops));
  if (!r.delivered) return;
  t.is(r.node, 'node2');
  t.true(r.hops.some((h) => h.step === 'ip4-recursive' && h.detail === '192.168.16.2 resolves via 192.168.16.0/24 in table 0'));
  t.true(r.hops.some((h) => h.step === 'underlay' && h.detail === 'node1 → node2 (192.168.16.2)'));
});

test('after node 2 restarts (all state lost) the packet is dropped at node 2\'s door', (t) => {
  const { underlay, a, b } = cluster();
  b.sim.restart();
  const r = underlay.trace(a.sim, { src: '10.1.1.2', dst: '10.1.2.2' });
  t.false(r.delivered);
  if (!r.delivered) t.deepEqual([r.node, r.reason], ['node2', '192.168.16.2 is not a local address of node2']);
});

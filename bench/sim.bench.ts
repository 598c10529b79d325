/**
 * Simulator cost: one request/reply round trip through the in-process connection (codec
 * both ways), pipelined throughput, the ~12 calls that wire one pod, one packet trace
 * across two nodes that each hold 200 pods; then the simulator's own CPU per request for
 * the exact requests an AddPod / DeletePod sends at 0 to 1,000 pods, and for the
 * dumps a start-up resync reads at 250 pods + 1,000 peers (sim-calls.ts).
 */
import { VppSimulator } from '../src/vpp/sim/simulator.js';
import { Underlay } from '../src/vpp/sim/underlay.js';
import { FrameClient } from '../test/sim/frame-client.js';
import { NONE, addr, address, loop, mac, path, req, route, table, tap, up } from '../test/sim/helpers.js';
import { perCallFigures } from './sim-calls.js';
import { figure, report, sample } from './stats.js';

function pod(sim: VppSimulator, node: number, i: number, gw: number): void {
  const ip = `10.1.${node}.${(i % 250) + 2}`;
  const sw = tap(sim, { tag: `vpp-tap-${i}` }).sw_if_index as number;
  req(sim, 'sw_interface_set_table', { sw_if_index: sw, is_ipv6: false, vrf_id: 1 });
  req(sim, 'sw_interface_set_unnumbered', { sw_if_index: gw, unnumbered_sw_if_index: sw, is_add: true });
  req(sim, 'hw_interface_set_mtu', { sw_if_index: sw, mtu: 1450 });
  req(sim, 'sw_interface_set_rx_mode', { sw_if_index: sw, mode: 2 });
  req(sim, 'sw_interface_set_mac_address', { sw_if_index: sw, mac_address: mac('02:fe:00:00:00:02') });
  up(sim, sw);
  req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: sw, flags: 1, mac_address: mac('02:fe:00:00:00:01'), ip_address: addr(ip) } });
  route(sim, true, 1, `${ip}/32`, [path({ sw, nh: ip })]);
}

function node(name: string, id: number, peer: number, pods: number): VppSimulator {
  const sim = new VppSimulator({ name, seed: id });
  table(sim, 1);
  const nic = loop(sim);
  up(sim, nic);
  address(sim, nic, `192.168.16.${id}/24`);
  const gw = loop(sim);
  req(sim, 'sw_interface_set_table', { sw_if_index: gw, is_ipv6: false, vrf_id: 1 });
  up(sim, gw);
  address(sim, gw, `10.1.${id}.1/24`);
  for (let i = 0; i < pods; i++) pod(sim, id, i, gw);
  const bvi = loop(sim, `12:2b:00:00:00:0${id}`);
  req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: bvi, bd_id: 1, port_type: 1, shg: 1, enable: true });
  req(sim, 'sw_interface_set_table', { sw_if_index: bvi, is_ipv6: false, vrf_id: 1 });
  up(sim, bvi);
  address(sim, bvi, `192.168.30.${id}/24`);
  const vx = req(sim, 'vxlan_add_del_tunnel_v3', { is_add: true, instance: NONE, src_address: addr(`192.168.16.${id}`), dst_address: addr(`192.168.16.${peer}`), mcast_sw_if_index: NONE, decap_next_index: NONE, vni: 10 });
  const sw = vx.sw_if_index as number;
  up(sim, sw);
  req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: sw, bd_id: 1, shg: 1, enable: true });
  req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: bvi, flags: 1, mac_address: mac(`12:2b:00:00:00:0${peer}`), ip_address: addr(`192.168.30.${peer}`) } });
  req(sim, 'l2fib_add_del', { mac: mac(`12:2b:00:00:00:0${peer}`), bd_id: 1, sw_if_index: sw, is_add: true, static_mac: true });
  route(sim, true, 1, `10.1.${peer}.0/24`, [path({ sw: bvi, nh: `192.168.30.${peer}` })]);
  return sim;
}

export default async function (): Promise<void> {
  const sim = new VppSimulator({ seed: 1 });
  const c = await FrameClient.open(sim);
  for (let i = 0; i < 200; i++) await c.call('control_ping');
  report('sim', 'control_ping round trip (frames, in-process)', await sample(2000, () => c.call('control_ping')));
  const n = 20000;
  const frames = Array.from({ length: n }, (_, i) => c.frame('control_ping', {}, i));
  const t0 = process.hrtime.bigint();
  c.send(...frames);
  await c.next(n, 30000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  figure('sim', `pipelined control_ping x${n}`, `${Math.round(n / secs)} msg/s`);
  const wiring = new VppSimulator({ seed: 2 });
  table(wiring, 1);
  const gw = loop(wiring);
  report('sim', 'wire one pod (12 calls, codec both ways)', await sample(300, (i) => pod(wiring, 1, i, gw)));
  const underlay = new Underlay();
  const a = node('node1', 1, 2, 200);
  const b = node('node2', 2, 1, 200);
  underlay.register(a, ['192.168.16.1']);
  underlay.register(b, ['192.168.16.2']);
  const r = underlay.trace(a, { src: '10.1.1.2', dst: '10.1.2.77' });
  if (!r.delivered) throw new Error(`trace failed: ${r.reason}`);
  report('sim', 'trace pod→pod across nodes (200 pods each)', await sample(200, () => underlay.trace(a, { src: '10.1.1.2', dst: '10.1.2.77' })));
  await perCallFigures();
}

/**
 * The simulator's own cost per request, as the bridge pays it: a request frame handed to an
 * in-process connection (decode, handler, call log, reply encode, no ZeroMQ), timed around
 * the synchronous `send` only — the client's decoding of replies is outside the window. The
 * requests are the agent's (test/sim/node-scenario.ts): one pod's add and delete at 0, 500
 * and 1,000 pods (and 1,000 pods beside 1,000 peers), and a start-up resync's dumps at 250
 * pods + 1,000 peers.
 */
import type { VppConnection } from '../src/vpp/backend.js';
import { VppSimulator } from '../src/vpp/sim/simulator.js';
import { FrameClient, type Got } from '../test/sim/frame-client.js';
import { NONE } from '../test/sim/helpers.js';
import { agentNode, podCreate, podRemove, podWire, type AgentNode, type Call } from '../test/sim/node-scenario.js';
import { figure, fmt, percentile } from './stats.js';

const suite = 'sim';

/** Wall and CPU time of requests, by message name. */
class Tally {
  private readonly byName = new Map<string, { wall: number[]; cpu: number }>();

  add(name: string, wallMs: number, cpuMs: number): void {
    const t = this.byName.get(name) ?? { wall: [], cpu: 0 };
    t.wall.push(wallMs);
    t.cpu += cpuMs;
    this.byName.set(name, t);
  }

  /** One line per message: median wall and mean CPU per request. */
  print(label: string): void {
    for (const [name, t] of this.byName) {
      figure(suite, `${label}: ${name}`, `wall p50=${fmt(percentile(t.wall, 50))} cpu/call=${fmt(t.cpu / t.wall.length)} n=${t.wall.length}`);
    }
  }

  /** Summed wall and CPU of everything tallied. */
  totals(): { wall: number; cpu: number } {
    let wall = 0;
    let cpu = 0;
    for (const t of this.byName.values()) {
      for (const w of t.wall) wall += w;
      cpu += t.cpu;
    }
    return { wall, cpu };
  }

  /** Mean CPU of one pass of every message (a whole AddPod, say). */
  cpuPerPass(): number {
    let sum = 0;
    for (const t of this.byName.values()) sum += t.cpu / t.wall.length;
    return sum;
  }
}

/** Sends one request frame and times the simulator's synchronous handling of it. */
function timedSend(conn: VppConnection, tally: Tally, name: string, frames: Buffer[]): void {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  conn.send(frames);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  tally.add(name, wall, (c.user + c.system) / 1000);
}

async function call(c: FrameClient, tally: Tally, k: Call): Promise<Got> {
  timedSend(c.conn, tally, k.name, [c.frame(k.name, k.body)]);
  const [reply] = await c.next(1);
  if (reply === undefined || reply.msg.retval !== 0) throw new Error(`${k.name} failed in the bench: ${JSON.stringify(reply?.msg.retval)}`);
  return reply;
}

const WARM_UP = 100;

/** `rounds` pods added then deleted on a node that already holds `pods` pods and `peers` peers. */
async function podCalls(pods: number, peers: number, rounds: number, print = true): Promise<void> {
  const sim = new VppSimulator({ seed: 3 });
  const node: AgentNode = agentNode(sim, { pods, peers });
  const c = await FrameClient.open(sim);
  const add = new Tally();
  const del = new Tally();
  for (let r = 0; r < rounds + WARM_UP; r++) {
    const i = pods + r;
    // warm-up rounds (JIT) are tallied into throw-away tallies
    const [a, d] = r < WARM_UP ? [new Tally(), new Tally()] : [add, del];
    const created = await call(c, a, podCreate(i));
    const sw = created.msg.sw_if_index as number;
    for (const k of podWire(node, i, sw)) await call(c, a, k);
    for (const k of podRemove(node, i, sw)) await call(c, d, k);
  }
  await sim.close();
  if (!print) return;
  const at = `@${pods} pods${peers > 2 ? ` + ${peers} peers` : ''}`;
  add.print(`AddPod ${at}`);
  figure(suite, `AddPod ${at}: all 6 requests`, `cpu/pod=${fmt(add.cpuPerPass())}`);
  del.print(`DeletePod ${at}`);
  figure(suite, `DeletePod ${at}: all 5 requests`, `cpu/pod=${fmt(del.cpuPerPass())}`);
}

async function dumpOnce(c: FrameClient, tally: Tally, label: string, name: string, body: Record<string, unknown>): Promise<number> {
  timedSend(c.conn, tally, label, [c.frame(name, body), c.frame('control_ping')]);
  let details = 0;
  for (;;) {
    const [g] = await c.next(1, 60_000);
    if (g === undefined || g.name === 'control_ping_reply') return details;
    details++;
  }
}

/** The dumps of a resync (as the agent issues them, each followed by control_ping). */
async function resyncDumps(pods: number, peers: number, rounds: number): Promise<void> {
  const sim = new VppSimulator({ seed: 4 });
  agentNode(sim, { pods, peers });
  const c = await FrameClient.open(sim);
  const tally = new Tally();
  const sizes = new Map<string, number>();
  const dumps: [string, string, Record<string, unknown>][] = [
    ['sw_interface_dump', 'sw_interface_dump', { sw_if_index: NONE }],
    ['ip_neighbor_dump', 'ip_neighbor_dump', { sw_if_index: NONE, af: 0 }],
    ['proxy_arp_intfc_dump', 'proxy_arp_intfc_dump', {}],
    ['sw_interface_tap_v2_dump', 'sw_interface_tap_v2_dump', { sw_if_index: NONE }],
    ['af_packet_dump', 'af_packet_dump', {}],
    ['vxlan_tunnel_v2_dump', 'vxlan_tunnel_v2_dump', { sw_if_index: NONE }],
    ['ip_unnumbered_dump', 'ip_unnumbered_dump', { sw_if_index: NONE }],
    ['ip_table_dump', 'ip_table_dump', {}],
    ['bridge_domain_dump', 'bridge_domain_dump', { bd_id: NONE, sw_if_index: NONE }],
    ['l2_fib_table_dump', 'l2_fib_table_dump', { bd_id: NONE }],
    ['ip_route_dump table 0', 'ip_route_dump', { table: { table_id: 0, is_ip6: false } }],
    ['ip_route_dump table 1', 'ip_route_dump', { table: { table_id: 1, is_ip6: false } }],
  ];
  const ifaces = [...sim.state.interfaces.keys()];
  for (let r = 0; r < rounds + 1; r++) {
    const t = r === 0 ? new Tally() : tally;
    for (const [label, name, body] of dumps) sizes.set(label, await dumpOnce(c, t, label, name, body));
    // per interface, as the agent's retrieve asks: its VRF and its addresses
    const perIf = new Tally();
    for (const sw of ifaces) {
      await call(c, perIf, { name: 'sw_interface_get_table', body: { sw_if_index: sw, is_ipv6: false } });
      await dumpOnce(c, perIf, 'ip_address_dump', 'ip_address_dump', { sw_if_index: sw, is_ipv6: false });
    }
    const all = perIf.totals();
    t.add(`sw_interface_get_table + ip_address_dump x${ifaces.length}`, all.wall, all.cpu);
  }
  const label = `resync @${pods} pods + ${peers} peers`;
  tally.print(label);
  figure(suite, `${label}: details`, [...sizes].map(([k, v]) => `${k}=${v}`).join(' '));
  figure(suite, `${label}: all dumps`, `cpu/resync=${fmt(tally.cpuPerPass())}`);
  await sim.close();
}

/** Every per-request figure of the simulator. */
export async function perCallFigures(): Promise<void> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < 1000; i++) process.cpuUsage();
  const probe = process.cpuUsage(c0);
  figure(suite, 'cost of one CPU-time probe (inside every window)', fmt((probe.user + probe.system) / 1000 / 1000));
  // VPP numbers TAPs below 1024 (tap_create answers -1 beyond), so a node holds at most ~1,000
  // pods; the 2,000-interface case is 1,000 pods beside 1,000 peers' tunnels
  // one unprinted pass first, so the first size printed does not pay for compiling the handlers
  await podCalls(0, 2, 500, false);
  for (const [pods, peers] of [[0, 2], [500, 2], [1000, 2], [1000, 1000]] as const) await podCalls(pods, peers, 500);
  await resyncDumps(250, 1000, 5);
}

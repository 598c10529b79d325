import test from 'ava';
import { RV } from '../../src/vpp/sim/retval.js';
import type { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { NONE, addr, dump, loop, mac, newSim, path, req, route, table, tap, up } from './helpers.js';
import { addPod, agentNode, podIp, removePod } from './node-scenario.js';

interface Snap {
  interfaces: { swIfIndex: number; unnumberedTo: number | null; table4: number }[];
  neighbors: { swIfIndex: number; ip: string; static: boolean }[];
  tables: { id: number; ip6: boolean }[];
  bridgeDomains: { bdId: number; members: { swIfIndex: number }[]; l2fib: { mac: string; swIfIndex: number; static: boolean; bvi: boolean }[] }[];
}
const snap = (sim: VppSimulator): Snap => sim.dump() as unknown as Snap;
const neigh = (sim: VppSimulator, sw: number, ip: string, flags: number): number =>
  req(sim, 'ip_neighbor_add_del', { is_add: true, neighbor: { sw_if_index: sw, flags, mac_address: mac('02:00:00:00:00:09'), ip_address: addr(ip) } }).retval;

test('deleting hundreds of pods leaves exactly the rest: their neighbours, routes and unnumbered links, nothing of the deleted', (t) => {
  const sim = newSim();
  const node = agentNode(sim, { pods: 0, peers: 3 });
  const sws = Array.from({ length: 400 }, (_, i) => addPod(sim, node, i));
  // a learned (dynamic) neighbour beside each pod's static one
  sws.forEach((sw, i) => t.is(neigh(sim, sw, `10.200.${i >> 8}.${i & 255}`, 0), 0));
  const kept = new Set<number>();
  sws.forEach((sw, i) => {
    if (i % 4 === 0) removePod(sim, node, i, sw); // the agent's clean delete
    else if (i % 4 === 1) t.is(req(sim, 'tap_delete_v2', { sw_if_index: sw }).retval, 0); // the TAP alone
    else kept.add(sw);
  });
  const s = snap(sim);
  const borrowers = s.interfaces.filter((i) => i.unnumberedTo !== null);
  t.deepEqual(borrowers.map((i) => i.swIfIndex), [...kept].sort((a, b) => a - b));
  t.true(borrowers.every((i) => i.unnumberedTo === node.podGw));
  const podNeighbors = s.neighbors.filter((n) => n.swIfIndex !== node.bvi);
  const expected = sws.flatMap((sw, i) => {
    if (i % 4 === 0) return [];
    if (i % 4 === 1) return [`${sw} ${podIp(i)} static`]; // static entries outlive their interface (24.02)
    return [`${sw} ${podIp(i)} static`, `${sw} 10.200.${i >> 8}.${i & 255} dynamic`];
  });
  t.deepEqual(podNeighbors.map((n) => `${n.swIfIndex} ${n.ip} ${n.static ? 'static' : 'dynamic'}`).sort(), expected.sort());
  // new TAPs reuse the freed indices and start clean: no borrowed address, no learned neighbours
  const fresh = Array.from({ length: 200 }, () => tap(sim).sw_if_index as number);
  const freed = sws.filter((_, i) => i % 4 < 2);
  t.deepEqual([...fresh].sort((a, b) => a - b), [...freed].sort((a, b) => a - b));
  t.deepEqual(dump(sim, 'ip_unnumbered_dump', { sw_if_index: NONE }).map((d) => d.sw_if_index).sort((a, b) => (a as number) - (b as number)), [...kept].sort((a, b) => a - b));
  // the gateway loopback going away takes every remaining borrower's link with it
  t.is(req(sim, 'delete_loopback', { sw_if_index: node.podGw }).retval, 0);
  t.deepEqual(dump(sim, 'ip_unnumbered_dump', { sw_if_index: NONE }), []);
  // and a borrower that was deleted before its owner does not take a reused index's link with it
  const owner = loop(sim);
  const b1 = tap(sim).sw_if_index as number;
  t.is(req(sim, 'sw_interface_set_unnumbered', { sw_if_index: owner, unnumbered_sw_if_index: b1, is_add: true }).retval, 0);
  t.is(req(sim, 'tap_delete_v2', { sw_if_index: b1 }).retval, 0);
  const b2 = tap(sim).sw_if_index as number;
  const owner2 = loop(sim);
  t.is(b2, b1);
  t.is(req(sim, 'sw_interface_set_unnumbered', { sw_if_index: owner2, unnumbered_sw_if_index: b2, is_add: true }).retval, 0);
  t.is(req(sim, 'delete_loopback', { sw_if_index: owner }).retval, 0);
  t.deepEqual(dump(sim, 'ip_unnumbered_dump', { sw_if_index: NONE }).map((d) => [d.sw_if_index, d.ip_sw_if_index]), [[b2, owner2]]);
});

test('admin-down flushes only that interface\'s learned neighbours, at any table size', (t) => {
  const sim = newSim();
  const sws = Array.from({ length: 300 }, () => tap(sim).sw_if_index as number);
  sws.forEach((sw, i) => {
    up(sim, sw);
    t.is(neigh(sim, sw, `10.1.${i >> 8}.${i & 255}`, i % 2), 0);
    t.is(neigh(sim, sw, `10.2.${i >> 8}.${i & 255}`, 0), 0);
  });
  const downs = sws.filter((_, i) => i % 3 === 0);
  for (const sw of downs) t.is(req(sim, 'sw_interface_set_flags', { sw_if_index: sw, flags: 0 }).retval, 0);
  const left = snap(sim).neighbors.map((n) => `${n.swIfIndex} ${n.ip}`).sort();
  const expected = sws.flatMap((sw, i) => {
    if (i % 3 !== 0) return [`${sw} 10.1.${i >> 8}.${i & 255}`, `${sw} 10.2.${i >> 8}.${i & 255}`];
    return i % 2 === 1 ? [`${sw} 10.1.${i >> 8}.${i & 255}`] : [];
  });
  t.deepEqual(left, expected.sort());
});

test('deleting hundreds of tunnels flushes exactly their learned and BVI entries; static entries and other ports stay', (t) => {
  const sim = newSim();
  const node = agentNode(sim, { pods: 0, peers: 300 });
  // a learned entry per tunnel beside the static one the agent installs
  node.vxlans.forEach((sw, i) => {
    t.is(req(sim, 'l2fib_add_del', { mac: mac(`02:aa:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`), bd_id: 1, sw_if_index: sw, is_add: true }).retval, 0);
  });
  // one static MAC moves from its tunnel to another port: it must follow the entry, not the old port
  const moved = '12:2b:00:00:00:02';
  t.is(req(sim, 'l2fib_add_del', { mac: mac(moved), bd_id: 1, sw_if_index: node.vxlans[299], is_add: true, static_mac: true }).retval, 0);
  const gone = new Set(node.vxlans.filter((_, i) => i % 2 === 0));
  let k = 0;
  for (let id = 2; id < 302; id++, k++) {
    if (k % 2 !== 0) continue;
    const r = req(sim, 'vxlan_add_del_tunnel_v3', {
      is_add: false, instance: NONE, src_address: addr('192.168.0.1'), dst_address: addr(`192.168.${id >> 8}.${id & 255}`), mcast_sw_if_index: NONE, decap_next_index: NONE, vni: 10,
    });
    t.is(r.retval, 0);
  }
  const bd = snap(sim).bridgeDomains.find((b) => b.bdId === 1);
  t.deepEqual(bd?.members.map((m) => m.swIfIndex), [node.bvi, ...node.vxlans.filter((sw) => !gone.has(sw))].sort((a, b) => a - b));
  const fib = bd?.l2fib ?? [];
  t.is(fib.filter((e) => !e.static && gone.has(e.swIfIndex)).length, 0, 'learned entries of deleted tunnels are flushed');
  t.is(fib.filter((e) => e.static && !e.bvi && gone.has(e.swIfIndex)).length, 149, 'static entries stay (the moved one no longer points there)');
  t.is(fib.filter((e) => !e.static && !gone.has(e.swIfIndex)).length, 150);
  t.like(fib.find((e) => e.mac === moved), { swIfIndex: node.vxlans[299], static: true });
  // the BVI leaving its bridge takes its BVI MAC, nothing else
  t.is(req(sim, 'sw_interface_set_l2_bridge', { rx_sw_if_index: node.bvi, bd_id: 1, enable: false }).retval, 0);
  const after = snap(sim).bridgeDomains.find((b) => b.bdId === 1)?.l2fib ?? [];
  t.deepEqual(after.filter((e) => e.bvi), []);
  t.is(after.length, fib.length - 1);
  // freed instances come back most recently freed first, and a taken instance is refused
  const created = req(sim, 'vxlan_add_del_tunnel_v3', {
    is_add: true, instance: NONE, src_address: addr('192.168.0.1'), dst_address: addr('192.168.9.9'), mcast_sw_if_index: NONE, decap_next_index: NONE, vni: 10,
  });
  t.is(created.retval, 0);
  const taken = req(sim, 'vxlan_add_del_tunnel_v3', {
    is_add: true, instance: 1, src_address: addr('192.168.0.1'), dst_address: addr('192.168.9.8'), mcast_sw_if_index: NONE, decap_next_index: NONE, vni: 10,
  });
  t.is(taken.retval, RV.INSTANCE_IN_USE);
});

test('an unlocked table lives while interfaces are bound to it or routes look up into it, and goes with the last of them', (t) => {
  const sim = newSim();
  t.is(table(sim, 5), 0);
  const sws = Array.from({ length: 200 }, () => loop(sim));
  for (const sw of sws) t.is(req(sim, 'sw_interface_set_table', { sw_if_index: sw, is_ipv6: false, vrf_id: 5 }).retval, 0);
  t.is(route(sim, true, 0, '10.5.0.0/16', [path({ table: 5 })]).retval, 0);
  t.is(table(sim, 5, false), 0);
  const has5 = (): boolean => snap(sim).tables.some((x) => x.id === 5 && !x.ip6);
  for (const sw of sws) {
    t.true(has5());
    t.is(req(sim, 'delete_loopback', { sw_if_index: sw }).retval, 0);
  }
  t.true(has5(), 'the route in table 0 still looks up into it');
  t.is(route(sim, true, 0, '10.5.0.0/16', [path({ sw: NONE, type: 2 })]).retval, 0, 'replaced by a drop route');
  t.is(table(sim, 7), 0);
  t.is(table(sim, 7, false), 0, 'any collect now finds table 5 unheld');
  t.false(has5());
  // a table's own routes do not keep it, and its routes' look-ups go with it
  t.is(table(sim, 8), 0);
  t.is(table(sim, 9), 0);
  t.is(route(sim, true, 8, '10.9.0.0/16', [path({ table: 9 })]).retval, 0);
  t.is(route(sim, true, 8, '10.8.0.0/16', [path({ table: 8 })]).retval, 0);
  t.is(table(sim, 9, false), 0);
  t.true(snap(sim).tables.some((x) => x.id === 9), 'table 8 looks up into 9');
  t.is(table(sim, 8, false), 0);
  t.false(snap(sim).tables.some((x) => x.id === 8));
  t.is(route(sim, false, 0, '10.99.0.0/16', []).retval, 0, 'any collect');
  t.false(snap(sim).tables.some((x) => x.id === 9), 'destroying 8 released 9');
});

test('a table of thousands of routes beside VPP\'s own entries dumps each prefix once, the best source winning, by address then length', (t) => {
  const sim = newSim();
  const gw = loop(sim);
  up(sim, gw);
  t.is(req(sim, 'sw_interface_add_del_address', { sw_if_index: gw, is_add: true, prefix: { address: addr('10.9.0.1'), len: 16 } }).retval, 0);
  for (let i = 0; i < 250; i++) t.is(neigh(sim, gw, `10.9.0.${i + 2}`, 1), 0);
  for (let i = 0; i < 2000; i++) {
    const a = `10.${(i * 7) % 256}.${(i * 13) % 256}.0`;
    t.is(route(sim, true, 0, `${a}/${16 + (i % 9)}`, [path({ sw: gw, nh: '10.9.0.2' })]).retval, 0);
  }
  // on VPP's own prefixes: the connected /16 keeps its interface entry, a neighbour's /32 gives way to the route
  t.is(route(sim, true, 0, '10.9.0.0/16', [path({ sw: gw, nh: '10.9.0.3' })]).retval, 0);
  t.is(route(sim, true, 0, '10.9.0.2/32', [path({ sw: gw, nh: '10.9.0.4' })]).retval, 0);
  const fib = ((sim.dump().tables as { id: number; ip6: boolean; fib: { prefix: string; source: string }[] }[]).find((x) => x.id === 0 && !x.ip6)?.fib) ?? [];
  const num = (p: string): number => {
    const [a = '', len = '0'] = p.split('/');
    return a.split('.').reduce((n, x) => n * 256 + Number(x), 0) * 64 + Number(len);
  };
  const prefixes = fib.map((e) => e.prefix);
  t.is(new Set(prefixes).size, prefixes.length);
  t.deepEqual(prefixes, [...prefixes].sort((x, y) => num(x) - num(y)));
  t.is(fib.find((e) => e.prefix === '10.9.0.0/16')?.source, 'interface');
  t.is(fib.find((e) => e.prefix === '10.9.0.2/32')?.source, 'api');
  t.is(fib.find((e) => e.prefix === '10.9.0.3/32')?.source, 'adj');
  t.is(fib.filter((e) => e.source === 'api').length, new Set(Array.from({ length: 2000 }, (_, i) => `10.${(i * 7) % 256}.${(i * 13) % 256}.0/${16 + (i % 9)}`)).size + 1);
});

test('address adds are refused exactly when they overlap another address of the VRF, through thousands of adds, deletes and interface deletes', (t) => {
  const sim = newSim();
  t.is(table(sim, 2), 0);
  const held = new Map<number, { vrf: number; cidrs: string[] }>();
  const newIf = (vrf: number): number => {
    const sw = loop(sim);
    if (vrf !== 0) t.is(req(sim, 'sw_interface_set_table', { sw_if_index: sw, is_ipv6: false, vrf_id: vrf }).retval, 0);
    held.set(sw, { vrf, cidrs: [] });
    return sw;
  };
  for (let i = 0; i < 40; i++) newIf(i % 2 === 0 ? 0 : 2);
  const bits = (cidr: string): { net: number; len: number; ip: number } => {
    const [a = '', l = '0'] = cidr.split('/');
    const ip = a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
    const len = Number(l);
    return { ip, len, net: len === 0 ? 0 : Math.floor(ip / 2 ** (32 - len)) };
  };
  const overlaps = (x: string, y: string): boolean => {
    const a = bits(x);
    const b = bits(y);
    const m = Math.min(a.len, b.len);
    return Math.floor(a.ip / 2 ** (32 - m)) === Math.floor(b.ip / 2 ** (32 - m));
  };
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let refused = 0;
  for (let step = 0; step < 3000; step++) {
    const sws = [...held.keys()];
    const sw = sws[rnd(sws.length)] as number;
    const mine = held.get(sw) as { vrf: number; cidrs: string[] };
    const op = rnd(20);
    if (op === 0) {
      t.is(req(sim, 'delete_loopback', { sw_if_index: sw }).retval, 0);
      held.delete(sw);
      newIf(rnd(2) === 0 ? 0 : 2);
    } else if (op < 5 && mine.cidrs.length > 0) {
      const cidr = mine.cidrs.splice(rnd(mine.cidrs.length), 1)[0] as string;
      const [a = '', l = '0'] = cidr.split('/');
      t.is(req(sim, 'sw_interface_add_del_address', { sw_if_index: sw, is_add: false, prefix: { address: addr(a), len: Number(l) } }).retval, 0);
    } else {
      const len = [8, 16, 20, 24, 24, 28, 30, 32, 32, 32][rnd(10)] as number;
      const cidr = `10.${rnd(4)}.${rnd(16)}.${rnd(256)}/${len}`;
      const clash = [...held].some(([other, h]) => h.vrf === mine.vrf && h.cidrs.some((c) => overlaps(c, cidr)
        && !(other === sw && bits(c).len === len && c.split('/')[0] !== cidr.split('/')[0])));
      const [a = ''] = cidr.split('/');
      const rv = req(sim, 'sw_interface_add_del_address', { sw_if_index: sw, is_add: true, prefix: { address: addr(a), len } }).retval;
      t.is(rv, clash ? RV.ADDRESS_IN_USE : 0, `step ${step}: ${cidr} on ${sw}`);
      if (clash) refused++;
      else mine.cidrs.push(cidr);
    }
  }
  t.true(refused > 100 && refused < 2900, `both outcomes exercised (${refused} refused)`);
  for (const [sw, h] of held) {
    const got = dump(sim, 'ip_address_dump', { sw_if_index: sw, is_ipv6: false }).map((d) => {
      const p = d.prefix as { address: { un: { ip4: Uint8Array } }; len: number };
      return `${[...p.address.un.ip4].join('.')}/${p.len}`;
    });
    t.deepEqual(got, h.cidrs);
  }
});

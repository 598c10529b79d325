import test from 'ava';
import { RV } from '../../src/vpp/sim/retval.js';
import { NONE, address, dump, loop, newSim, path, req, route, routes, table, tap, up } from './helpers.js';

test('a new IPv4 table dumps VPP-owned drop entries (spec §2.11 item 7)', (t) => {
  const sim = newSim();
  table(sim, 3);
  const want = [
    '0.0.0.0/0 drop sw=~0 t=0 nh=0.0.0.0',
    '0.0.0.0/32 drop sw=~0 t=0 nh=0.0.0.0',
    '224.0.0.0/4 drop sw=~0 t=0 nh=0.0.0.0',
    '240.0.0.0/4 drop sw=~0 t=0 nh=0.0.0.0',
    '255.255.255.255/32 drop sw=~0 t=0 nh=0.0.0.0',
  ];
  t.deepEqual(routes(sim, 0), want);
  t.deepEqual(routes(sim, 3), want);
  t.deepEqual(dump(sim, 'ip_route_dump', { table: { table_id: 9, is_ip6: false } }), [], 'a missing table dumps nothing');
});

test('an address on an admin-up interface installs connected, local, network and broadcast entries', (t) => {
  const sim = newSim();
  const l = loop(sim);
  address(sim, l, '10.1.1.1/24');
  t.false(routes(sim, 0).some((r) => r.startsWith('10.')), 'nothing while admin-down');
  up(sim, l);
  t.deepEqual(routes(sim, 0).filter((r) => r.startsWith('10.')), [
    '10.1.1.0/24 normal sw=1 t=0 nh=0.0.0.0',
    '10.1.1.0/32 drop sw=~0 t=0 nh=0.0.0.0',
    '10.1.1.1/32 local sw=1 t=0 nh=0.0.0.0',
    '10.1.1.255/32 drop sw=~0 t=0 nh=0.0.0.0',
  ]);
});

test('deleting a route that does not exist returns 0 (spec §2.11 item 7)', (t) => {
  const sim = newSim();
  t.is(route(sim, false, 0, '10.9.0.0/16', []).retval, 0);
});

test('the stats index of a route add reply is the one its dump entry carries', (t) => {
  const sim = newSim();
  const l = loop(sim);
  route(sim, true, 0, '10.8.0.0/16', [path({ sw: l, nh: '10.0.0.1' })]);
  const added = route(sim, true, 0, '10.9.0.0/16', [path({ sw: l, nh: '10.0.0.1' })]);
  const entry = dump(sim, 'ip_route_dump', { table: { table_id: 0, is_ip6: false } })
    .map((d) => d.route as { stats_index: number; prefix: { len: number; address: { un: { ip4: Uint8Array } } } })
    .find((r) => r.prefix.len === 16 && r.prefix.address.un.ip4[1] === 9);
  t.is(entry?.stats_index, added.stats_index as number);
  t.not(added.stats_index, 0xffffffff);
});

test('a non-multipath add replaces the paths; a multipath add appends; paths are sorted (spec §2.11 item 7)', (t) => {
  const sim = newSim();
  const a = loop(sim);
  const b = loop(sim);
  t.is(route(sim, true, 0, '10.5.0.0/16', [path({ sw: b, nh: '192.168.1.2' })]).retval, 0);
  t.is(route(sim, true, 0, '10.5.0.0/16', [path({ sw: b, nh: '192.168.1.2' })]).retval, 0, 'add is idempotent');
  t.is(route(sim, true, 0, '10.5.0.0/16', [path({ sw: a, nh: '192.168.1.1' })], true).retval, 0);
  t.deepEqual(routes(sim, 0).filter((r) => r.startsWith('10.5')), ['10.5.0.0/16 normal sw=1 t=0 nh=192.168.1.1, normal sw=2 t=0 nh=192.168.1.2']);
  route(sim, true, 0, '10.5.0.0/16', [path({ sw: b, nh: '192.168.1.9' })]);
  t.deepEqual(routes(sim, 0).filter((r) => r.startsWith('10.5')), ['10.5.0.0/16 normal sw=2 t=0 nh=192.168.1.9']);
  route(sim, false, 0, '10.5.0.0/16', [path({ sw: b, nh: '192.168.1.9' })], true);
  t.deepEqual(routes(sim, 0).filter((r) => r.startsWith('10.5')), [], 'removing the last path removes the route');
});

test('a /32 route through an interface without next hop shows the prefix as next hop (spec §2.11 item 7)', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  route(sim, true, 0, '10.1.1.7/32', [path({ sw: tp })]);
  t.true(routes(sim, 0).includes(`10.1.1.7/32 normal sw=${tp} t=0 nh=10.1.1.7`));
});

const refusals = [
  { title: 'a route into a missing table fails with -3', table: 4, cidr: '10.0.0.0/8', paths: () => [path({ sw: 1 })], want: RV.NO_SUCH_FIB },
  { title: 'a lookup path into a missing table fails with -3', table: 0, cidr: '10.0.0.0/8', paths: () => [path({ table: 8 })], want: RV.NO_SUCH_FIB },
  { title: 'an add with no paths fails with -52', table: 0, cidr: '10.0.0.0/8', paths: () => [], want: RV.NO_PATHS_IN_ROUTE },
  { title: 'a prefix longer than 32 fails with -171', table: 0, cidr: '10.0.0.0/33', paths: () => [path({ sw: 1 })], want: RV.INVALID_PREFIX_LENGTH },
  { title: 'a path through a missing interface fails with -54', table: 0, cidr: '10.0.0.0/8', paths: () => [path({ sw: 40 })], want: RV.NO_MATCHING_INTERFACE },
];
for (const c of refusals) {
  test(c.title, (t) => {
    const sim = newSim();
    loop(sim);
    t.is(route(sim, true, c.table, c.cidr, c.paths()).retval, c.want);
  });
}

test('a route through a deleted interface lingers in the dump, even after the index is reused (spec §2.11 item 7)', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  route(sim, true, 0, '10.1.1.7/32', [path({ sw: tp, nh: '10.1.1.7' })]);
  req(sim, 'tap_delete_v2', { sw_if_index: tp });
  t.true(routes(sim, 0).includes(`10.1.1.7/32 normal sw=${tp} t=0 nh=10.1.1.7`));
  t.is(loop(sim), tp, 'the index is reused');
  t.true(routes(sim, 0).includes(`10.1.1.7/32 normal sw=${tp} t=0 nh=10.1.1.7`));
});

test('a deleted VRF survives while an interface is bound to it or a route looks up into it', (t) => {
  const sim = newSim();
  const l = loop(sim);
  table(sim, 1);
  table(sim, 2);
  table(sim, 1);
  req(sim, 'sw_interface_set_table', { sw_if_index: l, is_ipv6: false, vrf_id: 1 });
  route(sim, true, 0, '10.0.0.0/8', [path({ table: 2 })]);
  t.is(table(sim, 1, false), 0);
  t.is(table(sim, 2, false), 0);
  const ids = () => dump(sim, 'ip_table_dump').map((d) => (d.table as { table_id: number; is_ip6: boolean }))
    .filter((x) => !x.is_ip6).map((x) => x.table_id);
  t.deepEqual(ids(), [0, 1, 2]);
  req(sim, 'sw_interface_set_table', { sw_if_index: l, is_ipv6: false, vrf_id: 0 });
  t.deepEqual(ids(), [0, 2]);
  route(sim, false, 0, '10.0.0.0/8', []);
  t.deepEqual(ids(), [0]);
  t.is(route(sim, true, 2, '10.0.0.0/8', [path({ type: 2 })]).retval, RV.NO_SUCH_FIB);
  t.is(table(sim, 0, false), 0, 'table 0 add/delete is ignored');
});

test('ip_table_allocate picks the lowest free id and echoes the table', (t) => {
  const sim = newSim();
  table(sim, 1);
  const r = req(sim, 'ip_table_allocate', { table: { table_id: NONE, is_ip6: false, name: 'host-tap-eth0-ip4' } });
  t.deepEqual(r.table, { table_id: 2, is_ip6: false, name: 'host-tap-eth0-ip4' });
});

test('a neighbour adds a /32 adjacency entry unless NO_FIB_ENTRY is set', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  const neigh = (ip: string, flags: number) => req(sim, 'ip_neighbor_add_del', {
    is_add: true, neighbor: { sw_if_index: tp, flags, mac_address: new Uint8Array([2, 0xfe, 0, 0, 0, 1]), ip_address: { af: 0, un: { ip4: ip.split('.').map(Number) } } },
  }).retval;
  t.is(neigh('10.1.1.9', 1), 0);
  t.is(neigh('10.1.1.10', 3), 0);
  const r = routes(sim, 0);
  t.true(r.includes(`10.1.1.9/32 normal sw=${tp} t=0 nh=10.1.1.9`));
  t.false(r.some((x) => x.startsWith('10.1.1.10/')));
});

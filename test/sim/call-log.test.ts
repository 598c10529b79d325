import test from 'ava';
import { FrameClient } from './frame-client.js';
import { NONE, addr, mac, newSim, path, pfx } from './helpers.js';

test('the call log summarises a request from the bytes that came in, even if the sender reuses its buffer', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const frame = c.frame('ip_neighbor_add_del', {
    is_add: true, neighbor: { sw_if_index: 0, flags: 1, mac_address: mac('02:fe:00:00:00:07'), ip_address: addr('10.1.1.7') },
  });
  c.send(frame);
  await c.next(1);
  frame.fill(0xee, 2);
  t.deepEqual(sim.callLog.at(-1)?.args, {
    is_add: true, neighbor: { sw_if_index: 0, flags: 1, mac_address: '02:fe:00:00:00:07', ip_address: '10.1.1.7' },
  });
});

test('call log records read after a restart (new message ids) still show what was sent', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  await c.call('ip_table_add_del', { is_add: true, table: { table_id: 3, is_ip6: false, name: 'three' } });
  await c.call('ip_route_add_del', {
    is_add: true, is_multipath: false, route: { table_id: 3, prefix: pfx('10.3.0.0/16'), n_paths: 1, paths: [path({ nh: '192.168.1.1' })] },
  });
  sim.restart();
  const [table, route] = sim.callLog.slice(-2);
  t.deepEqual(table?.args, { is_add: true, table: { table_id: 3, is_ip6: false, name: 'three' } });
  t.like(route?.args, { is_add: true, route: { table_id: 3, prefix: { address: '10.3.0.0', len: 16 }, n_paths: 1 } });
  t.like((route?.args.route as { paths: Record<string, unknown>[] }).paths[0], { sw_if_index: NONE, nh: { address: '192.168.1.1' } });
});

test('a call log record serialises with its arguments, and a request run without frames is logged as given', (t) => {
  const sim = newSim();
  sim.call('sw_interface_set_flags', { sw_if_index: 0, flags: 1 });
  const rec = sim.callLog.at(-1);
  t.deepEqual(JSON.parse(JSON.stringify(rec)), { seq: 1, conn: 0, name: 'sw_interface_set_flags', args: { sw_if_index: 0, flags: 1 }, retval: 0, injected: false });
});

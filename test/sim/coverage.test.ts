import test from 'ava';
import { defOf, messageNames } from '../../src/vpp/binapi/index.js';
import { RV } from '../../src/vpp/sim/retval.js';
import { FrameClient } from './frame-client.js';
import { NONE, addr, newSim, path, pfx, req, tap } from './helpers.js';

test('every request the codec defines is answered by the simulator, even with an all-zero body', async (t) => {
  const sim = newSim();
  const c = await FrameClient.open(sim);
  const requests = messageNames().filter((n) => defOf(n)?.kind === 'request' && n !== 'sockclnt_delete');
  t.true(requests.length > 50);
  for (const name of requests) {
    if (name.endsWith('_dump')) {
      const got = await c.dump(name);
      t.is(got.at(-1)?.name, 'control_ping_reply', name);
    } else {
      const reply = await c.call(name);
      t.is(typeof reply.retval, 'number', name);
    }
  }
  t.like(sim.stats, { unhandled: 0, internal: 0 });
});

test('punt redirects are stored per receive interface and family, and checked like VPP checks them', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  const body = (isAdd: boolean, rx: number, tx: number) => ({ is_add: isAdd, punt: { rx_sw_if_index: rx, af: 0, n_paths: 1, paths: [path({ sw: tx, nh: '172.30.1.2' })] } });
  t.is(req(sim, 'add_del_ip_punt_redirect_v2', body(true, 77, tp)).retval, RV.INVALID_SW_IF_INDEX);
  t.is(req(sim, 'add_del_ip_punt_redirect_v2', body(true, NONE, 77)).retval, RV.NO_MATCHING_INTERFACE);
  t.is(req(sim, 'add_del_ip_punt_redirect_v2', body(true, NONE, tp)).retval, 0);
  t.deepEqual(sim.dump().puntRedirects, [{ rxSwIfIndex: NONE, ip6: false, paths: [{ swIfIndex: tp, nh: '172.30.1.2' }] }]);
  t.is(req(sim, 'ip_punt_redirect', { punt: { rx_sw_if_index: NONE, tx_sw_if_index: tp, nh: addr('172.30.1.3') }, is_add: false }).retval, 0);
  t.deepEqual(sim.dump().puntRedirects, []);
});

test('ip_route_add_del_v2 behaves as v1 (in 24.02 it is in progress)', (t) => {
  const sim = newSim();
  const tp = tap(sim).sw_if_index as number;
  const r = req(sim, 'ip_route_add_del_v2', { is_add: true, route: { table_id: 0, prefix: pfx('10.7.0.0/16'), n_paths: 1, src: 0, paths: [path({ sw: tp, nh: '10.0.0.1' })] } });
  t.is(r.retval, 0);
  t.true(((sim.dump().tables as { fib: { prefix: string }[] }[])[0]?.fib ?? []).some((e) => e.prefix === '10.7.0.0/16'));
});

test('the call log keeps only the most recent calls, numbered without gaps', (t) => {
  const sim = newSim({ callLogLimit: 10 });
  for (let i = 0; i < 30; i++) req(sim, 'sw_interface_set_flags', { sw_if_index: 0, flags: i % 2 });
  t.true(sim.callLog.length >= 10 && sim.callLog.length <= 11);
  const seqs = sim.callLog.map((r) => r.seq);
  t.is(seqs.at(-1), 30);
  t.deepEqual(seqs, seqs.map((_, i) => 30 - seqs.length + 1 + i));
});

import test from 'ava';
import { desiredState, VPP_PROXY_ARP_KEY } from '../../src/desired/index.js';
import { resyncVpp } from '../../src/vpp/apply/index.js';
import { modeConfig } from '../desired/scenario.js';
import { inputs, linuxOf, rig } from './harness.js';

test('STN mode (v1): the STN rule, proxy ARP and the unnumbered host interconnect apply and converge to zero ops', async (t) => {
  const { sim, client } = await rig(t);
  const config = { ...modeConfig('tap', true), stealInterface: 'eth1', stnVersion: 1 };
  const desired = desiredState(config, inputs());
  t.true(desired.has(VPP_PROXY_ARP_KEY));
  t.true([...desired].some((i) => i.kind === 'vpp-stn-rule'));
  const first = await resyncVpp(client, desired, { linux: linuxOf(desired), vppRestarted: true });
  if (!first.result.ok) t.fail(first.result.error.message);
  const snap = sim.dump();
  const ifs = snap.interfaces as { tag: string; swIfIndex: number; unnumberedTo: number | null; proxyArp: boolean }[];
  const tap = ifs.find((i) => i.tag === 'tap-vpp2');
  const nic = ifs.find((i) => i.tag === 'loopbackNIC');
  t.is(tap?.unnumberedTo, nic?.swIfIndex);
  t.true(tap?.proxyArp);
  t.deepEqual(snap.stnRules, [{ ip: '192.168.16.1', swIfIndex: tap?.swIfIndex }]);
  t.deepEqual(snap.proxyArp, [{ tableId: 0, low: '192.168.16.1', hi: '192.168.16.254' }]);
  const second = await resyncVpp(client, desired, { linux: linuxOf(desired) });
  t.deepEqual(second.plan.ops.map((o) => `${o.op} ${o.key}`), []);
  t.like(second.found.items.get(VPP_PROXY_ARP_KEY)?.value, { interfaces: [{ name: 'tap-vpp2' }] });
});

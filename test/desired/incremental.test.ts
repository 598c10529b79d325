/**
 * Incremental planning as the actors use it: each pod / peer replaces its own items, plans
 * only the changed keys, applies, and the result must equal a full build with no work left.
 */
import test from 'ava';
import {
  desiredState, ItemSet, nodeItems, NODE_OWNER, peerItems, peerOwner, plan, planDelta, podItems, podOwner, type PodInput,
  recordApplied,
} from '../../src/desired/index.js';
import { goldenInputs, local1, modeConfig, node1, peer } from './scenario.js';

function pod(i: number): PodInput {
  const cid = `${i.toString(16).padStart(4, '0')}${'c'.repeat(60)}`;
  return { namespace: 'ns', name: `p${i}`, containerId: cid, netns: `/var/run/netns/p${i}`, ifName: 'eth0', ip: `10.1.1.${10 + i}` };
}

for (const [mode, overlay] of [['tap', true], ['veth', false]] as const) {
  test(`a seeded random walk of pod and peer changes in ${mode} ${overlay ? 'overlay' : 'no-overlay'} mode converges after every step`, (t) => {
    const config = modeConfig(mode, overlay);
    const desired = new ItemSet();
    const actual = new ItemSet();
    recordApplied(actual, planDelta(desired.replaceOwner(NODE_OWNER, nodeItems(config, local1)), desired, actual).ops);
    const pods = new Set<number>();
    const peers = new Set<number>();
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let step = 0; step < 120; step++) {
      let changed: string[];
      if (rnd(2) === 0) {
        const i = rnd(12);
        const on = !pods.has(i);
        if (on) pods.add(i);
        else pods.delete(i);
        changed = desired.replaceOwner(podOwner('ns', `p${i}`), on ? podItems(config, node1, pod(i)) : []);
      } else {
        const id = 2 + rnd(6);
        const on = !peers.has(id);
        if (on) peers.add(id);
        else peers.delete(id);
        changed = desired.replaceOwner(peerOwner(id), on ? peerItems(config, node1, peer(id)) : []);
      }
      const p = planDelta(changed, desired, actual);
      t.deepEqual(p.pending, []);
      recordApplied(actual, p.ops);
      if (plan(desired, actual).ops.length !== 0) {
        t.fail(`step ${step}: incremental plan left work for a full plan`);
        return;
      }
    }
    const full = desiredState(config, {
      local: local1, peers: [...peers].map(peer), pods: [...pods].sort((a, b) => a - b).map(pod),
    });
    t.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(full)));
  });
}

test('removing a peer deletes its tunnel, membership, ARP, FIB and routes and nothing else', (t) => {
  const config = modeConfig('tap', true);
  const actual = desiredState(config, goldenInputs);
  const desired = actual.clone();
  const mine = [...desired.ownedBy(peerOwner(2))].sort();
  const p = planDelta(desired.replaceOwner(peerOwner(2), []), desired, actual);
  t.deepEqual(p.ops.map((o) => o.key).sort(), mine);
  t.true(mine.includes('config/vpp/v2/interfaces/vxlan2'));
  t.true(mine.includes('vpp/bd/vxlanBD/interface/vxlan2'));
  t.true(p.ops.every((o) => o.op === 'delete'));
});

test('a node IP learnt from DHCP adds the tunnels once the node and peers are re-put', (t) => {
  const config = modeConfig('tap', true);
  const noIP = { ...local1, useDHCP: true, defaultGateway: undefined, addressing: { ...node1, nodeIP: undefined } };
  const actual = desiredState(config, { ...goldenInputs, local: noIP });
  const desired = actual.clone();
  const lease = { ...noIP, addressing: { ...node1, nodeIP: '192.168.16.1/24' } };
  const changed = [
    ...desired.replaceOwner(NODE_OWNER, nodeItems(config, lease)),
    ...[2, 3].flatMap((id) => desired.replaceOwner(peerOwner(id), peerItems(config, lease.addressing, peer(id)))),
  ];
  const p = planDelta(changed, desired, actual);
  t.deepEqual(p, plan(desired, actual));
  const created = p.ops.filter((o) => o.op === 'create').map((o) => o.key);
  for (const k of ['config/vpp/v2/interfaces/vxlan2', 'vpp/bd/vxlanBD/interface/vxlan3', 'config/vpp/l2/v2/fib/vxlanBD/mac/12:2b:00:00:00:02']) {
    t.true(created.includes(k), `${k} is created`);
  }
  t.false(created.includes('vpp/interface/GigabitEthernet0/8/0/address/static/192.168.16.1/24'), 'DHCP owns the NIC address');
});

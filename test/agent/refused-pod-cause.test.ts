// Which failed startup resyncs name a pod to drop: only VPP's refusal (a retval) of an item a
// pod owns. A timeout or a lost session proves nothing about the item, and a node's or a peer's
// item is not one pod's to lose.
import test from 'ava';
import { desiredState, ItemSet, nodeItems, peerItems, podItems, type Item } from '../../src/desired/index.js';
import { TransactionError } from '../../src/actors/dataplane.js';
import { refusedPod } from '../../src/actors/refused-pods.js';
import { BridgeClosedError, VppRetvalError, VppTimeoutError } from '../../src/vpp/bridge/errors.js';
import { deploymentConfig, local1, node1, peer, podA } from '../desired/scenario.js';
import { apply, planVpp, tapHostsFrom } from '../../src/vpp/apply/index.js';
import { applyAll, inputs, linuxOf, NameIndex, rig, scenario } from '../apply/harness.js';

const config = deploymentConfig();
const pod = podItems(config, node1, podA);
const peerOwned = peerItems(config, node1, peer(2));
const node = nodeItems(config, local1);
const desired = new ItemSet();
for (const it of [...node, ...peerOwned, ...pod]) desired.put(it);

/** A resync VPP failed at `item`'s op with `error`. */
const failedAt = (key: string, error: Error) =>
  new TransactionError('startup resync', { ok: false, error, failedKey: key, outcomes: [{ key, op: 'create', status: 'failed', error: `failed to create ${key}: ${error.message}` }], revertErrors: [] });
const first = (items: readonly Item[]) => (items[0] as Item).key;

test('VPP refusing a pod\'s item names that pod, with the failed op\'s error', (t) => {
  t.deepEqual(refusedPod(failedAt(first(pod), new VppRetvalError('tap_create_v3', -1)), desired), {
    podKey: 'default/pod-a',
    error: `failed to create ${first(pod)}: ${new VppRetvalError('tap_create_v3', -1).message}`,
    retval: -1,
  });
});

test('a timeout, a lost session, a node or peer item, an item nobody desires and any other error name no pod', (t) => {
  t.is(refusedPod(failedAt(first(pod), new VppTimeoutError('tap_create_v3', 5000)), desired), undefined);
  t.is(refusedPod(failedAt(first(pod), new BridgeClosedError('call tap_create_v3', 'VPP restarted')), desired), undefined);
  t.is(refusedPod(failedAt(first(node), new VppRetvalError('create_loopback', -1)), desired), undefined);
  t.is(refusedPod(failedAt(first(peerOwned), new VppRetvalError('vxlan_add_del_tunnel_v3', -1)), desired), undefined);
  t.is(refusedPod(failedAt('vpp-interface/leftover', new VppRetvalError('tap_delete_v2', -1)), desired), undefined);
  t.is(refusedPod(new Error('failed to read VPP'), desired), undefined);
});

test('a real apply that VPP fails first at a peer\'s tunnel names no pod, though a pod\'s later call failed too and its op comes first', async (t) => {
  const { sim, client } = await rig(t);
  const { config, desired: wanted } = scenario('tap');
  // the node's items are in VPP already; its peers' and pods' are not
  const nodeOnly = desiredState(config, { ...inputs([]), peers: [] });
  const index = new NameIndex();
  const base = await applyAll(client, nodeOnly, new ItemSet(), index);
  if (!base.ok) return t.fail(base.error.message);
  const ops = planVpp(wanted, base.actual, linuxOf(wanted)).ops;
  // Through a channel without stand-ins the tunnels' creates go out with the pods' TAP creates,
  // a TAP's MTU only once its create is answered: send order and op order differ. (With
  // stand-ins each op's calls leave together, in op order, so the two agree.)
  const twoFlights = { request: client.request.bind(client), dump: client.dump.bind(client) };
  sim.failMessage('vxlan_add_del_tunnel_v3', -1);
  sim.failMessage('hw_interface_set_mtu', -7);
  const r = await apply(twoFlights, ops, index, { actual: base.actual, tapHost: tapHostsFrom(wanted) });
  if (r.ok) return t.fail('the injected failures did not fail the apply');
  const failed = r.outcomes.filter((o) => o.status === 'failed');
  t.true(wanted.get(failed[0]?.key ?? '')?.owner.startsWith('pod/'), `the first failed op is a pod's: ${failed.map((o) => o.key).join(', ')}`);
  t.is(wanted.get(r.failedKey)?.owner, 'peer/2', 'the failure reported is the tunnel\'s');
  t.is(refusedPod(new TransactionError('startup resync', r), wanted), undefined);
});

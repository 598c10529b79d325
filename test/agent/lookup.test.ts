// The IPNet facade over HTTP on a running agent: GET /ipnet/v1/lookup answers from the agent's
// live desired state, checked against the interfaces the (simulated) VPP actually holds.
import test from 'ava';
import { sandbox, startInProcessAgent } from '../helpers/in-process-agent.js';

const get = async (base: string, query: string) => {
  const res = await fetch(`${base}/ipnet/v1/lookup${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

test('the lookup API finds a wired pod by name and by its VPP interface, describes the node, and forgets the pod after DEL', async (t) => {
  const { base, pods, vpp } = await startInProcessAgent(t);
  const c = sandbox(7);
  const wiring = await pods.pods!.add('default/web', c);

  const byPod = await get(base, '?pod=default/web');
  t.is(byPod.status, 200);
  t.like(byPod.body, { podNamespace: 'default', podName: 'web', exists: true });
  const vppIfName = String(byPod.body['vppIfName']);
  // the pod record (what ADD answered with) names the same VPP interface
  t.is(wiring.vppIfName, vppIfName);
  t.true(vppIfName.startsWith('vpp-tap-') && String(byPod.body['linuxIfName']).startsWith('linux-tap-'), JSON.stringify(byPod.body));
  // the VPP-side name is the tag of a TAP VPP really holds, in the pod VRF
  const ifaces = () => (vpp.simulator!.dump() as { interfaces: Array<{ name: string; tag: string; table4: number }> }).interfaces;
  const tapInVpp = ifaces().find((i) => i.tag === vppIfName);
  t.truthy(tapInVpp, JSON.stringify(ifaces().map((i) => i.tag)));
  t.like(tapInVpp, { table4: 1 });
  t.regex(tapInVpp?.name ?? '', /^tap\d+$/);

  const byIf = await get(base, `?if=${encodeURIComponent(vppIfName)}`);
  t.deepEqual(byIf, { status: 200, body: { ifName: vppIfName, podNamespace: 'default', podName: 'web', exists: true } });
  t.like((await get(base, '?if=tap-vpp2')).body, { exists: false, podName: '' });

  const node = await get(base, '');
  t.like(node.body, { nodeIP: '192.168.16.1', nodeIPNet: '192.168.16.0/24', hostIPs: [], hostInterconnectIfName: 'tap-vpp2', vxlanBVIIfName: 'vxlanBVI' });
  t.regex(String(node.body['state']), new RegExp(`vppIfaceToPod: \\{${vppIfName}: default/web\\}$`));

  await pods.pods!.del('default/web', c.containerId);
  t.deepEqual((await get(base, '?pod=default/web')).body, { podNamespace: 'default', podName: 'web', vppIfName: '', linuxIfName: '', loopIfName: '', exists: false });
  t.like((await get(base, `?if=${encodeURIComponent(vppIfName)}`)).body, { exists: false });
  t.false(ifaces().some((i) => i.tag === vppIfName));
});

test('a malformed lookup is a 400 that names what is wrong', async (t) => {
  const { base } = await startInProcessAgent(t);
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['?pod=web', 'invalid pod: "web" is not <namespace>/<name>'],
    ['?pod=a/b/c', 'invalid pod: "a/b/c" is not <namespace>/<name>'],
    ['?if=', 'invalid if: empty interface name'],
    ['?pod=default/web&if=tap1', 'pod and if cannot be combined'],
    ['?name=web', 'unknown parameter "name": expected pod=<namespace>/<name> or if=<interface>'],
  ];
  for (const [query, error] of cases) t.deepEqual(await get(base, query), { status: 400, body: { error } }, query);
  const post = await fetch(`${base}/ipnet/v1/lookup`, { method: 'POST' });
  t.not(post.status, 200, 'read-only: no other method is served');
});

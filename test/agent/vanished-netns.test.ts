// A pod whose network namespace vanished while the agent was away (a node reboot, a sandbox
// torn down meanwhile), end to end as root: the standalone agent (embedded simulated VPP with
// real pod TAPs, embedded store) is stopped, one pod's netns is deleted, and the restarted
// agent must still become ready, forget that pod (record, IP, VPP items) and keep the other.
import test from 'ava';
import { containerId, ensurePlugin, ip, ipJson, runPlugin, tempNetns } from '../cni/_harness.js';
import { removeDir, standaloneAgentYaml, startAgentProcess } from '../helpers/agent.js';

const env = (command: string, cid: string, netns: string, name: string) => ({
  CNI_COMMAND: command, CNI_CONTAINERID: cid, CNI_NETNS: netns, CNI_IFNAME: 'eth0',
  CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=${name}`, CNI_PATH: '/opt/cni/bin',
});
const conf = (socket: string) => JSON.stringify({ cniVersion: '1.1.0', name: 'k8s-pod-network', type: 'ipnet-cni', agentSocket: socket });
const json = async <T>(url: string) => (await fetch(url)).json() as Promise<T>;

type Allocations = { Pods: { PodID: { Name: string }; MainIP: string }[] | null };
type Actors = { pods: { podKey: string; state: string }[] };
type Vpp = { items: Record<string, { kind: string; desired: boolean; origin?: string }> };

test.serial('a restarted agent forgets a pod whose network namespace is gone, becomes ready, and wires the pod\'s next sandbox', async (t) => {
  const plugin = await ensurePlugin();
  let agent = await startAgentProcess(standaloneAgentYaml());
  const dir = agent.dir;
  t.teardown(async () => {
    await agent.stop();
    await removeDir(dir);
  });
  const cni = (command: string, cid: string, netns: string, name: string) => runPlugin(plugin, env(command, cid, netns, name), conf(`${dir}/cni.sock`));
  const gone = await tempNetns(t, 'gone');
  const kept = await tempNetns(t, 'kept');
  const [cidGone, cidKept] = [containerId(), containerId()];
  t.is((await cni('ADD', cidGone, gone.path, 'gone')).exitCode, 0);
  t.is((await cni('ADD', cidKept, kept.path, 'kept')).exitCode, 0);

  await agent.stop();
  await ip('netns', 'del', gone.name);
  agent = await startAgentProcess(standaloneAgentYaml(), dir);

  t.regex(agent.output(), /forgetting pod default\/gone: its network namespace \/var\/run\/netns\/ipnt-gone-\w+ is gone/);
  const pods = (await json<Actors>(`${agent.base}/ipnet/v1/actors`)).pods.map((p) => `${p.podKey} ${p.state}`);
  t.deepEqual(pods, ['default/kept wired'], 'only the pod with a sandbox is known');
  const held = ((await json<Allocations>(`${agent.base}/contiv/v1/ipam/allocations`)).Pods ?? []).map((p) => p.PodID.Name);
  t.deepEqual(held, ['kept'], 'the forgotten pod\'s IP is free again');
  const vpp = await json<Vpp>(`${agent.base}/ipnet/v1/vpp`);
  const leaked = Object.entries(vpp.items).filter(([, e]) => e.origin !== 'sb' && !e.desired).map(([k]) => k);
  t.deepEqual(leaked, [], 'nothing of the forgotten pod stays in VPP');
  t.deepEqual((await ipJson('-n', kept.name, 'addr', 'show', 'dev', 'eth0')).length, 1, 'the kept pod still has its eth0');

  // kubelet cleans up the dead sandbox and starts a new one
  t.is((await cni('DEL', cidGone, gone.path, 'gone')).exitCode, 0, 'DEL of the dead sandbox');
  const again = await tempNetns(t, 'again');
  const add = await cni('ADD', containerId(), again.path, 'gone');
  t.is(add.exitCode, 0, add.stdout);
  t.is((await ipJson('-n', again.name, 'addr', 'show', 'dev', 'eth0')).length, 1, 'the new sandbox is wired');
});

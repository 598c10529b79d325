// VETH mode, end to end as root: a pod's veth pair is made before its record is committed, so an
// agent that died in between left the host end behind. The restarted agent removes host veths
// of its naming scheme that no record names, before it takes ADDs, and keeps everything else.
// The agent runs inside a throwaway namespace playing the host (its pods' host ends land there),
// so it never sees the veths of other tests running on this machine; the CNI plugin reaches it
// through its socket file.
import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostVethName } from '../../src/linux/pod-names.js';
import { containerId, ensurePlugin, ip, ipJson, runPlugin, tempNetns } from '../cni/_harness.js';
import { freePort, removeDir, repoRoot, standaloneAgentYaml } from '../helpers/agent.js';

const env = (cid: string, netns: string) => ({
  CNI_COMMAND: 'ADD', CNI_CONTAINERID: cid, CNI_NETNS: netns, CNI_IFNAME: 'eth0',
  CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web', CNI_PATH: '/opt/cni/bin',
});
const conf = (socket: string) => JSON.stringify({ cniVersion: '1.1.0', name: 'k8s-pod-network', type: 'ipnet-cni', agentSocket: socket });

/** The standalone agent (VETH mode) started inside `netns`; resolves once its CNI socket is open. */
async function agentIn(t: ExecutionContext, netns: string, dir: string): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  const config = join(dir, 'ipnet.yaml');
  await writeFile(config, standaloneAgentYaml('useTAPInterfaces: false').replaceAll('{{dir}}', dir).replaceAll('{{port}}', String(await freePort())));
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, join(repoRoot, 'bin/ipnet-agent.js'), '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  t.teardown(stop);
  const deadline = Date.now() + 30_000;
  while (!out.includes('CNI socket open')) {
    if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`agent did not open its CNI socket within 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, stop };
}

const linksIn = async (netns: string) => (await ipJson('-n', netns, 'link', 'show')).map((l) => String(l['ifname'])).sort();

test.serial('a restarted VETH-mode agent removes the host veth of a pod without a record and keeps the recorded pod\'s and any other veth', async (t) => {
  const plugin = await ensurePlugin();
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-veth-'));
  t.teardown(() => removeDir(dir));
  const host = await tempNetns(t, 'vhost');
  const pod = await tempNetns(t, 'vpod');
  const orphan = await tempNetns(t, 'vorph');

  let agent = await agentIn(t, host.name, dir);
  const cid = containerId();
  const add = await runPlugin(plugin, env(cid, pod.path), conf(join(dir, 'cni.sock')));
  t.is(add.exitCode, 0, `${add.stdout}\n${agent.output()}`);
  const recorded = hostVethName(cid);
  t.true((await linksIn(host.name)).includes(recorded), 'the pod\'s host end is in the agent\'s namespace');
  await agent.stop();

  // what an ADD killed before its record left, and veths that are not the agent's to remove
  const stray = hostVethName(containerId());
  const bothHere = hostVethName(containerId());
  await ip('-n', host.name, 'link', 'add', stray, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', orphan.name);
  await ip('-n', host.name, 'link', 'add', 'vethforeign', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', orphan.name);
  await ip('-n', host.name, 'link', 'add', bothHere, 'type', 'veth', 'peer', 'name', 'bothpeer');

  agent = await agentIn(t, host.name, dir);
  t.deepEqual(await linksIn(host.name), [bothHere, 'bothpeer', 'lo', recorded, 'vethforeign'].sort(), 'only the stray host end is gone');
  t.deepEqual(await linksIn(orphan.name), ['eth1', 'lo'], 'its pod end went with it');
  t.deepEqual(await linksIn(pod.name), ['eth0', 'lo'], 'the recorded pod keeps its interface');
  t.true(agent.output().includes(`"removed":["${stray}"]`), agent.output());
});

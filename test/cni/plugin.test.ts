/**
 * The CNI path end to end: the compiled forwarder run with kubelet's environment and stdin,
 * the agent's socket server, and a handler that wires real network namespaces.
 */
import test from 'ava';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { CniHandler } from '../../src/cni/dispatch.js';
import type { AttachmentRequest } from '../../src/cni/request.js';
import { startCniServer } from '../../src/sources/cni/server.js';
import { NetnsHandler } from './_pod-handler.js';
import { cleanupLink, containerId, ensurePlugin, ip, ipJson, runPlugin, tempDir, tempNetns } from './_harness.js';

let plugin = '';
test.before(async () => { plugin = await ensurePlugin(); });

function kubeletEnv(command: string, cid: string, netns: string): Record<string, string> {
  return {
    CNI_COMMAND: command, CNI_CONTAINERID: cid, CNI_NETNS: netns, CNI_IFNAME: 'eth0',
    CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=' + cid,
    CNI_PATH: '/opt/cni/bin',
  };
}

function config(socket: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ cniVersion: '1.1.0', name: 'k8s-pod-network', type: 'ipnet-cni', agentSocket: socket, ...extra });
}

test.serial('ADD wires the pod, CHECK passes then fails once the address is removed, DEL removes everything and may repeat', async (t) => {
  const dir = await tempDir(t, 'e2e');
  const socket = join(dir, 'cni.sock');
  const handler = new NetnsHandler({ prefix: '10.77.0', mtu: 1450 });
  const server = await startCniServer({ socketPath: socket, handler });
  t.teardown(() => server.close());
  const ns = await tempNetns(t, 'e2e');
  const cid = containerId();
  cleanupLink(t, cid.slice(0, 15));

  const add = await runPlugin(plugin, kubeletEnv('ADD', cid, ns.path), config(socket));
  t.is(add.exitCode, 0, add.stdout);
  const result = add.json as { ips: { address: string; gateway: string; interface: number }[]; interfaces: { name: string; sandbox: string; mac: string; mtu: number }[] };
  t.deepEqual(result.ips, [{ interface: 0, address: '10.77.0.2/32', gateway: '10.77.0.1' }]);
  t.is(result.interfaces[0]?.sandbox, ns.path);
  t.is(result.interfaces[0]?.mtu, 1450);

  const links = await ipJson('-n', ns.name, 'addr', 'show', 'dev', 'eth0');
  const addrs = (links[0]?.addr_info as { family: string; local: string; prefixlen: number }[]).filter((a) => a.family === 'inet');
  t.deepEqual(addrs.map((a) => `${a.local}/${a.prefixlen}`), ['10.77.0.2/32']);
  t.is(links[0]?.mtu, 1450);
  t.is(links[0]?.address, result.interfaces[0]?.mac);
  const routes = await ipJson('-n', ns.name, 'route', 'show');
  t.true(routes.some((r) => r.dst === 'default' && r.gateway === '10.77.0.1' && r.dev === 'eth0'));
  t.true(routes.some((r) => r.dst === '10.77.0.1' && r.scope === 'link' && r.dev === 'eth0'));
  const neigh = await ipJson('-n', ns.name, 'neigh', 'show', 'dev', 'eth0');
  t.deepEqual(neigh.map((n) => [n.dst, n.state]), [['10.77.0.1', ['PERMANENT']]]);
  const host = await ipJson('-d', 'link', 'show', 'dev', cid.slice(0, 15));
  t.is((host[0]?.linkinfo as { info_kind: string }).info_kind, 'veth');

  const prev = { prevResult: add.json };
  const check = await runPlugin(plugin, kubeletEnv('CHECK', cid, ns.path), config(socket, prev));
  t.is(check.exitCode, 0, check.stdout);
  t.is(check.stdout, '');

  await ip('-n', ns.name, 'addr', 'del', '10.77.0.2/32', 'dev', 'eth0');
  const bad = await runPlugin(plugin, kubeletEnv('CHECK', cid, ns.path), config(socket, prev));
  t.is(bad.exitCode, 1);
  t.is(bad.json?.code, 103);
  t.regex(String(bad.json?.msg), /address 10\.77\.0\.2\/32 is missing on eth0/);

  const del = await runPlugin(plugin, kubeletEnv('DEL', cid, ns.path), config(socket, prev));
  t.is(del.exitCode, 0, del.stdout);
  t.deepEqual((await ipJson('-n', ns.name, 'link', 'show')).map((l) => l.ifname), ['lo']);
  t.deepEqual(await ipJson('link', 'show', 'dev', cid.slice(0, 15)).catch(() => []), []);
  const again = await runPlugin(plugin, kubeletEnv('DEL', cid, ns.path), config(socket, prev));
  t.is(again.exitCode, 0, again.stdout);
});

test.serial('DEL after the netns was deleted succeeds and leaves no host end', async (t) => {
  const dir = await tempDir(t, 'gone');
  const socket = join(dir, 'cni.sock');
  const server = await startCniServer({ socketPath: socket, handler: new NetnsHandler({ prefix: '10.77.1' }) });
  t.teardown(() => server.close());
  const ns = await tempNetns(t, 'gone');
  const cid = containerId();
  cleanupLink(t, cid.slice(0, 15));
  const add = await runPlugin(plugin, kubeletEnv('ADD', cid, ns.path), config(socket));
  t.is(add.exitCode, 0, add.stdout);
  await ip('netns', 'del', ns.name);
  const del = await runPlugin(plugin, kubeletEnv('DEL', cid, ns.path), config(socket));
  t.is(del.exitCode, 0, del.stdout);
  t.deepEqual(await ipJson('link', 'show', 'dev', cid.slice(0, 15)).catch(() => []), []);
});

test.serial('ADD with no agent listening answers code 11 within 200 ms; DEL succeeds; STATUS says 50', async (t) => {
  const dir = await tempDir(t, 'down');
  const socket = join(dir, 'nobody.sock');
  const env = kubeletEnv('ADD', containerId(), '/var/run/netns/none');
  // Best of three: on a loaded machine one exec alone can take 200 ms; any waiting on the
  // missing agent (connect retries, timeouts) would show in every run.
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await runPlugin(plugin, env, config(socket)));
  for (const add of runs) {
    t.is(add.exitCode, 1);
    t.like(add.json, { cniVersion: '1.1.0', code: 11 });
  }
  const fastest = Math.min(...runs.map((r) => r.ms));
  t.true(fastest < 200, `took ${fastest.toFixed(1)} ms`);
  const del = await runPlugin(plugin, { ...env, CNI_COMMAND: 'DEL' }, config(socket));
  t.is(del.exitCode, 0);
  t.is(del.stdout, '');
  const status = await runPlugin(plugin, { CNI_COMMAND: 'STATUS' }, config(socket));
  t.is(status.exitCode, 1);
  t.like(status.json, { code: 50 });
});

test('STATUS through the agent is empty when ready and code 50 when the handler is not', async (t) => {
  const dir = await tempDir(t, 'status');
  const socket = join(dir, 'cni.sock');
  const handler = new NetnsHandler({ prefix: '10.77.2' });
  const server = await startCniServer({ socketPath: socket, handler });
  t.teardown(() => server.close());
  const ok = await runPlugin(plugin, { CNI_COMMAND: 'STATUS' }, config(socket));
  t.is(ok.exitCode, 0);
  t.is(ok.stdout, '');
  handler.ready = false;
  const no = await runPlugin(plugin, { CNI_COMMAND: 'STATUS' }, config(socket));
  t.is(no.exitCode, 1);
  t.like(no.json, { cniVersion: '1.1.0', code: 50 });
  t.regex(String(no.json?.msg), /startup resync/);
});

test('the agent sees kubelet\'s variables and config verbatim, and nothing else from the environment', async (t) => {
  const dir = await tempDir(t, 'verbatim');
  const socket = join(dir, 'cni.sock');
  const seen: AttachmentRequest[] = [];
  const handler: CniHandler = {
    add: () => Promise.reject(new Error('not used')), check: async () => undefined, status: async () => undefined, gc: async () => undefined,
    del: async (req) => { seen.push(req); },
  };
  const server = await startCniServer({ socketPath: socket, handler });
  t.teardown(() => server.close());
  const cid = containerId();
  const env = { ...kubeletEnv('DEL', cid, '/proc/4242/ns/net'), CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=team-a;K8S_POD_NAME=db-0;EXTRA=x=y', SECRET: 'not-forwarded' };
  const r = await runPlugin(plugin, env, config(socket, { runtimeConfig: { portMappings: [] }, cniVersion: '0.4.0' }));
  t.is(r.exitCode, 0, r.stdout);
  const req = seen[0];
  t.like(req, { command: 'DEL', cniVersion: '0.4.0', containerId: cid, ifname: 'eth0', pod: { namespace: 'team-a', name: 'db-0' } });
  t.deepEqual(req?.netns, { kind: 'path', path: '/proc/4242/ns/net' });
  t.deepEqual(req?.args, { IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'team-a', K8S_POD_NAME: 'db-0', EXTRA: 'x=y' });
  t.deepEqual(req?.config.raw.runtimeConfig, { portMappings: [] });
  t.false(JSON.stringify(req).includes('not-forwarded'));
});

test('DEL of a container the agent never saw succeeds', async (t) => {
  const dir = await tempDir(t, 'unknown');
  const socket = join(dir, 'cni.sock');
  const server = await startCniServer({ socketPath: socket, handler: new NetnsHandler({ prefix: '10.77.4' }) });
  t.teardown(() => server.close());
  const r = await runPlugin(plugin, kubeletEnv('DEL', containerId(), '/var/run/netns/ipnt-never'), config(socket));
  t.is(r.exitCode, 0, r.stdout);
  t.is(r.stdout, '');
});

test('an agent that does not answer in time, or hangs up, gets code 11 from the forwarder', async (t) => {
  const dir = await tempDir(t, 'slow');
  const socket = join(dir, 'cni.sock');
  const stuck = new Promise<never>(() => undefined);
  const handler = { add: () => stuck, del: () => stuck, check: () => stuck, status: () => stuck, gc: () => stuck } as CniHandler;
  const server = await startCniServer({ socketPath: socket, handler, closeGraceMs: 50 });
  const env = { ...kubeletEnv('ADD', containerId(), '/var/run/netns/x'), IPNET_CNI_TIMEOUT_MS: '300' };
  const slow = await runPlugin(plugin, env, config(socket));
  t.like(slow.json, { code: 11, msg: 'timed out waiting for the ipnet agent' });
  t.true(slow.ms < 2000, `took ${slow.ms.toFixed(0)} ms`);
  await server.close();
  const rude = createServer((s) => s.destroy());
  const socket2 = join(dir, 'rude.sock');
  await new Promise<void>((r) => rude.listen(socket2, r));
  t.teardown(() => new Promise<void>((r) => rude.close(() => r())));
  for (const cmd of ['ADD', 'DEL']) {
    const r = await runPlugin(plugin, { ...kubeletEnv(cmd, containerId(), '/var/run/netns/x') }, config(socket2));
    t.is(r.exitCode, 1, cmd);
    t.like(r.json, { code: 11 }, cmd);
    // a request larger than the socket buffer is still being sent when the agent hangs up: the
    // send fails, and that too is a hang-up (a DEL is not known to be done), not an absent agent
    const big = await runPlugin(plugin, { ...kubeletEnv(cmd, containerId(), '/var/run/netns/x') }, config(socket2, { padding: 'x'.repeat(900_000) }));
    t.is(big.exitCode, 1, `${cmd} with a 900 kB request`);
    t.like(big.json, { code: 11 }, `${cmd} with a 900 kB request`);
  }
});

test('GC through the plugin removes pods missing from cni.dev/valid-attachments and keeps the others', async (t) => {
  const dir = await tempDir(t, 'gc');
  const socket = join(dir, 'cni.sock');
  const handler = new NetnsHandler({ prefix: '10.77.5' });
  const server = await startCniServer({ socketPath: socket, handler });
  t.teardown(() => server.close());
  const [keep, drop] = [containerId(), containerId()];
  for (const cid of [keep, drop]) {
    const ns = await tempNetns(t, 'gc');
    cleanupLink(t, cid.slice(0, 15));
    const add = await runPlugin(plugin, kubeletEnv('ADD', cid, ns.path), config(socket));
    t.is(add.exitCode, 0, add.stdout);
  }
  const gc = await runPlugin(plugin, { CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin' },
    config(socket, { 'cni.dev/valid-attachments': [{ containerID: keep, ifname: 'eth0' }] }));
  t.is(gc.exitCode, 0, gc.stdout);
  t.is((await ipJson('link', 'show', 'dev', keep.slice(0, 15))).length, 1);
  t.deepEqual(await ipJson('link', 'show', 'dev', drop.slice(0, 15)).catch(() => []), []);
  t.deepEqual([...handler.pods.keys()], [keep]);
});

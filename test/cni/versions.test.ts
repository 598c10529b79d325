/**
 * Version handling seen from kubelet: VERSION output (with and without the agent), the ADD
 * result in each version's exact shape, and cniVersions negotiation.
 */
import test from 'ava';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { CniHandler } from '../../src/cni/dispatch.js';
import { dispatch } from '../../src/cni/dispatch.js';
import type { PodNetworkResult } from '../../src/cni/result.js';
import { negotiateVersion, SUPPORTED_VERSIONS } from '../../src/cni/versions.js';
import { startCniServer, type CniServer } from '../../src/sources/cni/server.js';
import { containerId, ensurePlugin, runPlugin } from './_harness.js';

const podResult: PodNetworkResult = {
  interfaces: [{ name: 'eth0', mac: '02:fe:11:22:33:44', sandbox: '/var/run/netns/p1', mtu: 1450 }],
  ips: [{ address: '10.1.1.2/32', gateway: '10.1.1.1', interface: 0 }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.1.1.1', scope: 0 }],
};
const handler: CniHandler = {
  add: async () => podResult, del: async () => undefined, check: async () => undefined,
  status: async () => undefined, gc: async () => undefined,
};

let plugin = '';
let server: CniServer;
let dir = '';
test.before(async () => {
  plugin = await ensurePlugin();
  dir = await mkdtemp(join(tmpdir(), 'ipnet-versions-'));
  server = await startCniServer({ socketPath: join(dir, 'cni.sock'), handler });
});
test.after.always(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (command: string): Record<string, string> => ({
  CNI_COMMAND: command, CNI_CONTAINERID: containerId(), CNI_NETNS: '/var/run/netns/p1', CNI_IFNAME: 'eth0',
  CNI_ARGS: 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=p1', CNI_PATH: '/opt/cni/bin',
});

const legacyIps = [{ version: '4', interface: 0, address: '10.1.1.2/32', gateway: '10.1.1.1' }];
const modernIps = [{ interface: 0, address: '10.1.1.2/32', gateway: '10.1.1.1' }];
const plainIf = [{ name: 'eth0', mac: '02:fe:11:22:33:44', sandbox: '/var/run/netns/p1' }];
const plainRoutes = [{ dst: '0.0.0.0/0', gw: '10.1.1.1' }];
const table: { version: string; expected: Record<string, unknown> }[] = [
  { version: '0.3.0', expected: { cniVersion: '0.3.0', interfaces: plainIf, ips: legacyIps, routes: plainRoutes, dns: {} } },
  { version: '0.3.1', expected: { cniVersion: '0.3.1', interfaces: plainIf, ips: legacyIps, routes: plainRoutes, dns: {} } },
  { version: '0.4.0', expected: { cniVersion: '0.4.0', interfaces: plainIf, ips: legacyIps, routes: plainRoutes, dns: {} } },
  { version: '1.0.0', expected: { cniVersion: '1.0.0', interfaces: plainIf, ips: modernIps, routes: plainRoutes, dns: {} } },
  {
    version: '1.1.0',
    expected: {
      cniVersion: '1.1.0', interfaces: [{ name: 'eth0', mac: '02:fe:11:22:33:44', mtu: 1450, sandbox: '/var/run/netns/p1' }],
      ips: modernIps, routes: [{ dst: '0.0.0.0/0', gw: '10.1.1.1', scope: 0 }], dns: {},
    },
  },
];

for (const { version, expected } of table) {
  test(`an ADD with cniVersion ${version} prints the result in ${version}'s format`, async (t) => {
    const r = await runPlugin(plugin, { ...env('ADD'), IPNET_CNI_SOCKET: server.socketPath },
      JSON.stringify({ cniVersion: version, name: 'net', type: 'ipnet-cni' }));
    t.is(r.exitCode, 0, r.stdout);
    t.deepEqual(r.json, expected);
    t.deepEqual(Object.keys(r.json ?? {}), ['cniVersion', 'interfaces', 'ips', 'routes', 'dns']);
  });
}

test('VERSION works without the agent and echoes a supported requested version', async (t) => {
  const r = await runPlugin(plugin, { CNI_COMMAND: 'VERSION', IPNET_CNI_SOCKET: join(dir, 'absent.sock') }, '{"cniVersion":"0.4.0"}');
  t.is(r.exitCode, 0);
  t.deepEqual(r.json, { cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
  const bare = await runPlugin(plugin, { CNI_COMMAND: 'VERSION' }, '');
  t.deepEqual(bare.json, { cniVersion: '1.1.0', supportedVersions: [...SUPPORTED_VERSIONS] });
});

test('the agent answers VERSION exactly like the forwarder does', async (t) => {
  for (const stdin of ['{"cniVersion":"0.3.1"}', '{"cniVersion":"7.0.0"}', '']) {
    const local = await runPlugin(plugin, { CNI_COMMAND: 'VERSION' }, stdin);
    const agent = await dispatch({ env: { CNI_COMMAND: 'VERSION' }, stdin: Buffer.from(stdin) }, handler);
    t.is(agent.exitCode, 0);
    t.deepEqual(JSON.parse(agent.stdout), local.json);
  }
});

test('a cniVersions list without cniVersion picks the newest common version', async (t) => {
  t.is(negotiateVersion(undefined, ['0.3.1', '1.0.0', '9.0.0']), '1.0.0');
  const r = await runPlugin(plugin, { ...env('ADD'), IPNET_CNI_SOCKET: server.socketPath },
    JSON.stringify({ cniVersions: ['0.4.0', '1.1.0', '2.0.0'], name: 'net', type: 'ipnet-cni' }));
  t.is(r.json?.cniVersion, '1.1.0');
  t.is(r.exitCode, 0);
});

test('cniVersion wins over cniVersions when both are present', (t) => {
  t.is(negotiateVersion('0.4.0', ['1.1.0']), '0.4.0');
});

test('DEL, CHECK and GC print nothing on success', async (t) => {
  const cfg = (v: string, extra = {}) => JSON.stringify({ cniVersion: v, name: 'net', type: 'ipnet-cni', ...extra });
  for (const [cmd, stdin] of [['DEL', cfg('0.3.1')], ['CHECK', cfg('0.4.0')], ['GC', cfg('1.1.0', { 'cni.dev/valid-attachments': [] })]] as const) {
    const r = await runPlugin(plugin, { ...env(cmd), IPNET_CNI_SOCKET: server.socketPath }, stdin);
    t.is(r.exitCode, 0, `${cmd}: ${r.stdout}`);
    t.is(r.stdout, '', cmd);
  }
});

/**
 * Malformed invocations through the real forwarder and the real server: each is refused with
 * the CNI code the spec prescribes, printed on stdout with exit status 1, and never reaches
 * the handler.
 */
import test from 'ava';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { CniHandler } from '../../src/cni/dispatch.js';
import { startCniServer, type CniServer } from '../../src/sources/cni/server.js';
import { containerId, ensurePlugin, runPlugin } from './_harness.js';

let plugin = '';
let server: CniServer;
let dir = '';
const calls: string[] = [];
const handler: CniHandler = {
  add: async () => { calls.push('add'); return { interfaces: [], ips: [], routes: [] }; },
  del: async () => { calls.push('del'); },
  check: async () => { calls.push('check'); },
  status: async () => { calls.push('status'); },
  gc: async () => { calls.push('gc'); },
};

test.before(async () => {
  plugin = await ensurePlugin();
  dir = await mkdtemp(join(tmpdir(), 'ipnet-malformed-'));
  server = await startCniServer({ socketPath: join(dir, 'cni.sock'), handler });
});
test.after.always(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const cid = containerId();
const goodEnv: Record<string, string> = {
  CNI_COMMAND: 'ADD', CNI_CONTAINERID: cid, CNI_NETNS: '/var/run/netns/ipnt-never', CNI_IFNAME: 'eth0',
  CNI_ARGS: 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-1', CNI_PATH: '/opt/cni/bin',
};
const goodConfig = { cniVersion: '1.0.0', name: 'k8s-pod-network', type: 'ipnet-cni' };

interface Row {
  readonly what: string;
  readonly code: number;
  /** Environment changes; `undefined` removes the variable. */
  readonly env?: Record<string, string | undefined>;
  /** Config changes, or the raw stdin. */
  readonly config?: Record<string, unknown>;
  readonly stdin?: string | Buffer;
  /** cniVersion the error must carry (default: the config's 1.0.0). */
  readonly version?: string;
}

const rows: Row[] = [
  { what: 'stdin that is not JSON', code: 6, stdin: '{"cniVersion": "1.0.0", ', version: '1.1.0' },
  { what: 'an empty stdin on ADD', code: 6, stdin: '', version: '1.1.0' },
  { what: 'a JSON array instead of an object', code: 7, stdin: '[1, 2]', version: '1.1.0' },
  { what: 'a missing CNI_COMMAND', code: 4, env: { CNI_COMMAND: undefined } },
  { what: 'an unknown CNI_COMMAND', code: 4, env: { CNI_COMMAND: 'REBOOT' } },
  { what: 'ADD without CNI_CONTAINERID', code: 4, env: { CNI_CONTAINERID: undefined } },
  { what: 'ADD without CNI_NETNS', code: 4, env: { CNI_NETNS: undefined } },
  { what: 'ADD without CNI_IFNAME', code: 4, env: { CNI_IFNAME: undefined } },
  { what: 'a container ID starting with a dash', code: 4, env: { CNI_CONTAINERID: '-abc' } },
  { what: 'an unknown old cniVersion', code: 1, config: { cniVersion: '0.2.0' }, version: '1.1.0' },
  { what: 'a future cniVersion', code: 1, config: { cniVersion: '2.0.0' }, version: '1.1.0' },
  { what: 'a config without cniVersion (0.1.0)', code: 1, config: { cniVersion: undefined }, version: '1.1.0' },
  { what: 'a numeric cniVersion', code: 7, config: { cniVersion: 1 }, version: '1.1.0' },
  { what: 'a cniVersions list with nothing in common', code: 1, config: { cniVersion: undefined, cniVersions: ['0.1.0', '9.9.9'] }, version: '1.1.0' },
  { what: 'CHECK with a 0.3.1 config', code: 1, env: { CNI_COMMAND: 'CHECK' }, config: { cniVersion: '0.3.1' }, version: '0.3.1' },
  { what: 'GC with a 1.0.0 config', code: 1, env: { CNI_COMMAND: 'GC' } },
  { what: 'a relative netns path', code: 4, env: { CNI_NETNS: 'var/run/netns/x' } },
  { what: 'a netns path with ..', code: 4, env: { CNI_NETNS: '/var/run/netns/../../etc/passwd' } },
  { what: 'a netns path with a space', code: 4, env: { CNI_NETNS: '/var/run/netns/a b' } },
  { what: 'a /proc path that is not a pid netns', code: 4, env: { CNI_NETNS: '/proc/self/ns/net' } },
  { what: 'stdin larger than 1 MiB', code: 7, stdin: Buffer.alloc(1024 * 1024 + 1, 0x20), version: '1.1.0' },
  { what: 'CNI_ARGS without K8S_POD_NAME', code: 4, env: { CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default' } },
  { what: 'CNI_ARGS with a pair lacking "="', code: 4, env: { CNI_ARGS: 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=a;junk' } },
  { what: 'an interface name with a space', code: 4, env: { CNI_IFNAME: 'eth 0' } },
  { what: 'an interface name of 16 characters', code: 4, env: { CNI_IFNAME: 'abcdefghijklmnop' } },
  { what: 'an interface name with a slash', code: 4, env: { CNI_IFNAME: 'a/b' } },
  { what: 'the interface name ".."', code: 4, env: { CNI_IFNAME: '..' } },
  { what: 'a config without name', code: 7, config: { name: undefined } },
  { what: 'a config without type', code: 7, config: { type: undefined } },
  { what: 'a network name starting with a dot', code: 7, config: { name: '.hidden' } },
  { what: 'a prevResult on ADD (chaining)', code: 7, config: { prevResult: { cniVersion: '1.0.0', ips: [] } } },
  { what: 'a relative agentSocket', code: 7, config: { agentSocket: 'run/cni.sock' } },
  { what: 'GC without cni.dev/valid-attachments', code: 7, env: { CNI_COMMAND: 'GC' }, config: { cniVersion: '1.1.0' }, version: '1.1.0' },
  { what: 'GC with an attachment lacking ifname', code: 7, env: { CNI_COMMAND: 'GC' }, config: { cniVersion: '1.1.0', 'cni.dev/valid-attachments': [{ containerID: 'x' }] }, version: '1.1.0' },
];

for (const row of rows) {
  test(`${row.what} is refused with code ${row.code}`, async (t) => {
    const env: Record<string, string> = { IPNET_CNI_SOCKET: server.socketPath };
    for (const [k, v] of Object.entries({ ...goodEnv, ...row.env })) if (v !== undefined) env[k] = v;
    const stdin = row.stdin ?? JSON.stringify({ ...goodConfig, ...row.config });
    const before = calls.length;
    const r = await runPlugin(plugin, env, stdin);
    t.is(r.exitCode, 1, r.stdout);
    t.like(r.json, { code: row.code, cniVersion: row.version ?? '1.0.0' });
    t.is(typeof r.json?.msg, 'string');
    t.true(String(r.json?.msg).length > 10);
    t.is(typeof r.json?.details, 'string');
    t.is(calls.length, before, 'the handler must not be called');
  });
}

test('the table covers at least 15 malformed requests', (t) => {
  t.true(rows.length >= 15);
});

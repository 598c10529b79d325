import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { compileConfig, loadConfigFile, processConfigEnv, runCheckConfig } from '../../src/config/index.js';

const env = { NODE_NAME: 'worker-1', hostname: 'h' };

/** Writes `text` to a fresh temp dir removed after the test; returns the file path. */
async function tempConfig(t: { teardown: (fn: () => Promise<void>) => void }, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'ipnet.yaml');
  await writeFile(path, text);
  return path;
}

/** Runs the CLI helper and returns its exit code and printed lines. */
async function check(path: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCheckConfig(path, env, (l) => lines.push(l));
  return { code, lines };
}

test('--check-config on a valid file prints a summary and exits 0', async (t) => {
  const path = await tempConfig(t, 'mtuSize: 1450\nipamConfig:\n  nodeInterconnectCIDR: 192.168.16.0/24\n');
  t.deepEqual(await check(path), { code: 0, lines: [`${path}: valid (0 warnings) for node worker-1`] });
});

test('--check-config prints warnings but still exits 0', async (t) => {
  const path = await tempConfig(t, 'tapInterfaceVersion: 1\nmtusize: 1450\nmtuSise: 9000\n');
  t.deepEqual(await check(path), {
    code: 0,
    lines: [
      'warning: tapInterfaceVersion = 1: TAP version 1 is not supported; using version 2 (virtio TAP)',
      'warning: mtuSise = 9000: unknown key, ignored (closest known key: "mtuSize")',
      `${path}: valid (2 warnings) for node worker-1`,
    ],
  });
});

test('--check-config prints every error and exits 2', async (t) => {
  const path = await tempConfig(t, [
    'ipamConfig:',
    '  podSubnetCIDR: 10.1.0.0/33',
    '  serviceCIDR: 10.1.0.0/24',
    'http:',
    '  port: -1',
    'nodeConfig:',
    '  - nodeName: a',
    '  - nodeName: a',
    '',
  ].join('\n'));
  t.deepEqual(await check(path), {
    code: 2,
    lines: [
      'error: nodeConfig[1].nodeName = "a": duplicate node name: already configured by nodeConfig[0]',
      'error: ipamConfig.podSubnetCIDR = "10.1.0.0/33": not a valid IPv4 CIDR',
      'error: http.port = -1: must not be negative: 0…65535 (TCP port)',
      `${path}: invalid (3 errors, 0 warnings)`,
    ],
  });
});

test('--check-config reports a YAML syntax error with the file, line and column', async (t) => {
  const path = await tempConfig(t, 'mtuSize: 1450\nipamConfig: [\n  podSubnetCIDR: x\n');
  const { code, lines } = await check(path);
  t.is(code, 2);
  t.regex(lines[0] ?? '', new RegExp(`^error: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line \\d+, column \\d+: `));
});

test('--check-config on a missing file exits 2 naming the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-config-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'absent.yaml');
  const { code, lines } = await check(path);
  t.is(code, 2);
  t.true(lines[0]?.startsWith(`error: ${path}: failed to read config file: ENOENT`), lines[0]);
});

test('loading no file at all gives the built-in defaults', async (t) => {
  t.deepEqual(await loadConfigFile(undefined, env), compileConfig({}, env));
});

test('loading a file gives the same config as compiling its content', async (t) => {
  const path = await tempConfig(t, 'STNVersion: 2\nuseTAPInterfaces: false\n');
  const loaded = await loadConfigFile(path, env);
  t.deepEqual(loaded, compileConfig({ stnVersion: 2, useTAPInterfaces: false }, env));
  t.is(loaded.config?.interfaceMode, 'veth');
});

test('the process environment supplies NODE_NAME and the real hostname', (t) => {
  const e = processConfigEnv();
  t.is(e.hostname, hostname());
  t.is(e.NODE_NAME, process.env['NODE_NAME']);
});

import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { compileConfig } from '../../src/config/index.js';
import { kubeSourceOptions, resolveKubeConfig, KubeConfigError } from '../../src/sources/k8s/index.js';
import { podJson } from '../helpers/fake-kube-objects.js';
import { attach, fakeFor } from './harness.js';

async function tempDir(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-kubeconfig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const kubeconfigText = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: agent
  user:
    token: not-checked
contexts:
- name: fake
  context: { cluster: fake, user: agent }
current-context: fake
`;

test('a kubeconfig file pointing at the API server is enough to sync', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a', ip: '10.1.1.2' }));
  const file = join(await tempDir(t), 'kubeconfig');
  await writeFile(file, kubeconfigText(fake.url));
  const { source } = attach(t, fake, { kubeconfig: file });

  await source.synced();

  t.deepEqual(source.livePods(), [{ pod: { namespace: 'default', name: 'web' }, ip: '10.1.1.2' }]);
});

test('a bare server URL (an authenticating proxy) is enough to sync', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'web', nodeName: 'node-a' }));
  const { source } = attach(t, fake, { kubeconfig: undefined, server: `${fake.url}/` });

  await source.synced();

  t.is(source.pods().length, 1);
});

test('a server URL over https keeps TLS verification on', (t) => {
  t.false(resolveKubeConfig({ server: 'https://10.96.0.1:443' }).getCurrentCluster()?.skipTLSVerify);
  t.true(resolveKubeConfig({ server: 'http://127.0.0.1:8001' }).getCurrentCluster()?.skipTLSVerify);
});

test('a ready KubeConfig is used as it is', (t) => {
  const kc = new KubeConfig();
  t.is(resolveKubeConfig({ kubeconfig: kc }), kc);
});

const bad: ReadonlyArray<readonly [string, Parameters<typeof resolveKubeConfig>[0], RegExp]> = [
  ['both a kubeconfig and a server', { kubeconfig: '/etc/kubeconfig', server: 'http://127.0.0.1:1' }, /^failed to configure Kubernetes client: give a kubeconfig or a server URL, not both$/],
  ['neither a kubeconfig nor a server', {}, /^failed to configure Kubernetes client: neither/],
  ['a server that is not a URL', { server: 'api:6443' }, /^failed to configure Kubernetes client for server "api:6443": not an http\(s\) URL$/],
  ['a server that does not parse', { server: 'http://' }, /^failed to configure Kubernetes client for server "http:\/\/": /],
  ['a kubeconfig file that does not exist', { kubeconfig: '/nonexistent/ipnet/kubeconfig' }, /^failed to load kubeconfig \/nonexistent\/ipnet\/kubeconfig: .*ENOENT/],
];
for (const [what, target, message] of bad) {
  test(`the source does not start with ${what}`, (t) => {
    t.throws(() => resolveKubeConfig(target), { instanceOf: KubeConfigError, message });
  });
}

test('a kubeconfig file whose context names no cluster is refused', async (t) => {
  const file = join(await tempDir(t), 'kubeconfig');
  await writeFile(file, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
  t.throws(() => resolveKubeConfig({ kubeconfig: file }), { instanceOf: KubeConfigError, message: /its current context names no cluster$/ });
});

test.serial('in-cluster config needs the service environment and then points at the service', (t) => {
  const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
  t.teardown(() => {
    for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  delete process.env['KUBERNETES_SERVICE_HOST'];
  delete process.env['KUBERNETES_SERVICE_PORT'];
  t.throws(() => resolveKubeConfig({ kubeconfig: 'in-cluster' }), { message: /KUBERNETES_SERVICE_HOST\/PORT are not set/ });

  process.env['KUBERNETES_SERVICE_HOST'] = '10.96.0.1';
  process.env['KUBERNETES_SERVICE_PORT'] = '443';
  t.is(resolveKubeConfig({ kubeconfig: 'in-cluster' }).getCurrentCluster()?.server, 'https://10.96.0.1:443');
});

test('the compiled config turns the source off by default, else names the kubeconfig or the in-cluster account', (t) => {
  const options = (kubernetes: unknown) => {
    const config = compileConfig({ nodeName: 'node-a', kubernetes }, { hostname: 'h' }).config;
    if (config === undefined) throw new Error('config did not compile');
    return kubeSourceOptions(config);
  };
  t.is(options(undefined), undefined);
  t.deepEqual(options({ enabled: true }), { kubeconfig: 'in-cluster', nodeName: 'node-a' });
  t.deepEqual(options({ enabled: true, kubeconfig: '/etc/ipnet/kubeconfig' }), { kubeconfig: '/etc/ipnet/kubeconfig', nodeName: 'node-a' });
});

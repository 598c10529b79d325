// config/k8s/ipnet.yaml against the programs it deploys: the ConfigMap's config compiles, the
// containers' sockets and mounts agree with it, the probes are answered by an agent running
// that config, and the ClusterRole grants every request that agent makes to the API server.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { formatProblem, parseConfigText } from '../../src/config/index.js';
import { parseBridgeArgs } from '../../src/vpp/bridge/args.js';
import { ipcSocketPath } from '../../src/vpp/bridge/server.js';
import { removeDir, repoRoot, startAgentProcess } from '../helpers/agent.js';
import { FakeKube } from '../helpers/fake-kube.js';
import { nodeJson } from '../helpers/fake-kube-objects.js';
import { until } from '../helpers/until.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects read as plain YAML */
type Obj = Record<string, any>;

const manifest = join(repoRoot, 'config/k8s/ipnet.yaml');

async function documents(): Promise<Obj[]> {
  const docs = parseAllDocuments(await readFile(manifest, 'utf8'));
  return (Array.isArray(docs) ? docs : [docs]).map((d) => {
    if (d.errors.length > 0) throw new Error(`${manifest}: ${d.errors[0]?.message}`);
    return d.toJS() as Obj;
  });
}

function one(docs: Obj[], kind: string): Obj {
  const found = docs.filter((d) => d['kind'] === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Obj;
}

const pod = (docs: Obj[]): Obj => one(docs, 'DaemonSet')['spec']['template']['spec'];
const container = (docs: Obj[], name: string): Obj => {
  const c = (pod(docs)['containers'] as Obj[]).find((x) => x['name'] === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
};
const configText = (docs: Obj[]): string => one(docs, 'ConfigMap')['data']['ipnet.yaml'];

/** The host directory a container sees at `path`, through a hostPath volume mounted at the same place. */
function hostDirOf(docs: Obj[], c: Obj, path: string): string | undefined {
  for (const m of c['volumeMounts'] as Obj[]) {
    if (path !== m['mountPath'] && !path.startsWith(`${m['mountPath']}/`)) continue;
    const v = (pod(docs)['volumes'] as Obj[]).find((x) => x['name'] === m['name']);
    const host = v?.['hostPath']?.['path'];
    if (host === m['mountPath']) return host;
  }
  return undefined;
}

test('the ConfigMap config compiles cleanly for a cluster node', async (t) => {
  const docs = await documents();
  const { config, problems } = parseConfigText(configText(docs), { NODE_NAME: 'k8s-worker1', hostname: 'h' });
  t.deepEqual(problems.map(formatProblem), []);
  t.like(config, { nodeName: 'k8s-worker1', store: { type: 'etcd' }, kubernetes: { enabled: true, kubeconfig: undefined } });
  // the node name comes from the pod's node, which the config does not name
  const env = container(docs, 'agent')['env'] as Obj[];
  t.deepEqual(env.find((e) => e['name'] === 'NODE_NAME')?.['valueFrom'], { fieldRef: { fieldPath: 'spec.nodeName' } });
});

test('RBAC names one service account, role and binding, and the role only reads', async (t) => {
  const docs = await documents();
  const sa = one(docs, 'ServiceAccount')['metadata'];
  const role = one(docs, 'ClusterRole');
  const binding = one(docs, 'ClusterRoleBinding');
  t.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role['metadata']['name'] });
  t.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: sa['name'], namespace: sa['namespace'] }]);
  t.is(pod(docs)['serviceAccountName'], sa['name']);
  t.is(one(docs, 'DaemonSet')['metadata']['namespace'], sa['namespace']);
  const verbs = new Set((role['rules'] as Obj[]).flatMap((r) => r['verbs'] as string[]));
  t.deepEqual([...verbs].filter((v) => !['get', 'list', 'watch'].includes(v)), []);
});

test('the sockets of the config, the bridge, the CNI forwarder and the mounts agree', async (t) => {
  const docs = await documents();
  const { config } = parseConfigText(configText(docs), { NODE_NAME: 'n', hostname: 'h' });
  if (!config) return t.fail('config does not compile');
  const agent = container(docs, 'agent');
  const bridge = container(docs, 'vpp-bridge');

  // the agent reads the ConfigMap's key where its --config points
  const args = agent['args'] as string[];
  const configPath = args[args.indexOf('--config') + 1] as string;
  const mount = (agent['volumeMounts'] as Obj[]).find((m) => configPath.startsWith(`${m['mountPath']}/`));
  const volume = (pod(docs)['volumes'] as Obj[]).find((v) => v['name'] === mount?.['name']);
  t.is(volume?.['configMap']?.['name'], one(docs, 'ConfigMap')['metadata']['name']);
  t.is(configPath.slice(`${mount?.['mountPath']}/`.length), 'ipnet.yaml');

  // the bridge listens where the agent connects, on a directory both containers share
  const b = parseBridgeArgs([...(bridge['command'] as string[]).slice(2), ...(bridge['args'] as string[])]);
  t.is(b.backend, 'vpp');
  t.is(b.listen, config.vppBridge.endpoint);
  const ipc = ipcSocketPath(b.listen) ?? '';
  t.truthy(hostDirOf(docs, bridge, dirname(ipc)), 'bridge socket dir is not a shared hostPath');
  t.is(hostDirOf(docs, agent, dirname(ipc)), hostDirOf(docs, bridge, dirname(ipc)));
  t.truthy(hostDirOf(docs, bridge, dirname(b.vppSocket)), 'VPP API socket dir is not mounted');
  t.deepEqual(bridge['command'], ['node', 'bin/ipnet-vpp-bridge.js']);

  // kubelet's runtime runs the forwarder on the host: the agent's CNI socket must be on the host, at the same path
  t.is(hostDirOf(docs, agent, dirname(config.cni.socket)), dirname(config.cni.socket));
  const conflist = JSON.parse(await readFile(join(repoRoot, 'config/cni/10-ipnet.conflist'), 'utf8')) as Obj;
  t.is(conflist['plugins'][0]['agentSocket'], config.cni.socket);

  // pod sandboxes created later must appear inside the agent's container
  const netns = (agent['volumeMounts'] as Obj[]).find((m) => m['mountPath'] === '/var/run/netns');
  t.is(netns?.['mountPropagation'], 'HostToContainer');
  t.true(agent['securityContext']?.['privileged']);
  t.true(pod(docs)['hostNetwork']);
});

test('the install container copies files the image holds to the host CNI directories', async (t) => {
  const docs = await documents();
  const init = (pod(docs)['initContainers'] as Obj[]).find((c) => c['name'] === 'install-cni') as Obj;
  const script = (init['command'] as string[]).at(-1) as string;
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const workdir = /^WORKDIR (\S+)$/gm;
  const image = [...dockerfile.matchAll(workdir)].at(-1)?.[1];
  t.is(image, '/opt/ipnet');
  const installs = [...script.matchAll(/install -m (\d+) (\S+) (\S+)/g)].map(([, mode, from, to]) => ({ mode, from: from as string, to: to as string }));
  t.deepEqual(installs.map((i) => i.to), ['/host/opt/cni/bin/ipnet-cni', '/host/etc/cni/net.d/10-ipnet.conflist']);
  for (const i of installs) {
    t.true(i.from.startsWith(`${image}/`), i.from);
    const rel = i.from.slice(`${image}/`.length);
    // the runtime stage copies these directories from the build stage
    t.regex(dockerfile, new RegExp(`COPY --from=build \\S+/${rel.split('/')[0]} \\./${rel.split('/')[0]}`));
    // and the build makes the file: the forwarder by native/build.sh, the rest is in the repo
    if (rel === 'native/build/ipnet-cni') await promisify(execFile)(join(repoRoot, 'native/build.sh'));
    t.true(existsSync(join(repoRoot, rel)), rel);
    const mounted = (init['volumeMounts'] as Obj[]).find((m) => i.to.startsWith(`${m['mountPath']}/`));
    const host = (pod(docs)['volumes'] as Obj[]).find((v) => v['name'] === mounted?.['name'])?.['hostPath']?.['path'];
    t.is(`${host}${i.to.slice((mounted?.['mountPath'] as string).length)}`, i.to.replace('/host', ''));
  }
});

test('an agent running the ConfigMap config answers the probes, and the role grants all it asks the API server', async (t) => {
  const docs = await documents();
  const kube = await FakeKube.create();
  t.teardown(() => kube.close());
  kube.add('nodes', nodeJson({ name: 'worker-1', internalIP: '10.0.0.1' }));
  const raw = parseAllDocuments(configText(docs));
  const cfg = (Array.isArray(raw) ? raw[0] : raw)?.toJS() as Obj;
  // only what ties the config to a cluster node changes: the store, VPP (simulated), the
  // ports and paths of this test, and the API server (the fake, through a kubeconfig file)
  const agentYaml = JSON.stringify({
    ...cfg,
    nodeName: 'worker-1',
    store: { type: 'embedded', path: '{{dir}}/store.json' },
    vppBridge: { endpoint: 'embedded' },
    http: { address: '127.0.0.1', port: '{{port}}' },
    cni: { socket: '{{dir}}/cni.sock' },
    kubernetes: { enabled: true, kubeconfig: '{{dir}}/kubeconfig' },
  }).replace('"{{port}}"', '{{port}}');
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-deploy-'));
  t.teardown(() => removeDir(dir));
  await writeFile(join(dir, 'kubeconfig'), kube.kubeConfig().exportConfig());
  const agent = await startAgentProcess(agentYaml, dir);
  try {
    const { port } = new URL(agent.base);
    const { config } = parseConfigText(configText(docs), { NODE_NAME: 'n', hostname: 'h' });
    t.is(Number(container(docs, 'agent')['ports'][0]['containerPort']), config?.http.port ?? NaN);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      const get = container(docs, 'agent')[probe]['httpGet'] as Obj;
      t.is(get['port'], config?.http.port);
      // kubelet probes the pod IP (the node's, with hostNetwork) unless told a host: an agent on
      // loopback, the secure default, must be probed there
      if (config?.http.address !== '0.0.0.0') t.is(get['host'], config?.http.address, `${probe} host`);
      t.is((await fetch(`http://127.0.0.1:${port}${get['path']}`)).status, 200, probe);
    }
    await until('pods and nodes listed and watched', () => (['pods', 'nodes'] as const).every((k) => kube.requestsOf(k, false).length > 0 && kube.requestsOf(k, true).length > 0));
  } finally {
    await agent.stop();
  }
  const rules = one(docs, 'ClusterRole')['rules'] as Obj[];
  const granted = (resource: string, verb: string) =>
    rules.some((r) => (r['apiGroups'] as string[]).includes('') && (r['resources'] as string[]).includes(resource) && (r['verbs'] as string[]).includes(verb));
  t.true(kube.requests.length > 0);
  for (const r of kube.requests) {
    // core group, cluster-wide or namespaced: /api/v1[/namespaces/<ns>]/<resource>[/<name>]
    const m = /^\/api\/v1(?:\/namespaces\/[^/]+)?\/([a-z]+)(\/[^/]+)?$/.exec(r.path);
    t.truthy(m, `request outside the core group: ${r.path}`);
    const verb = r.watch ? 'watch' : m?.[2] ? 'get' : 'list';
    t.true(granted(m?.[1] ?? '', verb), `${verb} ${r.path} is not granted`);
  }
});

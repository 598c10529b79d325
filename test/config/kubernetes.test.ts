import test from 'ava';
import { compileConfig, formatProblem, type KubernetesConfig } from '../../src/config/index.js';

const env = { hostname: 'node-a' };

test('the Kubernetes source is off by default and would use the in-cluster service account', (t) => {
  const { config, problems } = compileConfig({}, env);
  t.deepEqual(problems, []);
  t.deepEqual(config?.kubernetes, { enabled: false, kubeconfig: undefined });
});

const accepted: ReadonlyArray<readonly [string, unknown, KubernetesConfig]> = [
  ['switched on with no kubeconfig uses the in-cluster service account', { enabled: true }, { enabled: true, kubeconfig: undefined }],
  ['with an empty kubeconfig, as templated deployments write it, means in-cluster', { enabled: true, kubeconfig: '' }, { enabled: true, kubeconfig: undefined }],
  ['with a kubeconfig file keeps its path', { enabled: true, kubeconfig: '/etc/ipnet/kubeconfig' }, { enabled: true, kubeconfig: '/etc/ipnet/kubeconfig' }],
  ['written in other case is read the same', { ENABLED: true, KubeConfig: '/root/.kube/config' }, { enabled: true, kubeconfig: '/root/.kube/config' }],
  ['of explicit nulls keeps the defaults', { enabled: null, kubeconfig: null }, { enabled: false, kubeconfig: undefined }],
];
for (const [says, section, want] of accepted) {
  test(`a kubernetes section ${says}`, (t) => {
    const { config, problems } = compileConfig({ kubernetes: section }, env);
    t.deepEqual(problems.map(formatProblem), []);
    t.deepEqual(config?.kubernetes, want);
  });
}

const flagged: ReadonlyArray<readonly [string, unknown, string, 'error' | 'warning', string]> = [
  ['a relative kubeconfig path', { enabled: true, kubeconfig: 'kubeconfig' }, 'kubernetes.kubeconfig', 'error', 'must be an absolute path'],
  ['a kubeconfig path that is not a string', { enabled: true, kubeconfig: 7 }, 'kubernetes.kubeconfig', 'error', 'must be a string'],
  ['enabled written as a string', { enabled: 'true' }, 'kubernetes.enabled', 'error', 'must be a boolean'],
  ['a kubeconfig while the source is off', { kubeconfig: '/etc/ipnet/kubeconfig' }, 'kubernetes.kubeconfig', 'warning', 'not used: kubernetes.enabled is false'],
  ['a misspelt key', { enabled: true, kubeconfg: '/x' }, 'kubernetes.kubeconfg', 'warning', 'closest known key: "kubeconfig"'],
  ['a section that is a boolean', true, 'kubernetes', 'error', 'must be a mapping'],
];
for (const [says, section, key, severity, reason] of flagged) {
  test(`a kubernetes section with ${says} is ${severity === 'error' ? 'an error' : 'a warning'} on ${key}`, (t) => {
    const { config, problems } = compileConfig({ kubernetes: section }, env);
    const hit = problems.find((p) => p.key === key && p.severity === severity && p.reason.includes(reason));
    t.truthy(hit, problems.map(formatProblem).join('\n'));
    if (severity === 'error') t.is(config, undefined);
    else t.truthy(config);
  });
}

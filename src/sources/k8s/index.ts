/** The Kubernetes source's public surface: start it, read its records, map API objects. */
export * from './source.js';
export * from './mapping.js';
export { resolveKubeConfig, KubeConfigError, type KubeTarget } from './kubeconfig.js';
export { KubeWatchError, type Backoff } from './runner.js';

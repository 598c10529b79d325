/**
 * Turns the source's connection option into a client-node KubeConfig once, at start-up:
 * a ready config (tests), the pod's service account, a kubeconfig file, or a bare server URL
 * (an authenticating proxy such as `kubectl proxy`).
 */
import { KubeConfig } from '@kubernetes/client-node';

/** How to reach the API server. */
export interface KubeTarget {
  readonly kubeconfig?: KubeConfig | 'in-cluster' | string | undefined;
  /** A server URL used without credentials; not together with `kubeconfig`. */
  readonly server?: string | undefined;
}

/** The connection option was unusable; the agent cannot start its Kubernetes source. */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Builds the client config; throws KubeConfigError with the reason when it cannot. The
 * in-cluster case reads the service environment (as client-node does), only here at start-up.
 */
export function resolveKubeConfig(target: KubeTarget): KubeConfig {
  const { kubeconfig, server } = target;
  if (kubeconfig !== undefined && server !== undefined) {
    throw new KubeConfigError('failed to configure Kubernetes client: give a kubeconfig or a server URL, not both');
  }
  if (kubeconfig instanceof KubeConfig) return kubeconfig;
  const kc = new KubeConfig();
  if (server !== undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch (err) {
      throw new KubeConfigError(`failed to configure Kubernetes client for server "${server}": ${describe(err)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KubeConfigError(`failed to configure Kubernetes client for server "${server}": not an http(s) URL`);
    }
    // client-node refuses http:// unless TLS verification is marked skipped; there is no TLS to verify.
    const skipTLSVerify = url.protocol === 'http:';
    kc.loadFromClusterAndUser({ name: 'ipnet', server: server.replace(/\/+$/, ''), skipTLSVerify }, { name: 'ipnet' });
    return kc;
  }
  if (kubeconfig === 'in-cluster') {
    if (!process.env['KUBERNETES_SERVICE_HOST'] || !process.env['KUBERNETES_SERVICE_PORT']) {
      throw new KubeConfigError('failed to configure in-cluster Kubernetes client: KUBERNETES_SERVICE_HOST/PORT are not set (not running in a pod?)');
    }
    kc.loadFromCluster();
    return kc;
  }
  if (kubeconfig === undefined || kubeconfig === '') {
    throw new KubeConfigError('failed to configure Kubernetes client: neither a kubeconfig nor a server URL was given');
  }
  try {
    kc.loadFromFile(kubeconfig);
  } catch (err) {
    throw new KubeConfigError(`failed to load kubeconfig ${kubeconfig}: ${describe(err)}`);
  }
  if (kc.getCurrentCluster() === null) {
    throw new KubeConfigError(`failed to load kubeconfig ${kubeconfig}: its current context names no cluster`);
  }
  return kc;
}

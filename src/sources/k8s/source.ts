/**
 * The Kubernetes source: what the cluster says about the pods scheduled on this node and
 * about all Nodes, kept current by informers and told as typed events. The startup and
 * healing resyncs reconcile IPAM and VPP against `livePods()` once `synced()` resolved.
 */
import { CoreV1Api, type KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { Config } from '../../config/types.js';
import type { LivePod } from '../../ipam/rebuild.js';
import { resolveKubeConfig } from './kubeconfig.js';
import {
  holdsPodNetwork, kubePodKey, nodeFromKube, podFromKube, sameNodeFacts, samePodFacts, toLivePod,
  type KubeNode, type KubePod,
} from './mapping.js';
import { InformerRunner, type Backoff, type KubeWatchError } from './runner.js';
import { RecordView } from './view.js';

/** Options of `startKubeSource`. */
export interface KubeSourceOptions {
  /** A ready config, `'in-cluster'` (the pod's service account) or a kubeconfig file path. */
  readonly kubeconfig?: KubeConfig | 'in-cluster' | string | undefined;
  /** A server URL used without credentials (e.g. `kubectl proxy`); not with `kubeconfig`. */
  readonly server?: string | undefined;
  /** This node: only pods with this `spec.nodeName` are reported. */
  readonly nodeName: string;
  /** Informer restart delays (default 500 ms doubling to 30 s). */
  readonly backoff?: Backoff | undefined;
}

/** What the source tells as the cluster changes; dot-namespaced like every agent event. */
export type KubeEvent =
  | { readonly type: 'pod.added'; readonly pod: KubePod }
  | { readonly type: 'pod.updated'; readonly pod: KubePod; readonly prev: KubePod }
  | { readonly type: 'pod.deleted'; readonly pod: KubePod }
  | { readonly type: 'k8snode.added'; readonly node: KubeNode }
  | { readonly type: 'k8snode.updated'; readonly node: KubeNode; readonly prev: KubeNode }
  | { readonly type: 'k8snode.deleted'; readonly node: KubeNode };

/** One optional handler per event type, plus one for failures (the source keeps going). */
export type KubeHandlers = {
  readonly [T in KubeEvent['type']]?: (event: Extract<KubeEvent, { type: T }>) => void;
} & {
  /** An informer failed (restarted after `retryInMs`) or a handler threw. */
  readonly error?: (err: Error, retryInMs?: number) => void;
};

/** A running Kubernetes source. */
export interface KubeSource {
  /** Resolves once the first list of both pods and nodes has been taken in. */
  synced(): Promise<void>;
  /** Pods of this node that hold a pod-network address, in IPAM's shape. */
  livePods(): LivePod[];
  /** Every pod of this node, host-network and finished ones included. */
  pods(): KubePod[];
  /** Every Node of the cluster. */
  nodes(): KubeNode[];
  /** One Node by name, without copying the others (asked once per peer). */
  node(name: string): KubeNode | undefined;
  /** Informers restarted after failures so far (pods + nodes). */
  restarts(): number;
  /** Stops both informers; `synced()` rejects if it had not resolved. */
  stop(): Promise<void>;
}

const defaultBackoff: Backoff = { initialMs: 500, maxMs: 30_000 };

/** The source's options from the compiled config; undefined when the config turns it off. */
export function kubeSourceOptions(config: Pick<Config, 'nodeName' | 'kubernetes'>): KubeSourceOptions | undefined {
  if (!config.kubernetes.enabled) return undefined;
  return { kubeconfig: config.kubernetes.kubeconfig ?? 'in-cluster', nodeName: config.nodeName };
}

/** Starts the pod and node informers; errors in the options throw, the rest is reported. */
export function startKubeSource(opts: KubeSourceOptions, handlers: KubeHandlers): KubeSource {
  const kubeConfig = resolveKubeConfig(opts);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const backoff = opts.backoff ?? defaultBackoff;
  const tell = <E extends KubeEvent>(event: E): void => {
    const handler = handlers[event.type] as ((e: E) => void) | undefined;
    try {
      handler?.(event);
    } catch (err) {
      reportError(new Error(`failed to handle ${event.type}: ${err instanceof Error ? err.message : String(err)}`));
    }
  };
  const reportError = (err: Error, retryInMs?: number): void => {
    try { handlers.error?.(err, retryInMs); } catch { /* a failing error handler must not stop the informers */ }
  };

  const pods = new RecordView<KubePod>(
    { key: kubePodKey, same: samePodFacts, incarnation: (p) => p.uid },
    {
      added: (pod) => tell({ type: 'pod.added', pod }),
      updated: (pod, prev) => tell({ type: 'pod.updated', pod, prev }),
      deleted: (pod) => tell({ type: 'pod.deleted', pod }),
    },
  );
  const nodes = new RecordView<KubeNode>(
    { key: (n) => n.name, same: sameNodeFacts, incarnation: () => '' },
    {
      added: (node) => tell({ type: 'k8snode.added', node }),
      updated: (node, prev) => tell({ type: 'k8snode.updated', node, prev }),
      deleted: (node) => tell({ type: 'k8snode.deleted', node }),
    },
  );

  let podsListed = false;
  let nodesListed = false;
  let resolveSynced: () => void = () => undefined;
  let rejectSynced: (err: Error) => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve, reject) => { resolveSynced = resolve; rejectSynced = reject; });
  syncedPromise.catch(() => { /* stop() before sync: only callers of synced() care */ });
  const checkSynced = () => { if (podsListed && nodesListed) resolveSynced(); };

  const onThisNode = (p: KubePod | undefined): p is KubePod => p !== undefined && p.nodeName === opts.nodeName;
  const selector = `spec.nodeName=${opts.nodeName}`;
  const podRunner = new InformerRunner<V1Pod>({
    what: 'pods',
    kubeConfig,
    // Bookmarks keep the resume point fresh on a quiet node, so a re-watch rarely needs a relist.
    watchPath: `/api/v1/pods?${new URLSearchParams({ fieldSelector: selector, allowWatchBookmarks: 'true' }).toString()}`,
    list: () => core.listPodForAllNamespaces({ fieldSelector: selector }),
    backoff,
    listed: (items) => {
      // The field selector already filters; checking again keeps a wrong server from leaking pods in.
      pods.replace(items.map(podFromKube).filter(onThisNode));
      podsListed = true;
      checkSynced();
    },
    changed: (obj) => {
      const pod = podFromKube(obj);
      if (onThisNode(pod)) pods.put(pod);
      else if (pod !== undefined) pods.remove(kubePodKey(pod));
    },
    deleted: (obj) => {
      const pod = podFromKube(obj);
      if (pod !== undefined) pods.remove(kubePodKey(pod));
    },
    failed: (err: KubeWatchError, retryInMs) => reportError(err, retryInMs),
  });
  const nodeRunner = new InformerRunner<V1Node>({
    what: 'nodes',
    kubeConfig,
    watchPath: `/api/v1/nodes?allowWatchBookmarks=true`,
    list: () => core.listNode(),
    backoff,
    listed: (items) => {
      nodes.replace(items.map(nodeFromKube).filter((n): n is KubeNode => n !== undefined));
      nodesListed = true;
      checkSynced();
    },
    changed: (obj) => {
      const node = nodeFromKube(obj);
      if (node !== undefined) nodes.put(node);
    },
    deleted: (obj) => {
      const node = nodeFromKube(obj);
      if (node !== undefined) nodes.remove(node.name);
    },
    failed: (err: KubeWatchError, retryInMs) => reportError(err, retryInMs),
  });
  podRunner.start();
  nodeRunner.start();

  return {
    synced: () => syncedPromise,
    livePods: () => pods.values().filter(holdsPodNetwork).map(toLivePod),
    pods: () => pods.values(),
    nodes: () => nodes.values(),
    node: (name) => nodes.get(name),
    restarts: () => podRunner.restarts + nodeRunner.restarts,
    async stop() {
      await Promise.all([podRunner.stop(), nodeRunner.stop()]);
      rejectSynced(new Error('failed to sync Kubernetes source: stopped before the first lists arrived'));
    },
  };
}

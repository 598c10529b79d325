/**
 * One fake API server plus one Kubernetes source per test, with every event and error
 * recorded in order, so tests read as "do this to the cluster, expect these events".
 */
import type { ExecutionContext } from 'ava';
import { FakeKube } from '../helpers/fake-kube.js';
import { startKubeSource, type KubeEvent, type KubeSource, type KubeSourceOptions } from '../../src/sources/k8s/index.js';
import { until as pollUntil } from '../helpers/until.js';

/** What a test holds: the server, the source and the logs of what the source told. */
export interface Rig {
  readonly fake: FakeKube;
  readonly source: KubeSource;
  /** Events as `type ns/name` (pods) or `type name` (nodes), in arrival order. */
  readonly events: string[];
  readonly raw: KubeEvent[];
  readonly errors: Array<{ message: string; retryInMs: number | undefined }>;
}

/** Short restart delays so outage tests finish quickly. */
export const fastBackoff = { initialMs: 20, maxMs: 160 };

/** Describes an event compactly for order assertions. */
export function describeEvent(e: KubeEvent): string {
  if ('pod' in e) return `${e.type} ${e.pod.id.namespace}/${e.pod.id.name}`;
  return `${e.type} ${e.node.name}`;
}

/** Starts a source for `nodeName` against `fake`; both are closed when the test ends. */
export function attach(t: ExecutionContext, fake: FakeKube, opts: Partial<KubeSourceOptions> = {}): Rig {
  const events: string[] = [];
  const raw: KubeEvent[] = [];
  const errors: Rig['errors'] = [];
  const record = (e: KubeEvent) => { raw.push(e); events.push(describeEvent(e)); };
  const source = startKubeSource(
    { kubeconfig: fake.kubeConfig(), nodeName: 'node-a', backoff: fastBackoff, ...opts },
    {
      'pod.added': record, 'pod.updated': record, 'pod.deleted': record,
      'k8snode.added': record, 'k8snode.updated': record, 'k8snode.deleted': record,
      error: (err, retryInMs) => errors.push({ message: err.message, retryInMs }),
    },
  );
  t.teardown(() => source.stop());
  return { fake, source, events, raw, errors };
}

/** A fresh fake server closed when the test ends. */
export async function fakeFor(t: ExecutionContext): Promise<FakeKube> {
  const fake = await FakeKube.create();
  t.teardown(() => fake.close());
  return fake;
}

/** Waits until `cond` holds, polling; fails the test with `what` after `ms`. */
export function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  return pollUntil(what, cond, ms, 10);
}

/** Sorted `ns/name` of the pods a source holds. */
export function podNames(source: KubeSource): string[] {
  return source.pods().map((p) => `${p.id.namespace}/${p.id.name}`).sort();
}

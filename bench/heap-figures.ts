/**
 * What the heap costs a measured run: the garbage-collection pauses that fell inside it
 * (and which timed operations they overlapped, so a p99 can be told apart from GC), and the
 * bytes one operation allocates, from V8's heap sampler (load does not change that figure).
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

/** One pause, on the `performance.now()` timeline. */
interface Pause {
  readonly kind: 'minor' | 'major' | 'other';
  readonly start: number;
  readonly ms: number;
}

/** Summary of the pauses seen while watching, against the timed spans handed in. */
export interface GcSummary {
  readonly text: string;
  /** Indexes of the spans a pause overlapped. */
  readonly hit: ReadonlySet<number>;
}

/** Starts recording GC pauses; `stop` summarises them against `[start, end]` spans (ms). */
export function watchGc(): { stop(spans: readonly (readonly [number, number])[]): GcSummary } {
  const pauses: Pause[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ kind: kindOf(e), start: e.startTime, ms: e.duration });
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    stop(spans) {
      obs.disconnect();
      const hit = new Set<number>();
      spans.forEach(([s, e], i) => {
        if (pauses.some((p) => p.start < e && p.start + p.ms > s)) hit.add(i);
      });
      const of = (k: Pause['kind']) => pauses.filter((p) => p.kind === k);
      const part = (k: Pause['kind'], name: string) => {
        const ps = of(k);
        return ps.length === 0 ? `0 ${name}` : `${ps.length} ${name} (max ${Math.max(...ps.map((p) => p.ms)).toFixed(1)}ms, sum ${ps.reduce((a, p) => a + p.ms, 0).toFixed(1)}ms)`;
      };
      return { text: `${part('minor', 'scavenges')}, ${part('major', 'mark-compacts')}, ${of('other').length} other`, hit };
    },
  };
}

function kindOf(e: PerformanceEntry): Pause['kind'] {
  const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  if (kind === constants.NODE_PERFORMANCE_GC_MINOR) return 'minor';
  if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) return 'major';
  return 'other';
}

/**
 * Bytes allocated per call of `fn` over `n` calls, objects collected meanwhile included
 * (V8's sampling heap profiler, one sample per ~128 bytes on average).
 */
export async function allocatedPerCall(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    // the flags that keep collected objects in the profile are V8's, not in Node's typings
    const start = { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    await session.post('HeapProfiler.startSampling', start as { samplingInterval: number });
    for (let i = 0; i < n; i++) await fn(i);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const walk = (node: typeof profile.head): void => {
      bytes += node.selfSize;
      node.children.forEach(walk);
    };
    walk(profile.head);
    return bytes / n;
  } finally {
    session.disconnect();
  }
}

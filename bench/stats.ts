/** Shared figure printing for `npm run bench`: every suite reports the same way. */

/** Percentile of sorted-or-not samples (nearest-rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Times `fn` `n` times and returns per-run milliseconds. */
export async function sample(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** One printed line: `suite  name  p50=… p99=… (n=…)` plus optional extras. */
export function report(suite: string, name: string, ms: readonly number[], extra = ''): void {
  const p50 = percentile(ms, 50);
  const p99 = percentile(ms, 99);
  console.log(`${suite.padEnd(10)} ${name.padEnd(48)} p50=${fmt(p50)} p99=${fmt(p99)} n=${ms.length}${extra ? ' ' + extra : ''}`);
}

/** A free-form figure line (throughput, ratios, sizes). */
export function figure(suite: string, name: string, value: string): void {
  console.log(`${suite.padEnd(10)} ${name.padEnd(48)} ${value}`);
}

/** Milliseconds with a unit that keeps three significant digits. */
export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toFixed(1)}µs`;
  return `${ms.toFixed(ms < 10 ? 2 : 1)}ms`;
}

/**
 * A fixed piece of CPU work (fresh string keys into a Map, their lookups, a sort), in ms, the
 * least of 5 runs. This VM's speed moved by 2-3x from one minute to the next (the agent's CPU
 * time per AddPod from 0.8 to 2.4 ms): figures from separate runs compare only beside this.
 */
export function speedProbe(): string {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    const m = new Map<string, number>();
    for (let i = 0; i < 20000; i++) m.set(`vpp/interface/pod-${i}/vrf/${i & 7}`, i);
    for (let i = 0; i < 20000; i++) probeSink += m.get(`vpp/interface/pod-${i}/vrf/${i & 7}`) ?? 0;
    const xs = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 20011);
    xs.sort((a, b) => a - b);
    probeSink += xs[0] as number;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return `${fmt(best)} (fixed Map and sort work, least of 5; lower is a faster VM)`;
}

/** Where the probe's results go, so no engine can skip the work. */
export let probeSink = 0;

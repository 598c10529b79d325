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

/**
 * Config problems: how they are collected, worded and printed. Kept apart from the key
 * reader so the CLI and the agent's logger share one wording.
 */
import type { ConfigProblem } from './types.js';

/** Collects every problem of one compile run, so the operator sees all of them at once. */
export class ProblemSink {
  readonly list: ConfigProblem[] = [];

  /** Records a problem that stops the agent from starting. */
  error(key: string, value: unknown, reason: string): void {
    this.list.push({ severity: 'error', key, value, reason });
  }

  /** Records a problem the agent can live with (it is logged at start). */
  warning(key: string, value: unknown, reason: string): void {
    this.list.push({ severity: 'warning', key, value, reason });
  }

  /** True once any error was recorded; the compiled config is then withheld. */
  get failed(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }
}

const maxValueChars = 80;

/** Renders a value the way the file would show it, short enough for one log line. */
function showValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxValueChars ? `${text.slice(0, maxValueChars - 1)}…` : text;
}

/**
 * One line per problem for logs and `--check-config`, e.g.
 * `error: ipamConfig.podSubnetCIDR = "10.1.0.0/33": not a valid IPv4 CIDR`.
 */
export function formatProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? '' : ` = ${showValue(p.value)}`;
  return `${p.severity}: ${p.key}${shown}: ${p.reason}`;
}

/** Levenshtein distance, case-insensitive, so `podSubnetCIRD` finds `podSubnetCIDR`. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[t.length] ?? 0;
}

/** The known key nearest to an unknown one (ties: the first in declaration order). */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(unknown, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

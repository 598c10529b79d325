/**
 * Restart policy for supervised actors, as a pure decision: XState has no restart
 * strategies, so the actor system asks this after every child error.
 */

/** How a supervisor restarts children. */
export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Restarts allowed within `windowMs` before escalating to the parent. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

/** What to do about a failed child. */
export type RestartDecision = { readonly action: 'restart'; readonly delayMs: number } | { readonly action: 'escalate'; readonly reason: string };

/** Decides from the child's recent failure times (ms) and now; exponential backoff within the window. */
export function decideRestart(policy: RestartPolicy, failures: readonly number[], now: number): RestartDecision {
  const recent = failures.filter((t) => now - t < policy.windowMs);
  if (recent.length > policy.maxRestarts) {
    return { action: 'escalate', reason: `${recent.length} failures within ${policy.windowMs} ms (limit ${policy.maxRestarts})` };
  }
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, recent.length - 1));
  return { action: 'restart', delayMs };
}

/**
 * Shared by the client's stand-ins and the bridge's chain sources: a map in insertion order
 * whose answered entries are kept up to a bound, unanswered ones for as long as they last.
 */

/**
 * Deletes answered entries oldest first until at most `keep / 2` remain, so the next pass is
 * `keep / 2` answers away; returns how many answered entries are left.
 */
export function forgetOldestAnswered<K, V>(map: Map<K, V>, answered: (v: V) => boolean, count: number, keep: number): number {
  let left = count;
  for (const [k, v] of map) {
    if (left <= keep / 2) break;
    if (!answered(v)) continue;
    map.delete(k);
    left--;
  }
  return left;
}

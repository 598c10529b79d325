/**
 * The simulator's own message ids: memclnt keeps its fixed ids (§1.4), every other message
 * the codec knows gets a shuffled id above a random offset, so a client that hard-codes ids
 * (VPP's or a guessed sequence) fails against the simulator.
 */
import { MEMCLNT_IDS, MessageTable, messageNames, nameCrc } from '../binapi/index.js';

/** Shuffled ids above the memclnt block and an offset, so a client cannot guess them. */
export function assignIds(rng: () => number): MessageTable {
  const fixed = MEMCLNT_IDS as Record<string, number>;
  const names = messageNames().filter((n) => fixed[n] === undefined);
  for (let i = names.length - 1; i > 0; i--) {
    const j = rng() % (i + 1);
    [names[i], names[j]] = [names[j] as (typeof names)[number], names[i] as (typeof names)[number]];
  }
  const base = 200 + (rng() % 800);
  const pairs: [string, number][] = names.map((n, i) => [nameCrc(n), base + i]);
  for (const [n, id] of Object.entries(fixed)) if (messageNames().includes(n as never)) pairs.push([nameCrc(n), id]);
  return new MessageTable(pairs);
}


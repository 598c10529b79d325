/**
 * Runs every benchmark of its directory (or those whose file name contains one of the given
 * words) one after another, so figures are not skewed by each other. `npm run bench [word…]`
 * runs it compiled (scripts/bench.js); `node --import=tsx bench/run.ts` from the sources.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => /\.bench\.[jt]s$/.test(f)).sort()
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
let failed = 0;
for (const f of files) {
  console.log(`# ${f}`);
  try {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> };
    await mod.default();
  } catch (err) {
    failed++;
    console.log(`# ${f} failed: ${(err as Error).stack ?? String(err)}`);
  }
}
process.exit(failed ? 1 : 0);

/** A temporary directory for a built tree, under node_modules/.cache so its package imports resolve. */
import type { ExecutionContext } from 'ava';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes `node_modules/.cache/<prefix>XXXXXX` (a fresh clone has no .cache yet); removed at teardown. */
export async function cacheTree(t: ExecutionContext, prefix: string): Promise<string> {
  const cache = join(process.cwd(), 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const tree = await mkdtemp(join(cache, prefix));
  t.teardown(() => rm(tree, { recursive: true, force: true }));
  return tree;
}

// `npm run bench cni` runs the CNI harness compiled, from a tree under node_modules/.cache
// (scripts/bench.js): there it must still find the forwarder's sources in the repo.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { cacheTree } from '../helpers/cache-tree.js';

const run = promisify(execFile);

test('the CNI harness compiled into a tree under node_modules builds and names the repo\'s forwarder', async (t) => {
  const repo = process.cwd();
  const tree = await cacheTree(t, 'ipnet-harness-test-');
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const options = ['--rootDir', repo, '--outDir', join(tree, 'dist'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck'];
  await run(process.execPath, [tsc, ...options, join(repo, 'test', 'cni', '_harness.ts')]);
  // as scripts/bench.js does: under node_modules the repo's package.json no longer scopes the files
  await writeFile(join(tree, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const compiled = (await import(pathToFileURL(join(tree, 'dist', 'test', 'cni', '_harness.js')).href)) as { PLUGIN: string; ensurePlugin(): Promise<string> };
  const plugin = resolve(repo, 'native', 'build', 'ipnet-cni');
  t.is(compiled.PLUGIN, plugin);
  t.is(await compiled.ensurePlugin(), plugin);
});

// The image runs the agent's CommonJS twin with the V8 code cache the image build writes
// (scripts/warm-code-cache.js). Built from the real sources as `npm run build` builds them,
// the twin must start the agent to ready, leave the cache at a clean stop, and take that
// cache as it is at the next start.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { cacheTree } from '../helpers/cache-tree.js';

const run = promisify(execFile);

test('the built agent\'s twin warms its code cache, and the next start takes the cache', async (t) => {
  const repo = process.cwd();
  const tree = await cacheTree(t, 'ipnet-twin-test-');
  const { buildTree } = (await import(pathToFileURL(join(repo, 'scripts', 'bench-tree.js')).href)) as { buildTree(dir: string, tsconfig: string): void };
  buildTree(tree, 'tsconfig.build.json');
  const cache = join(tree, 'dist', 'app', 'main', 'agent.cjs.v8cache');
  t.true(existsSync(join(tree, 'dist', 'app', 'main', 'agent.cjs')));

  const { stdout } = await run(process.execPath, [join(repo, 'scripts', 'warm-code-cache.js')], { cwd: tree });
  t.regex(stdout, /code cache written/);
  t.true(existsSync(cache));

  // another start on a config of its own: ready, stopped cleanly, the cache not written again
  await utimes(cache, 1_700_000_000, 1_700_000_000);
  const dir = await mkdtemp(join(tree, 'run-'));
  const config = join(dir, 'ipnet.yaml');
  await writeFile(config, JSON.stringify({
    nodeName: 'twin', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' }, store: { type: 'embedded', path: join(dir, 'store.json') },
    vppBridge: { endpoint: 'embedded' }, cni: { socket: join(dir, 'cni.sock') }, http: { port: 0 },
  }));
  const child = spawn(process.execPath, [join(tree, 'bin', 'ipnet-agent.js'), '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const code = await new Promise<number | null>((resolve) => {
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('"msg":"agent ready"')) child.kill('SIGTERM');
    });
    child.once('exit', (c) => {
      clearTimeout(deadline);
      resolve(c);
    });
  });
  t.is(code, 0, log);
  t.regex(log, /"msg":"agent ready"/);
  t.is((await stat(cache)).mtimeMs, 1_700_000_000_000);
});

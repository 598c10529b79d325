/**
 * The Node flags the agent runs with: the image's ENTRYPOINT names them, `npm start` and the
 * benchmarks take the same ones (the benchmarks through scripts/agent-node-flags.js), and V8
 * runs with what they ask for. A flag Node does not know stops the container at once.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/agent.js';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'agent-node-flags.js');

async function flagsOf(root: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [script], { cwd: root });
  return JSON.parse(stdout) as string[];
}

test('npm start runs the agent with the flags of the image', async (t) => {
  const flags = await flagsOf(repoRoot);
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = (pkg.scripts['start'] ?? '').split(' ');
  t.is(start[0], 'node');
  t.deepEqual(start.slice(1, start.indexOf('bin/ipnet-agent.js')), flags);
});

test('Node starts with the flags of the image, and V8 keeps the young generation they ask for', async (t) => {
  const flags = await flagsOf(repoRoot);
  // allocation that keeps some objects alive across scavenges: V8 grows the young generation
  // up to its limit under it (to 32 MiB of new space with Node 20's defaults)
  const churn = `const v8 = require('node:v8'); const keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 200000) keep.length = 0; }
    const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
    process.stdout.write(String(s.space_size));`;
  const { stdout } = await run(process.execPath, [...flags, '-e', churn]);
  const semi = flags.map((f) => /^--max-semi-space-size=(\d+)$/.exec(f)?.[1]).find((v) => v !== undefined);
  // new space is two semi-spaces
  if (semi !== undefined) t.true(Number(stdout) <= 2 * Number(semi) * 2 ** 20, `new space ${stdout} B`);
  else t.true(Number(stdout) > 0);
});

test('the flags are read from the ENTRYPOINT; an ENTRYPOINT of another shape is an error naming it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-flags-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'Dockerfile'), 'FROM x\nENTRYPOINT ["node", "--a=1", "--b", "bin/ipnet-agent.js"]\nCMD ["--config", "y"]\n');
  t.deepEqual(await flagsOf(dir), ['--a=1', '--b']);
  await writeFile(join(dir, 'Dockerfile'), 'FROM x\nENTRYPOINT node bin/ipnet-agent.js\n');
  const shell = await t.throwsAsync(flagsOf(dir));
  t.regex(String((shell as Error & { stderr?: string }).stderr), /no ENTRYPOINT in exec form/);
  await writeFile(join(dir, 'Dockerfile'), 'FROM x\nENTRYPOINT ["node", "bin/other.js"]\n');
  const other = await t.throwsAsync(flagsOf(dir));
  t.regex(String((other as Error & { stderr?: string }).stderr), /ENTRYPOINT is not \["node", <flags>…, "bin\/ipnet-agent\.js"\]/);
});

// The build's bundle step (scripts/bundle.js) carries the pure-JS packages the programs load at
// start inside the bundle and leaves every other package to be loaded at run time (zeromq,
// imported statically, through `require`).
// A program bundled from a small tree proves both by running where node_modules holds only
// the packages left as imports.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** What tsc would emit for a program using each inlined package the way src/ does. */
const program = `import { createRequire } from 'node:module';
import { pino } from 'pino';
import { parseDocument } from 'yaml';
import { createActor, setup } from 'xstate';
import { Dealer } from 'zeromq';
const ipNum = createRequire(import.meta.url)('ip-num');
export async function main() {
  const log = pino({ base: null, timestamp: false }, pino.destination({ fd: 2, sync: true }));
  const machine = setup({}).createMachine({ initial: 'a', states: { a: { on: { go: 'b' } }, b: {} } });
  const actor = createActor(machine).start();
  actor.send({ type: 'go' });
  const range = ipNum.IPv4CidrRange.fromCidr('10.1.0.0/30');
  log.info({ doc: parseDocument('a: [1, 2]').toJS(), state: actor.getSnapshot().value, size: range.getSize().toString(), dealer: typeof Dealer }, 'ran');
}
export async function later() {
  return import('etcd3');
}
`;

/** Bundles a one-file `agent` program into a temporary tree; returns its ES bundle and CommonJS twin. */
async function bundledAgent(t: import('ava').ExecutionContext, source: string): Promise<{ dir: string; bundled: string; twin: string; runTwin: () => Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-bundle-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'dist', 'src', 'main'), { recursive: true });
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  await writeFile(join(dir, 'dist', 'src', 'main', 'agent.js'), source);
  await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'));
  await run(process.execPath, [join(repo, 'scripts', 'bundle.js'), join(dir, 'dist')]);
  const twin = join(dir, 'dist', 'app', 'main', 'agent.cjs');
  // as bin/launch.js runs it: through the code cache beside it
  const start = `const { requireWithCodeCache } = await import(${JSON.stringify(join(repo, 'bin', 'code-cache.js'))}); await requireWithCodeCache(${JSON.stringify(twin)}).main();`;
  const runTwin = async () => (await run(process.execPath, ['--input-type=module', '-e', start]).catch((err: { stderr: string }) => ({ stdout: err.stderr }))).stdout.trim();
  return { dir, bundled: join(dir, 'dist', 'app', 'main', 'agent.js'), twin, runTwin };
}

test('inlined packages run from the bundle alone; zeromq is required and on-demand packages stay imports', async (t) => {
  // named as the agent, whose bundle also gets a CommonJS twin
  const { dir, bundled, twin } = await bundledAgent(t, program);

  // from here on only zeromq can be resolved: every other package must be in the bundle
  await rm(join(dir, 'node_modules'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(join(repo, 'node_modules', 'zeromq'), join(dir, 'node_modules', 'zeromq'));
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', `await (await import(${JSON.stringify(bundled)})).main()`]);
  t.deepEqual(JSON.parse(stderr), { level: 30, doc: { a: [1, 2] }, state: 'b', size: '4', dealer: 'function', msg: 'ran' });

  // the agent's CommonJS twin (run with a code cache) carries the same packages and runs alike
  const fromTwin = await run(process.execPath, ['-e', `require(${JSON.stringify(twin)}).main()`]);
  t.deepEqual(JSON.parse(fromTwin.stderr), { level: 30, doc: { a: [1, 2] }, state: 'b', size: '4', dealer: 'function', msg: 'ran' });

  const text = await readFile(bundled, 'utf8');
  t.regex(text, /import\("etcd3"\)/);
  t.notRegex(text, /from "(pino|yaml|xstate|ip-num|zeromq)"|createRequire\(import\.meta\.url\)\("ip-num"\)/);
  t.regex(text, /require\("zeromq"\)/);
});

test('a package the twin loads on demand loads when the twin runs from its code cache too', async (t) => {
  // V8 does not keep a script's dynamic import callback in a code cache: an `import()` left in
  // the twin failed (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING) on every start that took the cache
  const { twin, runTwin } = await bundledAgent(t, 'export async function main() { const { WebSocket } = await import("ws"); console.log(typeof WebSocket); }\n');
  t.is(await runTwin(), 'function');
  t.true(existsSync(`${twin}.v8cache`));
  t.is(await runTwin(), 'function');
});

test('the twin runs in strict mode, as the ES module bundle does', async (t) => {
  // a write to a frozen object (a shared decoded value) throws in an ES module; sloppy code
  // would drop it without a word, so the image would run other semantics than the tests
  const { bundled, runTwin } = await bundledAgent(t, 'export function main() { const o = Object.freeze({ a: 1 }); try { o.a = 2; console.log("write dropped"); } catch (err) { console.log(err.name); } }\n');
  const fromBundle = await run(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(bundled)})).main()`]);
  t.is(fromBundle.stdout.trim(), 'TypeError');
  t.is(await runTwin(), 'TypeError');
});

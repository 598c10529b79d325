// The launcher runs dist/ only while it is at least as new as src/: after an edit, the
// sources run (an old build must never be what a test or `npx ipnet-agent` executes).
import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A tree with bin/launch.js, a source and a compiled twin that print which one ran. */
async function tree(t: import('ava').ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-launch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'src', 'main'), { recursive: true });
  await mkdir(join(dir, 'dist', 'src', 'main'), { recursive: true });
  await copyFile(join(repo, 'bin', 'launch.js'), join(dir, 'bin', 'launch.js'));
  await copyFile(join(repo, 'bin', 'code-cache.js'), join(dir, 'bin', 'code-cache.js'));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'bin', 'prog.js'), 'import { launch } from "./launch.js";\nawait launch("main/prog");\n');
  const source = join(dir, 'src', 'main', 'prog.ts');
  const compiled = join(dir, 'dist', 'src', 'main', 'prog.js');
  await writeFile(source, 'export function main(): void { console.log("source"); }\n');
  await writeFile(compiled, 'export function main() { console.log("compiled"); }\n');
  const at = async (path: string, s: number) => utimes(path, s, s);
  const prog = async () => {
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'bin', 'prog.js')]);
    return { ran: stdout.trim(), stderr };
  };
  return { dir, source, compiled, at, prog };
}

test('a build newer than every source runs compiled', async (t) => {
  const { source, compiled, at, prog } = await tree(t);
  await at(source, 1_700_000_000);
  await at(compiled, 1_700_000_100);
  t.like(await prog(), { ran: 'compiled', stderr: '' });
});

test('a source edited after the build runs from the sources, with a warning', async (t) => {
  const { source, compiled, at, prog } = await tree(t);
  await at(compiled, 1_700_000_000);
  await at(source, 1_700_000_100);
  const r = await prog();
  t.is(r.ran, 'source');
  t.regex(r.stderr, /dist\/ is older than src\//);
});

test('the build\'s bundle runs in preference to tsc\'s output, under the same staleness rule', async (t) => {
  const { dir, source, compiled, at, prog } = await tree(t);
  const bundled = join(dir, 'dist', 'app', 'main', 'prog.js');
  await mkdir(join(dir, 'dist', 'app', 'main'), { recursive: true });
  await writeFile(bundled, 'export function main() { console.log("bundled"); }\n');
  await at(source, 1_700_000_000);
  await at(compiled, 1_700_000_100);
  await at(bundled, 1_700_000_100);
  t.like(await prog(), { ran: 'bundled', stderr: '' });
  await at(bundled, 1_699_999_000);
  t.is((await prog()).ran, 'source');
});

test('no build runs the sources; no sources (the image) runs the build', async (t) => {
  const { dir, prog } = await tree(t);
  await rm(join(dir, 'dist'), { recursive: true });
  t.like(await prog(), { ran: 'source', stderr: '' });
  const other = await tree(t);
  await rm(join(other.dir, 'src'), { recursive: true });
  t.like(await other.prog(), { ran: 'compiled', stderr: '' });
});

/** The tree with a CommonJS twin of the bundle (what scripts/bundle.js builds for the agent). */
async function treeWithTwin(t: import('ava').ExecutionContext, body: string) {
  const tr = await tree(t);
  const twin = join(tr.dir, 'dist', 'app', 'main', 'prog.cjs');
  await mkdir(join(tr.dir, 'dist', 'app', 'main'), { recursive: true });
  await writeFile(twin, body);
  await tr.at(tr.source, 1_700_000_000);
  await tr.at(twin, 1_700_000_100);
  return { ...tr, twin, cache: `${twin}.v8cache` };
}

test('the CommonJS twin runs first; a clean exit leaves a V8 code cache that the next run takes as it is', async (t) => {
  const { twin, cache, prog } = await treeWithTwin(t, 'exports.main = function main() { console.log("twin " + typeof require("ip-num")); };\n');
  t.like(await prog(), { ran: 'twin object', stderr: '' });
  t.true(existsSync(cache));
  // a cache V8 takes is not written again: its time stamp stays where this test puts it
  await utimes(cache, 1_700_000_200, 1_700_000_200);
  t.like(await prog(), { ran: 'twin object', stderr: '' });
  t.is((await stat(cache)).mtimeMs, 1_700_000_200_000);
  // a cache V8 refuses (garbage, or made from other source) is replaced on the next clean exit
  await writeFile(cache, 'not a code cache');
  t.like(await prog(), { ran: 'twin object', stderr: '' });
  t.not(await readFile(cache, 'utf8').catch(() => ''), 'not a code cache');
  await writeFile(twin, 'exports.main = function main() { console.log("edited twin"); };\n');
  await utimes(twin, 1_700_000_300, 1_700_000_300);
  const before = await readFile(cache);
  t.like(await prog(), { ran: 'edited twin', stderr: '' });
  t.false(before.equals(await readFile(cache)));
});

test('a run of the twin that ends with a non-zero exit code leaves no code cache', async (t) => {
  const { cache, prog } = await treeWithTwin(t, 'exports.main = function main() { console.log("twin"); process.exitCode = 3; };\n');
  await t.throwsAsync(prog(), { message: /Command failed/ });
  t.false(existsSync(cache));
});

test('a twin rebuilt to text of the same length runs its new code, not the cache of the old one', async (t) => {
  // V8 checks a cache against the source's length only: `npm run build` over a tree that kept
  // its cache, after an edit that changed a constant, would run the old build's bytecode
  const { twin, cache, prog } = await treeWithTwin(t, 'exports.main = function main() { console.log("twin one"); };\n');
  t.like(await prog(), { ran: 'twin one', stderr: '' });
  t.true(existsSync(cache));
  await writeFile(twin, 'exports.main = function main() { console.log("twin two"); };\n');
  await utimes(twin, 1_700_000_300, 1_700_000_300);
  t.like(await prog(), { ran: 'twin two', stderr: '' });
  // the cache of the new text replaced the old one, and is taken as it is
  await utimes(cache, 1_700_000_400, 1_700_000_400);
  t.like(await prog(), { ran: 'twin two', stderr: '' });
  t.is((await stat(cache)).mtimeMs, 1_700_000_400_000);
});

test('under --enable-source-maps a trace from the twin names the source line, as one from the ES module bundle does', async (t) => {
  const { transformSync } = await import('esbuild');
  const ts = 'export function main(): void {\n  const why: string = "boom";\n  throw new Error(why);\n}\n';
  const out = transformSync(ts, { loader: 'ts', format: 'cjs', sourcemap: 'external', sourcefile: '../../../src/main/prog.ts' });
  const { dir, twin } = await treeWithTwin(t, `${out.code}//# sourceMappingURL=prog.cjs.map\n`);
  await writeFile(`${twin}.map`, out.map);
  const err = await run(process.execPath, ['--enable-source-maps', join(dir, 'bin', 'prog.js')]).then(() => undefined, (e: { stderr: string }) => e);
  t.regex(err?.stderr ?? '', /src\/main\/prog\.ts:3:/);
});

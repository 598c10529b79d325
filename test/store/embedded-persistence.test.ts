import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEmbeddedStore } from '../../src/store/embedded.js';
import { readLog } from '../../src/store/embedded-log.js';
import { StoreCorruptError, StoreRequestError } from '../../src/store/errors.js';

async function tempFile(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-embedded-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'store.json');
}

test('reopening the file restores keys, revisions and the revision counter', async (t) => {
  const path = await tempFile(t);
  const a = await openEmbeddedStore(path);
  await a.put('/k/1', 'one');
  await a.put('/k/2', 'two');
  await a.delete('/k/2');
  const before = await a.get('/k/1');
  await a.close();
  const b = await openEmbeddedStore(path);
  t.teardown(() => b.close());
  t.deepEqual(await b.get('/k/1'), before);
  t.is(await b.get('/k/2'), undefined);
  await b.put('/k/3', 'three');
  t.true(((await b.get('/k/3'))?.modRevision ?? 0) > (before?.modRevision ?? Infinity) + 1);
});

test('a resolved put is already in the log on disk, and in the snapshot after a compaction', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  t.teardown(() => s.close());
  await s.put('/durable/key', 'value-on-disk');
  const log = await readLog(`${path}.log`);
  t.deepEqual(log.records.flatMap((r) => r.ops), [{ p: '/durable/key', v: 'value-on-disk', r: 2 }]);
  await s.compact();
  const doc = JSON.parse(await readFile(path, 'utf8')) as { kvs: { key: string; value: string }[] };
  t.deepEqual(doc.kvs.map((kv) => [kv.key, kv.value]), [['/durable/key', 'value-on-disk']]);
  t.is((await readFile(`${path}.log`)).length, 0);
});

test('500 concurrent puts all survive a reopen', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  await Promise.all(Array.from({ length: 500 }, (_, i) => s.put(`/many/${String(i).padStart(3, '0')}`, String(i))));
  await s.close();
  const r = await openEmbeddedStore(path);
  t.teardown(() => r.close());
  const kvs = await r.range('/many/');
  t.is(kvs.length, 500);
  t.is(kvs[499]?.value, '499');
});

test('a truncated temp file left by an interrupted write is ignored and removed', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  await s.put('/safe', 'complete');
  await s.compact();
  await s.close();
  const full = await readFile(path, 'utf8');
  await writeFile(`${path}.tmp-99999-1`, full.slice(0, full.length / 2));
  const r = await openEmbeddedStore(path);
  t.teardown(() => r.close());
  t.is((await r.get('/safe'))?.value, 'complete');
  t.deepEqual((await readdir(join(path, '..'))).sort(), ['store.json', 'store.json.lock', 'store.json.log']);
});

for (const [what, body] of [
  ['truncated JSON', '{"format":"ipnet-embedded-store","version":1,"revision":3,"kv'],
  ['an unknown format', '{"format":"other","version":1}'],
  ['a malformed pair', '{"format":"ipnet-embedded-store","version":1,"revision":2,"nextLeaseId":1,"kvs":[{"key":1}],"leases":[]}'],
  ['a zero revision', '{"format":"ipnet-embedded-store","version":1,"revision":0,"nextLeaseId":1,"kvs":[],"leases":[]}'],
] as const) {
  test(`a store file with ${what} fails to open with a non-retryable corrupt error naming the path`, async (t) => {
    const path = await tempFile(t);
    await writeFile(path, body);
    const err = await t.throwsAsync(openEmbeddedStore(path));
    t.true(err instanceof StoreCorruptError);
    t.is((err as StoreCorruptError).path, path);
    t.false((err as StoreCorruptError).retryable);
    t.true(err?.message.includes(path));
  });
}

test('keys of a lease that ran out while the store was closed are gone on reopen', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  const short = await s.lease(1);
  await short.put('/lease/short', 'x');
  const long = await s.lease(600);
  await long.put('/lease/long', 'y');
  await s.close();
  await new Promise((r) => setTimeout(r, 1100));
  const r = await openEmbeddedStore(path);
  t.teardown(() => r.close());
  t.is(await r.get('/lease/short'), undefined);
  t.is((await r.get('/lease/long'))?.value, 'y');
});

test('a writer killed with SIGKILL mid-stream leaves a readable store holding every acknowledged put', async (t) => {
  const path = await tempFile(t);
  const script = fileURLToPath(new URL('./fixtures/embedded-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import=tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let acked = -1;
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      acked = Number(lines[lines.length - 1]);
      if (acked >= 40) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.once('exit', r));
  const r = await openEmbeddedStore(path);
  t.teardown(() => r.close());
  const kvs = await r.range('/crash/');
  t.true(kvs.length >= 2 * (acked + 1), `acknowledged ${acked + 1} pairs, found ${kvs.length} keys`);
  t.is((await r.get(`/crash/${acked}/b`))?.value, String(acked));
});

test('a store file is held by one instance: a second open fails until the first closes', async (t) => {
  const path = await tempFile(t);
  const first = await openEmbeddedStore(path);
  const err = await t.throwsAsync(openEmbeddedStore(path), { instanceOf: StoreRequestError });
  t.true(err?.message.includes(path));
  await first.close();
  const second = await openEmbeddedStore(path);
  await second.close();
});

test('a lock held by another live process is refused, one left by a dead process is taken over', async (t) => {
  const path = await tempFile(t);
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(() => void holder.kill('SIGKILL'));
  await writeFile(`${path}.lock`, String(holder.pid));
  const err = await t.throwsAsync(openEmbeddedStore(path), { instanceOf: StoreRequestError });
  t.regex(err?.message ?? '', new RegExp(`in use by process ${holder.pid}$`));
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  const s = await openEmbeddedStore(path);
  t.is(await readFile(`${path}.lock`, 'utf8'), String(process.pid));
  await s.close();
});

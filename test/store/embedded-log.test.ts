import test from 'ava';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded.js';
import { readLog } from '../../src/store/embedded-log.js';
import { StoreCorruptError } from '../../src/store/errors.js';
import type { KV } from '../../src/store/types.js';

async function tempFile(t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-embedded-log-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'store.json');
}

/** Every pair under `prefix` as `key=value@create/mod`. */
async function dump(path: string, prefix = '/'): Promise<string[]> {
  const s = await openEmbeddedStore(path);
  try {
    return (await s.range(prefix)).map(show);
  } finally {
    await s.close();
  }
}

const flip = (buf: Buffer, at: number) => void buf.writeUInt8(buf.readUInt8(at) ^ 0xff, at);

const show = (kv: KV) => `${kv.key}=${kv.value}@${kv.createRevision}/${kv.modRevision}`;

/** Writes three batches (one put each) and returns the log's byte length after each. */
async function threeBatches(path: string): Promise<number[]> {
  const s = await openEmbeddedStore(path);
  const ends: number[] = [];
  for (const k of ['a', 'b', 'c']) {
    await s.put(`/k/${k}`, k.repeat(40));
    ends.push(s.logBytes);
  }
  await s.close();
  return ends;
}

test('writes issued while a batch is syncing share the next batch: one record each, not one per write', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  t.teardown(() => s.close());
  const first = s.put('/g/a', '1');
  // the batch of `a` is taken in a microtask queued before this continuation
  await new Promise<void>((r) => queueMicrotask(r));
  const rest = Array.from({ length: 50 }, (_, i) => s.put(`/g/b${i}`, String(i)));
  await Promise.all([first, ...rest]);
  const log = await readLog(`${path}.log`);
  t.deepEqual(log.records.map((r) => r.ops.length), [1, 50]);
  t.deepEqual(log.records.map((r) => r.seq), [1, 2]);
});

test('a torn last frame (crash mid-append) is cut off on reopen and later writes survive the next reopen', async (t) => {
  const path = await tempFile(t);
  const ends = await threeBatches(path);
  await truncate(`${path}.log`, (ends[2] ?? 0) - 5);
  t.deepEqual((await dump(path)).map((l) => l.split('=')[0]), ['/k/a', '/k/b']);
  t.is((await stat(`${path}.log`)).size, ends[1] ?? -1, 'the torn tail was removed from the file');

  const s = await openEmbeddedStore(path);
  await s.put('/k/d', 'after');
  await s.close();
  t.deepEqual((await dump(path)).map((l) => l.split('=')[0]), ['/k/a', '/k/b', '/k/d']);
});

test('a last frame whose payload fails its checksum, or a zero-filled tail, is dropped like a torn write', async (t) => {
  const path = await tempFile(t);
  const ends = await threeBatches(path);
  const bytes = await readFile(`${path}.log`);
  flip(bytes, (ends[2] ?? 0) - 3);
  await writeFile(`${path}.log`, Buffer.concat([bytes, Buffer.alloc(4096)]));
  t.deepEqual((await dump(path)).map((l) => l.split('=')[0]), ['/k/a', '/k/b']);
});

test('a damaged frame with intact frames after it fails to open with a corrupt error naming the log', async (t) => {
  const path = await tempFile(t);
  const ends = await threeBatches(path);
  const bytes = await readFile(`${path}.log`);
  flip(bytes, (ends[0] ?? 0) + 12); // inside the second of three frames
  await writeFile(`${path}.log`, bytes);
  const err = await t.throwsAsync(openEmbeddedStore(path), { instanceOf: StoreCorruptError });
  t.is((err as StoreCorruptError).path, `${path}.log`);
  t.deepEqual(await readFile(`${path}.log`), bytes, 'nothing was cut off');
});

test('the log is compacted into the snapshot once it outgrows the live data, and reopening reads the same pairs', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path, { compaction: { ratio: 2, minBytes: 4096 } });
  let maxLog = 0;
  for (let i = 0; i < 400; i++) {
    await s.put(`/c/${i % 20}`, `value-${i}`.padEnd(100, '.'));
    maxLog = Math.max(maxLog, s.logBytes);
  }
  const before = (await s.range('/c/')).map(show);
  await s.close();
  // 20 live pairs of ~200 bytes: the log never grows far past 2 x live or the 4 KiB floor
  t.true(maxLog < 8192, `log reached ${maxLog} bytes`);
  const snap = JSON.parse(await readFile(path, 'utf8')) as { version: number; logSeq: number; kvs: unknown[] };
  t.is(snap.version, 2);
  t.true(snap.logSeq > 0);
  t.is(snap.kvs.length, 20);
  t.deepEqual(await dump(path, '/c/'), before);
});

test('a crash after the compacted snapshot replaced the old one but before the log was emptied loses and repeats nothing', async (t) => {
  const path = await tempFile(t);
  const s = await openEmbeddedStore(path);
  await s.put('/x/a', '1');
  await s.put('/x/a', '2');
  await s.delete('/x/b');
  await s.txn([], [{ type: 'put', key: '/x/b', value: 'b' }, { type: 'delete', key: '/x/a' }]);
  await s.put('/x/a', '3');
  const lease = await s.lease(600);
  await lease.put('/x/leased', 'l');
  const oldLog = await readFile(`${path}.log`);
  await s.compact();
  const before = (await s.range('/x/')).map(show);
  await s.close();
  // what the crash leaves: the new snapshot, and the log as it was before the truncate
  await writeFile(`${path}.log`, oldLog);
  t.deepEqual(await dump(path, '/x/'), before);

  const again = await openEmbeddedStore(path);
  await again.put('/x/c', 'new');
  const c = await again.get('/x/c');
  await again.close();
  const after = await dump(path, '/x/');
  t.deepEqual(after, [...before, `/x/c=new@${c?.createRevision}/${c?.modRevision}`].sort());
});

test('a store file of the first format (whole store in one JSON, no log) opens, and is rewritten in the new one at compaction', async (t) => {
  const path = await tempFile(t);
  await writeFile(path, JSON.stringify({
    format: 'ipnet-embedded-store', version: 1, revision: 7, nextLeaseId: 3,
    kvs: [{ key: '/old/a', value: 'A', createRevision: 2, modRevision: 5 }, { key: '/old/b', value: 'B', createRevision: 7, modRevision: 7 }],
    leases: [],
  }));
  const s = await openEmbeddedStore(path);
  t.deepEqual((await s.range('/old/')).map(show), ['/old/a=A@2/5', '/old/b=B@7/7']);
  await s.put('/old/c', 'C');
  t.is((await s.get('/old/c'))?.modRevision, 8);
  t.is((await s.lease(60)).id, '3');
  await s.compact();
  await s.close();
  t.is((JSON.parse(await readFile(path, 'utf8')) as { version: number }).version, 2);
  t.deepEqual(await dump(path, '/old/'), ['/old/a=A@2/5', '/old/b=B@7/7', '/old/c=C@8/8']);
});

test('a log whose records skip a sequence number (a frame cut out) fails to open instead of replaying around the gap', async (t) => {
  const path = await tempFile(t);
  const ends = await threeBatches(path);
  const bytes = await readFile(`${path}.log`);
  await writeFile(`${path}.log`, Buffer.concat([bytes.subarray(0, ends[0]), bytes.subarray(ends[1])]));
  const err = await t.throwsAsync(openEmbeddedStore(path), { instanceOf: StoreCorruptError });
  t.regex(err?.message ?? '', /log record 3 follows 1: records are missing/);
});

/**
 * Store costs that bound agent start-up and pod setup: a single put, a create-if-absent txn,
 * a put once 1,000 records exist, a burst of 100 concurrent puts, and node-ID allocation among
 * 1,000 existing records, on a real etcd and on the embedded file. CPU time per put is printed
 * beside the wall-clock figures: it is what a loaded machine distorts least.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSync } from '../src/nodesync/nodesync.js';
import { encodeNodeRecord, nodeIdKey } from '../src/nodesync/record.js';
import { openEmbeddedStore } from '../src/store/embedded.js';
import { openEtcdStore } from '../src/store/etcd.js';
import type { Store } from '../src/store/types.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { figure, fmt, percentile, report, sample } from './stats.js';

/** Runs `fn` and returns its wall-clock samples and this process's CPU time per run. */
async function withCpu(n: number, fn: (i: number) => Promise<unknown>): Promise<{ ms: number[]; cpu: string }> {
  const c0 = process.cpuUsage();
  const ms = await sample(n, fn);
  const c = process.cpuUsage(c0);
  return { ms, cpu: `cpu/op=${fmt((c.user + c.system) / 1000 / n)}` };
}

async function measure(backend: string, store: Store): Promise<void> {
  const put = await withCpu(300, (i) => store.put(`/bench/put/${i % 50}`, `value-${i}`));
  report('store', `${backend} put`, put.ms, put.cpu);
  const txn = await sample(300, (i) => store.txn([{ key: `/bench/txn/${i}`, op: 'absent' }], [{ type: 'put', key: `/bench/txn/${i}`, value: 'x' }]));
  report('store', `${backend} txn create-if-absent`, txn);

  const t0 = performance.now();
  // Batches of 100 keep every put inside the 2 s per-call deadline on a loaded machine.
  for (let b = 0; b < 1000; b += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => {
      const id = b + j + 1;
      return store.put(nodeIdKey(id), encodeNodeRecord({ id, name: `existing-${id}`, vppIPs: [`192.168.${id >> 8}.${id & 255}/24`] }));
    }));
  }
  figure('store', `${backend} seed 1,000 node records (100 at a time)`, `${(performance.now() - t0).toFixed(0)}ms`);
  const bigPut = await withCpu(300, (i) => store.put(`/bench/big/${i % 50}`, `value-${i}`.padEnd(200, '.')));
  report('store', `${backend} put (200 B) among 1,400 keys`, bigPut.ms, bigPut.cpu);
  const bursts: number[] = [];
  for (let b = 0; b < 10; b++) {
    const t1 = performance.now();
    await Promise.all(Array.from({ length: 100 }, (_, j) => store.put(`/bench/burst/${j}`, `value-${b}`)));
    bursts.push(performance.now() - t1);
  }
  report('store', `${backend} burst of 100 concurrent puts (whole burst)`, bursts, `≈${(100_000 / percentile(bursts, 50)).toFixed(0)} puts/s at p50`);
  const admin = new NodeSync(store, 'admin');
  const alloc = await sample(20, async (i) => {
    const id = await new NodeSync(store, `new-${i}`).allocateId();
    if (id !== 1001) throw new Error(`expected node ID 1001, got ${id}`);
    await admin.releaseId(`new-${i}`);
  });
  report('store', `${backend} node-ID alloc (+release) among 1,000`, alloc);
}

export default async function (): Promise<void> {
  const etcd = await startEtcd();
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-bench-store-'));
  try {
    const e = await openEtcdStore({ endpoints: [etcd.endpoint] });
    try {
      await measure('etcd', e);
    } finally {
      await e.close();
    }
    const m = await openEmbeddedStore(join(dir, 'store.json'));
    try {
      await measure('embedded', m);
    } finally {
      await m.close();
    }
  } finally {
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

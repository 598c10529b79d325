/**
 * Pod IP allocation cost: the pure round-robin pool alone (baseline), then allocate+persist
 * through PersistentIpam on the embedded file store and on a real etcd member.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeAddressing, PodIpPool } from '../src/ipam/index.js';
import { PersistentIpam } from '../src/ipamstore/persistent.js';
import { openEmbeddedStore } from '../src/store/embedded.js';
import { openEtcdStore } from '../src/store/etcd.js';
import type { Store } from '../src/store/types.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { report, sample } from './stats.js';

const config = {
  useExternalIPAM: false, contivCIDR: undefined, serviceCIDR: '10.96.0.0/12', nodeInterconnectDHCP: false,
  podSubnetCIDR: '10.1.0.0/16', podSubnetOneNodePrefixLen: 24, vppHostSubnetCIDR: '172.30.0.0/16',
  vppHostSubnetOneNodePrefixLen: 24, nodeInterconnectCIDR: '192.168.16.0/24', vxlanCIDR: '192.168.30.0/24',
  defaultGateway: undefined,
} as const;
const addressing = new NodeAddressing(config, 1);
const pod = (i: number) => ({ namespace: 'bench', name: `pod-${i}` });
// Keep ~200 of 252 addresses in use so every allocation scans past taken ones, as on a busy node.
const LIVE = 200;

/** Runs `setup` untimed, then times `fn` only; returns per-run milliseconds. */
async function timedAfter(n: number, setup: (i: number) => unknown, fn: (i: number) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await setup(i);
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

async function persisted(label: string, store: Store, n: number): Promise<void> {
  const ipam = await PersistentIpam.open(store, `bench-${label}`, addressing, []);
  const alloc = await timedAfter(n, (i) => (i >= LIVE ? ipam.release(pod(i - LIVE)) : undefined), (i) => ipam.allocate(pod(i)));
  report('ipam', `allocate+persist (${label})`, alloc);
  const rel = await sample(Math.min(n, LIVE), (i) => ipam.release(pod(n - 1 - i)));
  report('ipam', `release (${label})`, rel);
}

/** Bench entry: pure baseline, embedded store, etcd. */
export default async function (): Promise<void> {
  const pool = PodIpPool.forNode(addressing);
  const pure = await timedAfter(20000, (i) => (i >= LIVE ? pool.release(pod(i - LIVE)) : undefined), (i) => pool.allocate(pod(i)));
  report('ipam', 'allocate (pure pool, baseline)', pure);

  const dir = await mkdtemp(join(tmpdir(), 'ipnet-bench-ipam-'));
  try {
    const embedded = await openEmbeddedStore(join(dir, 'store.json'));
    await persisted('embedded', embedded, 1000);
    await embedded.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const etcd = await startEtcd();
  try {
    const store = await openEtcdStore({ endpoints: [etcd.endpoint] });
    await persisted('etcd', store, 1000);
    await store.close();
  } finally {
    await etcd.stop();
  }
}

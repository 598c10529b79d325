import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded.js';
import type { Store } from '../../src/store/types.js';
import {
  type Backend, customSlotReplaced, externalIpamRecorded, openReconciles, samePodConcurrently, racingWritersNeverShare, releaseAndExhaustion, reservationCommitsOnce, restartLosesNothing,
  storeFailureLeavesPoolUnchanged,
} from './persistence-scenarios.js';

async function backend(t: { teardown: (fn: () => Promise<void>) => void }): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-ipam-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'store.json');
  return { connect: (): Promise<Store> => openEmbeddedStore(file) };
}

test('on the embedded store a restart loses no allocation, custom IP or cursor', async (t) => {
  await restartLosesNothing(t, await backend(t));
});

test('on the embedded store two racing instances never hand out the same IP', async (t) => {
  await racingWritersNeverShare(t, await backend(t), true);
});

test('on the embedded store opening releases stale records and adopts live pods', async (t) => {
  await openReconciles(t, await backend(t));
});

test('on the embedded store release deletes the records and a /29 runs out after four pods', async (t) => {
  await releaseAndExhaustion(t, await backend(t));
});

test('on the embedded store a failing store leaves the allocator unchanged', async (t) => {
  await storeFailureLeavesPoolUnchanged(t, await backend(t));
});

test('on the embedded store concurrent requests for one pod yield one IP and one record', async (t) => {
  await samePodConcurrently(t, await backend(t));
});

test('on the embedded store an external IPAM result is recorded without an ownership key', async (t) => {
  await externalIpamRecorded(t, await backend(t));
});

test('on the embedded store a re-requested custom interface slot frees its old IP', async (t) => {
  await customSlotReplaced(t, await backend(t));
});

test('on the embedded store a reservation is committed with the caller\'s record in one transaction, and loses to an earlier writer', async (t) => {
  await reservationCommitsOnce(t, await backend(t));
});

import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded.js';
import { registerStoreContract } from './contract.js';

const dirs: string[] = [];
test.after.always(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

registerStoreContract('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-store-'));
  dirs.push(dir);
  return openEmbeddedStore(join(dir, 'store.json'));
});

import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { EtcdStore } from '../../src/store/etcd.js';
import { StoreRequestError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open.js';
import { startEtcd } from '../helpers/etcd.js';

test('openStore picks the embedded file store and the etcd store from the config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-open-'));
  const etcd = await startEtcd();
  t.teardown(async () => {
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const embedded = await openStore({ type: 'embedded', endpoints: [], path: join(dir, 's.json') });
  t.teardown(() => embedded.close());
  t.true(embedded instanceof EmbeddedStore);
  const remote = await openStore({ type: 'etcd', endpoints: [etcd.endpoint], path: '' });
  t.teardown(() => remote.close());
  t.true(remote instanceof EtcdStore);
  await remote.put('/open/k', 'v');
  t.is((await remote.get('/open/k'))?.value, 'v');
});

for (const [what, cfg] of [
  ['etcd without endpoints', { type: 'etcd', endpoints: [], path: '' }],
  ['embedded without a path', { type: 'embedded', endpoints: [], path: '' }],
] as const) {
  test(`openStore rejects ${what} with a non-retryable request error`, async (t) => {
    const err = await t.throwsAsync(openStore(cfg), { instanceOf: StoreRequestError });
    t.regex(err?.message ?? '', /^failed to open (etcd|embedded) store: /);
  });
}

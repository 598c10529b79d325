import test from 'ava';
import { existsSync } from 'node:fs';
import { startEtcd } from '../helpers/etcd.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('the etcd harness serves requests, survives SIGKILL plus restart on the same data, and removes its dir on stop', async (t) => {
  const etcd = await startEtcd();
  let stopped = false;
  t.teardown(() => (stopped ? undefined : etcd.stop()));
  const put = await fetch(`${etcd.endpoint}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64('/h/k'), value: b64('v1') }) });
  t.is(put.status, 200);
  await etcd.kill();
  await t.throwsAsync(fetch(`${etcd.endpoint}/health`));
  await etcd.restart();
  const got = await fetch(`${etcd.endpoint}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('/h/k') }) });
  const body = (await got.json()) as { kvs?: { value: string }[] };
  t.is(Buffer.from(body.kvs?.[0]?.value ?? '', 'base64').toString(), 'v1');
  await etcd.stop();
  stopped = true;
  t.false(existsSync(etcd.dataDir));
});

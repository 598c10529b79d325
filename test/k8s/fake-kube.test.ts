import test from 'ava';
import { podJson } from '../helpers/fake-kube-objects.js';
import { fakeFor, until } from './harness.js';

interface WatchLine { type: string; object: { kind?: string; code?: number; reason?: string; metadata?: { name?: string; resourceVersion?: string } } }

/** Opens a raw watch and collects its JSON lines until `stop()` or the server ends it. */
async function rawWatch(url: string) {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const lines: WatchLine[] = [];
  let ended = false;
  const done = (async () => {
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += Buffer.from(chunk).toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) { lines.push(JSON.parse(buf.slice(0, nl)) as WatchLine); buf = buf.slice(nl + 1); }
      }
    } catch { /* aborted */ }
    ended = true;
  })();
  return { res, lines, ended: () => ended, stop: async () => { abort.abort(); await done; } };
}

const summary = (lines: WatchLine[]) => lines.map((l) => `${l.type} ${l.object.metadata?.name ?? l.object.reason ?? ''}`);

test('a watch with a node field selector sees a pod entering as ADDED and leaving as DELETED', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'p', phase: 'Pending' }));
  const w = await rawWatch(`${fake.url}/api/v1/pods?watch=true&resourceVersion=${fake.resourceVersion}&fieldSelector=spec.nodeName%3Dnode-a`);
  t.teardown(w.stop);

  fake.updatePod('default', 'p', (p) => { p.spec['nodeName'] = 'node-a'; });
  fake.updatePod('default', 'p', (p) => { p.status['podIP'] = '10.1.1.2'; });
  fake.updatePod('default', 'p', (p) => { p.spec['nodeName'] = 'node-b'; });
  fake.addPod(podJson({ name: 'q', nodeName: 'node-b' }));
  fake.deletePod('default', 'p');
  fake.addPod(podJson({ name: 'r', nodeName: 'node-a' }));
  await until(() => w.lines.length === 4, 'four events');

  t.is(w.res.headers.get('content-type'), 'application/json');
  t.deepEqual(summary(w.lines), ['ADDED p', 'MODIFIED p', 'DELETED p', 'ADDED r']);
});

test('a watch replays history after its resourceVersion and a compacted one gets 410 Expired', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'a' }));
  const after = fake.resourceVersion;
  fake.addPod(podJson({ name: 'b' }));
  fake.deletePod('default', 'a');

  const replay = await rawWatch(`${fake.url}/api/v1/pods?watch=1&resourceVersion=${after}`);
  t.teardown(replay.stop);
  await until(() => replay.lines.length === 2, 'the replay');
  t.deepEqual(summary(replay.lines), ['ADDED b', 'DELETED a']);
  t.is(replay.lines[1]?.object.metadata?.resourceVersion, String(fake.resourceVersion));

  fake.compact();
  const expired = await rawWatch(`${fake.url}/api/v1/pods?watch=true&resourceVersion=${after}`);
  await until(expired.ended, 'the expired stream to end');
  t.like(expired.lines[0], { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  const current = await rawWatch(`${fake.url}/api/v1/pods?watch=true&resourceVersion=${fake.resourceVersion}`);
  t.teardown(current.stop);
  fake.bookmark();
  fake.addPod(podJson({ name: 'c' }));
  await until(() => current.lines.length === 1, 'a live event');
  t.deepEqual(summary(current.lines), ['ADDED c']);
});

test('a watch without resourceVersion starts with the current objects, and bookmarks go only to who asked', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ name: 'a', labels: { app: 'web' } }));
  fake.addPod(podJson({ name: 'b', labels: { app: 'db' } }));
  const w = await rawWatch(`${fake.url}/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dweb&allowWatchBookmarks=true`);
  t.teardown(w.stop);
  await until(() => w.lines.length === 1, 'the initial state');

  fake.bookmark();
  await until(() => w.lines.length === 2, 'the bookmark');
  t.deepEqual(summary(w.lines), ['ADDED a', 'BOOKMARK ']);
  t.is(w.lines[1]?.object.metadata?.resourceVersion, String(fake.resourceVersion));
});

test('lists carry the global resourceVersion and honour namespace and selectors', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ namespace: 'x', name: 'a', nodeName: 'n1' }));
  fake.addPod(podJson({ namespace: 'y', name: 'b', nodeName: 'n1' }));
  fake.addPod(podJson({ namespace: 'y', name: 'c', nodeName: 'n2' }));
  const get = async (path: string) => (await fetch(`${fake.url}${path}`)).json() as Promise<{ kind: string; metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string } }> }>;

  const all = await get('/api/v1/pods');
  t.is(all.kind, 'PodList');
  t.is(all.metadata.resourceVersion, String(fake.resourceVersion));
  t.deepEqual((await get('/api/v1/namespaces/y/pods')).items.map((p) => p.metadata.name), ['b', 'c']);
  t.deepEqual((await get('/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,metadata.namespace!%3Dx')).items.map((p) => p.metadata.name), ['b']);
});

test('discovery, single objects, unknown paths, bad selectors and injected failures answer like an API server', async (t) => {
  const fake = await fakeFor(t);
  fake.addPod(podJson({ namespace: 'x', name: 'a' }));
  const call = async (path: string) => { const r = await fetch(`${fake.url}${path}`); return { code: r.status, body: await r.json() as Record<string, unknown> }; };

  t.like(await call('/api'), { code: 200, body: { kind: 'APIVersions', versions: ['v1'] } });
  t.like(await call('/apis'), { code: 200, body: { kind: 'APIGroupList' } });
  t.like(await call('/api/v1'), { code: 200, body: { kind: 'APIResourceList', groupVersion: 'v1' } });
  t.like(await call('/version'), { code: 200, body: { major: '1' } });
  t.like(await call('/api/v1/namespaces/x/pods/a'), { code: 200, body: { kind: 'Pod', metadata: { name: 'a' } } });
  t.like(await call('/api/v1/namespaces/x/pods/zz'), { code: 404, body: { kind: 'Status', reason: 'NotFound' } });
  t.like(await call('/api/v1/services'), { code: 404, body: { kind: 'Status' } });
  t.like(await call('/api/v1/pods?fieldSelector=nonsense'), { code: 400, body: { reason: 'BadRequest' } });
  fake.failNext(1, 503);
  t.like(await call('/api/v1/nodes'), { code: 503, body: { kind: 'Status' } });
  t.like(await call('/api/v1/nodes'), { code: 200, body: { kind: 'NodeList' } });
});

import test from 'ava';
import { diffContents } from '../../src/store/etcd-watch.js';
import type { KV } from '../../src/store/types.js';

const kv = (key: string, value: string, rev: number): KV => ({ key, value, modRevision: rev, createRevision: rev });

test('a watch resync reports deleted, changed and new keys and nothing for unchanged ones', (t) => {
  const before = new Map([['/a', kv('/a', '1', 2)], ['/b', kv('/b', '1', 3)], ['/c', kv('/c', '1', 4)]]);
  const after = new Map([['/a', kv('/a', '1', 2)], ['/c', kv('/c', '2', 9)], ['/d', kv('/d', '1', 10)]]);
  t.deepEqual(diffContents(before, after), [
    { type: 'delete', key: '/b', prev: kv('/b', '1', 3) },
    { type: 'put', kv: kv('/c', '2', 9), prev: kv('/c', '1', 4) },
    { type: 'put', kv: kv('/d', '1', 10), prev: undefined },
  ]);
});

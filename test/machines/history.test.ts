import test from 'ava';
import { History, parseHistoryQuery } from '../../src/actors/history.js';

function filled(n: number, limit: number) {
  let now = 1_000_000;
  const h = new History(limit, () => (now += 1000));
  for (let i = 0; i < n; i++) h.record({ actor: `pod/${i}`, event: 'cni.add', from: 'pending', to: 'wiring' });
  return h;
}

test('the history keeps only the newest records past its limit, oldest first', (t) => {
  const h = filled(7, 5);
  t.deepEqual(h.query().map((r) => r.seq), [2, 3, 4, 5, 6]);
});

test('history filters select by sequence number, time window, first and last', (t) => {
  const h = filled(10, 100);
  t.deepEqual(h.query({ seqNum: 3 }).map((r) => r.actor), ['pod/3']);
  t.deepEqual(h.query({ first: 2 }).map((r) => r.seq), [0, 1]);
  t.deepEqual(h.query({ last: 2 }).map((r) => r.seq), [8, 9]);
  // record i was taken at 1_001_000 + i·1000 ms
  t.deepEqual(h.query({ since: 1003, until: 1005 }).map((r) => r.seq), [2, 3, 4]);
});

const queryCases: Array<[string, string, unknown]> = [
  ['no filters', '', {}],
  ['contiv names', 'seq-num=4&since=10&until=20', { seqNum: 4, since: 10, until: 20 }],
  ['a negative count', 'first=-1', { error: 'invalid first: "-1" is not a non-negative integer' }],
  ['a word', 'last=many', { error: 'invalid last: "many" is not a non-negative integer' }],
  ['both ends', 'first=1&last=1', { error: 'first and last cannot be combined' }],
];
for (const [title, qs, expected] of queryCases) {
  test(`history query parsing: ${title}`, (t) => {
    t.deepEqual(parseHistoryQuery(new URLSearchParams(qs)), expected);
  });
}

import test from 'ava';
import { RecordView } from '../../src/sources/k8s/view.js';

interface Rec { key: string; uid: string; value: number; rv: number }

function makeView() {
  const told: string[] = [];
  const view = new RecordView<Rec>(
    { key: (r) => r.key, same: (a, b) => a.value === b.value, incarnation: (r) => r.uid },
    {
      added: (r) => told.push(`added ${r.key}=${r.value}`),
      updated: (r, prev) => told.push(`updated ${r.key} ${prev.value}->${r.value}`),
      deleted: (r) => told.push(`deleted ${r.key}=${r.value}`),
    },
  );
  return { view, told };
}
const rec = (key: string, value: number, uid = 'u', rv = 1): Rec => ({ key, uid, value, rv });

test('a new key is added, a changed value updated, a removed key deleted', (t) => {
  const { view, told } = makeView();
  view.put(rec('a', 1));
  view.put(rec('a', 2));
  view.remove('a');
  t.deepEqual(told, ['added a=1', 'updated a 1->2', 'deleted a=2']);
  t.is(view.size, 0);
});

test('an echo with the same facts is stored but not told', (t) => {
  const { view, told } = makeView();
  view.put(rec('a', 1, 'u', 1));
  view.put(rec('a', 1, 'u', 2));
  t.deepEqual(told, ['added a=1']);
  t.is(view.get('a')?.rv, 2);
});

test('a recreated object under the same key is told as a deletion then an addition', (t) => {
  const { view, told } = makeView();
  view.put(rec('a', 1, 'first'));
  view.put(rec('a', 1, 'second'));
  t.deepEqual(told, ['added a=1', 'deleted a=1', 'added a=1']);
  t.is(view.get('a')?.uid, 'second');
});

test('removing a key that is not held tells nothing', (t) => {
  const { view, told } = makeView();
  view.remove('nope');
  t.deepEqual(told, []);
});

test('a full list tells exactly the differences, deletions first', (t) => {
  const { view, told } = makeView();
  view.replace([rec('a', 1), rec('b', 1), rec('c', 1)]);
  told.length = 0;
  view.replace([rec('d', 1), rec('b', 2), rec('c', 1)]);
  t.deepEqual(told, ['deleted a=1', 'added d=1', 'updated b 1->2']);
  t.deepEqual(view.values().map((r) => r.key).sort(), ['b', 'c', 'd']);
});

test('an empty list deletes everything held', (t) => {
  const { view, told } = makeView();
  view.replace([rec('a', 1), rec('b', 1)]);
  view.replace([]);
  t.deepEqual(told.slice(2), ['deleted a=1', 'deleted b=1']);
});

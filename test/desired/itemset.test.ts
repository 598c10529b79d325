/**
 * ItemSet's indexes (dependents, owners) are built when first asked for and kept current after:
 * whichever moment they are first asked, they must say what a scan of the items says.
 */
import test from 'ava';
import { item, ItemSet, type Item } from '../../src/desired/index.js';

function scanDependents(s: ItemSet, key: string): string[] {
  return [...s.values()].filter((i) => i.deps.includes(key)).map((i) => i.key).sort();
}

function scanOwned(s: ItemSet, owner: string): string[] {
  return [...s.values()].filter((i) => i.owner === owner).map((i) => i.key).sort();
}

/** A random item among a small key space, so puts replace and deletes hit. */
function randomItem(rnd: (n: number) => number): Item {
  const k = rnd(40);
  const deps = Array.from({ length: rnd(3) }, () => `k${rnd(40)}`).filter((d) => d !== `k${k}`);
  return item('vpp-vrf-table', `k${k}`, { id: k, protocol: 'IPV4', label: `t${rnd(3)}` }, deps, `o${rnd(5)}`);
}

for (const askAt of [0, 17, 150, 299, Infinity]) {
  test(`dependents and owners match a scan when first asked after ${askAt} changes`, (t) => {
    let seed = 4242 + (askAt === Infinity ? 7 : askAt);
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const s = new ItemSet();
    const check = () => {
      for (let k = 0; k < 40; k++) t.deepEqual([...s.dependents(`k${k}`)].sort(), scanDependents(s, `k${k}`), `dependents of k${k}`);
      for (let o = 0; o < 5; o++) t.deepEqual([...s.ownedBy(`o${o}`)].sort(), scanOwned(s, `o${o}`), `owned by o${o}`);
      t.deepEqual([...s.ownerNames()].sort(), [...new Set([...s.values()].map((i) => i.owner))].sort());
    };
    for (let step = 0; step < 300; step++) {
      if (step === askAt) {
        s.buildIndexes();
        check();
      }
      const r = rnd(10);
      if (r < 6) s.put(randomItem(rnd));
      else if (r < 8) s.delete(`k${rnd(40)}`);
      // replaceOwner asks who owns what: only after askAt, so both indexes are first built there
      else if (step > askAt) s.replaceOwner(`o${rnd(5)}`, Array.from({ length: rnd(4) }, () => randomItem(rnd)).filter((i, j, a) => a.findIndex((x) => x.key === i.key) === j));
      else s.put(randomItem(rnd));
      if (step > askAt) check();
    }
    check();
  });
}

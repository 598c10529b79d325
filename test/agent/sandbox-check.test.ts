// At start-up a root agent forgets the pods whose network namespace is gone. Only a path that
// does not exist proves that: a path the agent fails to look at for another reason (here a
// symlink loop and an over-long name, real filesystem errors even for root) keeps its pod.
import test from 'ava';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodRecords, withLiveSandboxes } from '../../src/actors/pod-records.js';
import { openStore } from '../../src/store/open.js';

const wiring = (ip: string) => ({ ip, gateway: '10.1.1.1', mac: '02:fe:00:00:00:01', vppIfName: 'tap-c', hostIfName: 'eth0' });

test('only a netns path that does not exist (ENOENT, ENOTDIR) or cannot be a netns path forgets its pod; ELOOP and ENAMETOOLONG keep it with a warning', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-sandbox-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore({ type: 'embedded', endpoints: [], path: join(dir, 'store.json') });
  t.teardown(() => store.close());
  await writeFile(join(dir, 'present'), '');
  await symlink(join(dir, 'loop'), join(dir, 'loop'));
  const netns: Record<string, string> = {
    present: join(dir, 'present'),
    missing: join(dir, 'missing'),
    notdir: join(dir, 'present', 'net'),
    loop: join(dir, 'loop'),
    toolong: join(dir, 'n'.repeat(300)),
    relative: 'var/run/netns/x',
  };
  const records = new PodRecords(store, 'node-a');
  let n = 2;
  for (const [name, path] of Object.entries(netns)) await records.put(`default/${name}`, { containerId: `c-${name}`, netns: path, ifName: 'eth0' }, wiring(`10.1.1.${n++}`));

  const warnings: string[] = [];
  const kept = await withLiveSandboxes(records, await records.list(), (m) => void warnings.push(m));

  const names = (rs: readonly { podKey: string }[]) => rs.map((r) => r.podKey).sort();
  t.deepEqual(names(kept), ['default/loop', 'default/present', 'default/toolong']);
  t.deepEqual(names(await records.list()), ['default/loop', 'default/present', 'default/toolong'], 'only the forgotten pods\' records are deleted');
  const about = (pod: string) => warnings.filter((w) => w.includes(`pod default/${pod}:`));
  t.regex(about('missing').join(), /^forgetting pod default\/missing: its network namespace \S+ is gone$/);
  t.regex(about('notdir').join(), /^forgetting pod default\/notdir: its network namespace \S+ is gone$/);
  t.regex(about('relative').join(), /^forgetting pod default\/relative: its network namespace var\/run\/netns\/x is not a usable path \(invalid netns path/);
  t.regex(about('loop').join(), /^keeping pod default\/loop: cannot tell whether its network namespace \S+ exists: ELOOP/);
  t.regex(about('toolong').join(), /^keeping pod default\/toolong: cannot tell whether its network namespace \S+ exists: ENAMETOOLONG/);
  t.deepEqual(about('present'), [], 'a pod whose namespace is there is kept without a word');
});

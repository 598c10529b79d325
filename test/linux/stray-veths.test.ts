// Host ends of pod veths left without a pod record, on real links as root. The host namespace
// is shared with whatever else runs on this machine, so only this test's own links are handed
// to the removal (read back from the real listing).
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readHostVeths, removeStrayPodVeths, strayPodVeths } from '../../src/linux/stray-veths.js';
import { hostVethName } from '../../src/linux/pod-names.js';
import { cleanupLink, containerId, ip, ipJson, tempNetns } from '../cni/_harness.js';

const exists = (name: string) => ipJson('link', 'show', 'dev', name).then((l) => l.length > 0, () => false);

test('removes a pod host veth no record names, and keeps recorded ones, veths with both ends here and names the agent never makes', async (t) => {
  const pod = await tempNetns(t, 'stray');
  const stray = hostVethName(containerId());
  const recorded = hostVethName(containerId());
  const bothHere = hostVethName(containerId());
  const foreign = `veth${randomBytes(5).toString('hex').slice(0, 9)}`;
  for (const name of [stray, recorded, bothHere, foreign]) cleanupLink(t, name);
  await ip('link', 'add', stray, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.name);
  await ip('link', 'add', recorded, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', pod.name);
  await ip('link', 'add', foreign, 'type', 'veth', 'peer', 'name', 'eth2', 'netns', pod.name);
  await ip('link', 'add', bothHere, 'type', 'veth', 'peer', 'name', `p${bothHere.slice(1)}`);
  cleanupLink(t, `p${bothHere.slice(1)}`);

  const mine = new Set([stray, recorded, bothHere, foreign]);
  const links = (await readHostVeths()).filter((l) => mine.has(String(l.ifname)));
  t.is(links.length, 4, 'the listing reports every veth of this namespace');
  const keep = new Set([recorded]);
  t.deepEqual(strayPodVeths(links, keep), [stray]);

  t.deepEqual(await removeStrayPodVeths(links, keep), { removed: [stray], errors: [] });
  t.false(await exists(stray), 'the stray host end is gone');
  t.deepEqual((await ipJson('-n', pod.name, 'link', 'show')).map((l) => l['ifname']).sort(), ['eth1', 'eth2', 'lo'], 'its pod end went with it');
  for (const name of [recorded, bothHere, foreign]) t.true(await exists(name), `${name} is kept`);

  // a second start-up finds it already gone: no error
  t.deepEqual(await removeStrayPodVeths([{ ifname: stray, link_netnsid: 0, linkinfo: { info_kind: 'veth' } }], keep), { removed: [], errors: [] });
});

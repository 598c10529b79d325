/**
 * The shipped conflist is usable: what a runtime derives from it for ipnet-cni passes the
 * agent's validation in every version the list offers.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseRequest } from '../../src/cni/request.js';

const file = fileURLToPath(new URL('../../config/cni/10-ipnet.conflist', import.meta.url));

test('each version offered by config/cni/10-ipnet.conflist yields a valid ADD for ipnet-cni', async (t) => {
  const list = JSON.parse(await readFile(file, 'utf8')) as { name: string; cniVersions: string[]; plugins: Record<string, unknown>[] };
  const first = list.plugins[0] as Record<string, unknown>;
  t.is(first.type, 'ipnet-cni');
  t.is(first.agentSocket, '/var/run/ipnet/cni.sock');
  for (const cniVersion of list.cniVersions) {
    // A runtime passes the plugin's own object plus the list's name and the chosen version.
    const stdin = Buffer.from(JSON.stringify({ ...first, name: list.name, cniVersion }));
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/p', CNI_IFNAME: 'eth0', CNI_ARGS: 'K8S_POD_NAMESPACE=a;K8S_POD_NAME=b' };
    const req = parseRequest({ env, stdin });
    t.like(req, { command: 'ADD', cniVersion, config: { name: 'k8s-pod-network', type: 'ipnet-cni', agentSocket: '/var/run/ipnet/cni.sock' } });
  }
});

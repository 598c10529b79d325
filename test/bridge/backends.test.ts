import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import type { BridgeClient } from '../../src/vpp/bridge/client.js';
import type { BridgeServer } from '../../src/vpp/bridge/server.js';
import { VppSocketBackend } from '../../src/vpp/socket/client.js';
import { serveVppSocket } from '../../src/vpp/socket/server.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, nextEvent, plain, startBridge, tempDir } from './harness.js';

const MAC = [0x02, 0xfe, 0x00, 0x00, 0x00, 0x01];

/** The scripted sequence: create a loopback, address it, dump interfaces and addresses. */
async function script(c: BridgeClient): Promise<Record<string, unknown>> {
  const lo = await c.request('create_loopback', { mac_address: MAC });
  const idx = lo.sw_if_index as number;
  const addr = await c.request('sw_interface_add_del_address', {
    sw_if_index: idx, is_add: true, prefix: { address: { af: 0, un: { ip4: [10, 1, 2, 3] } }, len: 24 },
  });
  const ifs = await c.dump('sw_interface_dump', { sw_if_index: 0xffffffff });
  const addrs = await c.dump('ip_address_dump', { sw_if_index: idx, is_ipv6: false });
  return { lo, addr, ifs, addrs };
}

/** A simulator behind VPP's API socket, and a bridge with the vpp backend in front of it. */
async function viaApiSocket(t: ExecutionContext, seed: number): Promise<{ sim: VppSimulator; bridge: BridgeServer }> {
  const dir = await tempDir(t);
  const sim = new VppSimulator({ seed });
  t.teardown(() => sim.close());
  const api = await serveVppSocket(sim, join(dir, 'api.sock'));
  t.teardown(() => api.close());
  const backend = new VppSocketBackend(api.path);
  t.teardown(() => backend.close());
  return { sim, bridge: await startBridge(t, backend, dir) };
}

test('a scripted sequence gives identical decoded results through the sim backend and through vpp → API socket → sim', async (t) => {
  const dir = await tempDir(t);
  const direct = new VppSimulator({ seed: 11 });
  t.teardown(() => direct.close());
  const viaSocket = new VppSimulator({ seed: 11 });
  t.teardown(() => viaSocket.close());
  const api = await serveVppSocket(viaSocket, join(dir, 'api.sock'));
  t.teardown(() => api.close());
  const vppBackend = new VppSocketBackend(api.path);
  t.teardown(() => vppBackend.close());

  const simBridge = await startBridge(t, direct, await tempDir(t));
  const vppBridge = await startBridge(t, vppBackend, await tempDir(t));
  const a = plain(await script(await connectClient(t, simBridge.endpoint)));
  const b = plain(await script(await connectClient(t, vppBridge.endpoint)));
  t.deepEqual(b, a);

  const got = a as { lo: { retval: number; sw_if_index: number }; ifs: { sw_if_index: number; l2_address: number[] }[]; addrs: { sw_if_index: number; prefix: { address: { un: { ip4: number[] } }; len: number } }[] };
  t.is(got.lo.retval, 0);
  const loop = got.ifs.find((i) => i.sw_if_index === got.lo.sw_if_index);
  t.truthy(loop, 'the new loopback is in the interface dump');
  t.deepEqual(loop?.l2_address.slice(0, 6), MAC);
  t.is(got.ifs[0]?.sw_if_index, 0, 'local0 comes first');
  t.deepEqual(got.addrs.map((x) => [x.sw_if_index, x.prefix.address.un.ip4, x.prefix.len]), [[got.lo.sw_if_index, [10, 1, 2, 3], 24]]);
});

test('through the vpp backend a VPP restart shows as a dropped socket, and the new vpe_pid after reconnecting raises the restart event', async (t) => {
  const { sim, bridge } = await viaApiSocket(t, 13);
  const c = await connectClient(t, bridge.endpoint, { backoff: { initialMs: 10, maxMs: 50 } });
  const oldPid = await c.ping();
  const disconnected = nextEvent(c, 'disconnected');
  const restart = nextEvent(c, 'restart');
  sim.restart();
  t.regex((await disconnected as { reason: string }).reason, /dropped/);
  t.like(await restart, { previousPid: oldPid, pid: sim.pid });
  t.not(sim.pid, oldPid);
  t.is((await c.request('create_loopback', {})).retval, 0);
});

test('through the vpp backend (VPP\'s API socket) calls naming a new interface by its stand-in are held until the reply and get the real index', async (t) => {
  const { sim, bridge } = await viaApiSocket(t, 17);
  const c = await connectClient(t, bridge.endpoint);
  await c.ping();
  const seq0 = sim.callLog.at(-1)?.seq ?? 0;
  c.gather();
  const lo = c.requestIndexed('create_loopback', { mac_address: MAC }, 'sw_if_index');
  t.not(lo.standIn, undefined);
  const addr = c.request('sw_interface_add_del_address', {
    sw_if_index: lo.standIn as number, is_add: true, prefix: { address: { af: 0, un: { ip4: [10, 1, 2, 3] } }, len: 24 },
  });
  const idx = (await lo.reply).sw_if_index as number;
  t.is((await addr).retval, 0);
  t.is(bridge.stats.patchedFrames, 1);
  const seen = sim.callLog.filter((x) => x.seq > seq0 && x.name !== 'control_ping').map((x) => [x.name, x.args['sw_if_index']]);
  t.deepEqual(seen, [['create_loopback', undefined], ['sw_interface_add_del_address', idx]]);
  const addrs = await c.dump('ip_address_dump', { sw_if_index: idx, is_ipv6: false });
  t.is(addrs.length, 1);
});

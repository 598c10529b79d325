/**
 * The host side of the VPP interconnect applied in a throwaway netns playing the host (as
 * root): VETH mode creates the pair and converges once, TAP mode waits for VPP's link, the
 * node's hostIPs come from the same read, and the hostNetns config key refuses bad paths.
 */
import test from 'ava';
import { compileConfig, type Config } from '../../src/config/index.js';
import { hostInterconnectItems, localNodeInput } from '../../src/desired/index.js';
import { NodeAddressing } from '../../src/ipam/index.js';
import { hostIPsOf, readHostNet } from '../../src/linux/host-read.js';
import { applyHostSide, hostSideFrom, planHostSide } from '../../src/linux/host.js';
import { parseNetnsPath } from '../../src/linux/netns-path.js';
import { ip, ipJson, tempNetns } from '../cni/_harness.js';

function nodeConfig(raw: Record<string, unknown>): Config {
  const { config, problems } = compileConfig({ nodeName: 'host-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' }, ...raw }, { hostname: 'host-node' });
  if (!config) throw new Error(`config rejected: ${JSON.stringify(problems)}`);
  return config;
}

/** The desired host side of node 1 (host-interconnect 172.30.1.0/24: VPP .1, host .2). */
function specOf(config: Config) {
  const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: config.ipamConfig.defaultGateway });
  return hostSideFrom(hostInterconnectItems(config, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [] })));
}

const flagsOf = (l: Record<string, unknown> | undefined) => (l?.flags as string[] | undefined) ?? [];

test('VETH mode creates the pair with address, MTU and the routes to pods and services via VPP; a second run changes nothing', async (t) => {
  const ns = await tempNetns(t, 'hveth');
  const target = parseNetnsPath(ns.path);
  const spec = specOf(nodeConfig({ useTAPInterfaces: false, mtuSize: 1450, routeServiceCIDRToVPP: true }));
  const first = await applyHostSide(target, spec);
  t.deepEqual(first.pending, []);
  t.true(first.lines.length > 0);

  const [vpp1] = await ipJson('-n', ns.name, '-d', 'addr', 'show', 'dev', 'vpp1');
  const [vpp2] = await ipJson('-n', ns.name, '-d', 'link', 'show', 'dev', 'vpp2');
  t.is((vpp1?.linkinfo as { info_kind: string }).info_kind, 'veth');
  t.is(vpp1?.link, 'vpp2');
  t.is(vpp1?.mtu, 1450);
  t.is(vpp2?.mtu, 1450);
  t.true(flagsOf(vpp1).includes('UP'));
  t.true(flagsOf(vpp2).includes('UP'));
  t.deepEqual((vpp1?.addr_info as { family: string; local: string; prefixlen: number }[]).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`), ['172.30.1.2/24']);
  const routes = (await ipJson('-n', ns.name, 'route', 'show')).filter((r) => r.gateway !== undefined);
  t.deepEqual(routes.map((r) => [r.dst, r.gateway, r.dev]).sort(), [['10.1.0.0/16', '172.30.1.1', 'vpp1'], ['10.96.0.0/12', '172.30.1.1', 'vpp1']]);

  const before = await ip('-n', ns.name, '-d', 'addr', 'show');
  const second = await applyHostSide(target, spec);
  t.deepEqual(second.lines, []);
  t.is(await ip('-n', ns.name, '-d', 'addr', 'show'), before);
});

test('what drifted is put back and a host route the node no longer wants is removed', async (t) => {
  const ns = await tempNetns(t, 'hdrift');
  const target = parseNetnsPath(ns.path);
  await applyHostSide(target, specOf(nodeConfig({ useTAPInterfaces: false, mtuSize: 1450, routeServiceCIDRToVPP: true })));
  await ip('-n', ns.name, 'link', 'set', 'dev', 'vpp1', 'mtu', '1300');
  await ip('-n', ns.name, 'addr', 'add', '172.30.1.9/24', 'dev', 'vpp1');
  await ip('-n', ns.name, 'route', 'del', '10.1.0.0/16');
  // routeServiceCIDRToVPP off now: the service route goes
  const r = await applyHostSide(target, specOf(nodeConfig({ useTAPInterfaces: false, mtuSize: 1450 })));
  t.deepEqual([...r.lines].sort(), [
    'addr del 172.30.1.9/24 dev vpp1', 'link set dev vpp1 mtu 1450',
    'route del 10.96.0.0/12 via 172.30.1.1 dev vpp1', 'route replace 10.1.0.0/16 via 172.30.1.1 dev vpp1',
  ]);
  const state = await readHostNet(target);
  t.is(state.links.get('vpp1')?.mtu, 1450);
  t.deepEqual(state.links.get('vpp1')?.addresses, ['172.30.1.2/24']);
  t.deepEqual(state.routes.filter((x) => x.gateway !== undefined).map((x) => x.dst), ['10.1.0.0/16']);
});

test('TAP mode is pending and writes nothing until VPP\'s link exists, then configures it', async (t) => {
  const ns = await tempNetns(t, 'htap');
  const target = parseNetnsPath(ns.path);
  const spec = specOf(nodeConfig({ mtuSize: 1400 }));
  const waiting = await applyHostSide(target, spec);
  t.deepEqual(waiting, { ...waiting, lines: [], pending: ['vpp1'] });
  t.deepEqual((await ipJson('-n', ns.name, 'route', 'show')), []);
  // what VPP's tap_create_v2 leaves on the host: a bare TAP named vpp1
  await ip('-n', ns.name, 'tuntap', 'add', 'dev', 'vpp1', 'mode', 'tap');
  const applied = await applyHostSide(target, spec);
  t.deepEqual(applied.pending, []);
  const state = await readHostNet(target);
  t.like(state.links.get('vpp1'), { up: true, mtu: 1400, kind: 'tun', addresses: ['172.30.1.2/24'] });
  t.deepEqual(state.routes.filter((r) => r.gateway !== undefined), [{ dst: '10.1.0.0/16', dev: 'vpp1', gateway: '172.30.1.1', protocol: 'boot' }]);
  t.deepEqual((await applyHostSide(target, spec)).lines, []);
});

test('hostIPs are the IPv4 addresses of the namespace\'s links except loopback, docker, virbr and vpp ones', async (t) => {
  const ns = await tempNetns(t, 'hips');
  for (const [name, addr] of [['eth9', '198.51.100.7/24'], ['docker0', '172.17.0.1/16'], ['vpp1', '172.30.1.2/24'], ['br-x', '203.0.113.5/28']] as const) {
    await ip('-n', ns.name, 'tuntap', 'add', 'dev', name, 'mode', 'tap');
    await ip('-n', ns.name, 'addr', 'add', addr, 'dev', name);
  }
  await ip('-n', ns.name, 'link', 'set', 'dev', 'lo', 'up');
  await ip('-n', ns.name, 'addr', 'add', '198.51.100.8/24', 'dev', 'eth9');
  t.deepEqual(hostIPsOf(await readHostNet(parseNetnsPath(ns.path))), ['198.51.100.7', '198.51.100.8', '203.0.113.5']);
});

test('hostNetns is the agent\'s own namespace by default and must otherwise be a plain netns path', (t) => {
  t.is(nodeConfig({}).hostNetns, '');
  t.is(nodeConfig({ hostNetns: '/var/run/netns/host' }).hostNetns, '/var/run/netns/host');
  for (const bad of ['host', '/var/run/netns/../x', '/var/run/netns/a b']) {
    const { config, problems } = compileConfig({ nodeName: 'n', hostNetns: bad }, { hostname: 'n' });
    t.is(config, undefined, bad);
    t.like(problems.find((p) => p.key === 'hostNetns'), { severity: 'error', value: bad });
  }
});

test('STN: the host end takes the static MAC and the stolen NIC\'s address, and routes pods via the STN gateway', (t) => {
  const config = nodeConfig({ stealInterface: 'eth1', nodeConfig: [{ nodeName: 'host-node', mainVPPInterface: { interfaceName: 'GigabitEthernet0/8/0' } }] });
  const addressing = new NodeAddressing(config.ipamConfig, 1, { staticGateway: undefined });
  const stn = { ips: ['192.168.16.10/24'], gateway: '192.168.16.1', routes: [] };
  const spec = hostSideFrom(hostInterconnectItems(config, localNodeInput(config, addressing, { firstDpdkNic: '', hostIPs: [], stn })));
  const bare = { name: 'vpp1', mtu: 1500, mac: '02:fe:00:00:00:01', up: false, kind: 'tun', addresses: [] };
  t.deepEqual(planHostSide(spec, { links: new Map([['vpp1', bare]]), routes: [] }), {
    pending: [],
    lines: [
      'link set dev vpp1 address 00:00:00:00:00:02', 'link set dev vpp1 up',
      'addr replace 192.168.16.10/24 dev vpp1', 'route replace 10.1.0.0/16 via 192.168.16.1 dev vpp1',
    ],
  });
});

/**
 * The agent's host step, in process with the production steps, as root: a throwaway netns
 * plays the host, and the simulated VPP behind a real bridge creates its TAP's host end
 * (`vpp1`) there, as a real VPP does in the host namespace. Observed with `ip -j`.
 */
import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import { startAgent } from '../../src/actors/agent.js';
import { hostStep, type HostHandle } from '../../src/actors/host-step.js';
import { podsStep, type PodsHandle } from '../../src/actors/pods-step.js';
import { coreSteps, type AgentState } from '../../src/actors/steps.js';
import { vppStep, type VppHandle } from '../../src/actors/vpp-step.js';
import { compileConfig, formatProblem, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/util/log.js';
import { linuxTapHost } from '../../src/vpp/sim/linux-host.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { startBridge, tempDir } from '../bridge/harness.js';
import { ip, ipJson, tempNetns } from '../cni/_harness.js';
import { until } from '../helpers/until.js';

type Json = Record<string, unknown>;

/**
 * A throwaway netns as host, a simulated VPP creating its TAP host ends there (unless
 * `linuxHost` is false: then its TAPs have no host end, as while a real VPP lags), behind a
 * real bridge.
 */
async function hostAndVpp(t: ExecutionContext, label: string, raw: Json, { linuxHost = true } = {}) {
  const ns = await tempNetns(t, label);
  const hostErrors: string[] = [];
  const sim = new VppSimulator(linuxHost ? { host: linuxTapHost((err) => hostErrors.push(err.message), { hostNetns: ns.name }) } : {});
  t.teardown(() => sim.close());
  const dir = await tempDir(t, 'ipnet-host-');
  const bridge = await startBridge(t, sim, dir);
  const { config, problems } = compileConfig({
    nodeName: 'host-node', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' },
    store: { type: 'embedded', path: join(dir, 'store.json') }, vppBridge: { endpoint: bridge.endpoint },
    http: { port: 0 }, cni: { socket: join(dir, 'cni.sock') }, hostNetns: ns.path, ...raw,
  }, { hostname: 'host-node' });
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  return { ns, sim, config, hostErrors };
}

/** Starts the agent in process with the production steps (pod netns untouched); stopped at teardown. */
async function startHostAgent(t: ExecutionContext, config: Config) {
  const state: AgentState = {};
  const vpp: VppHandle = {};
  const host: HostHandle = {};
  const pods: PodsHandle = {};
  const agent = await startAgent(config, createLogger('host-test', 'silent'),
    [...coreSteps(state), vppStep(vpp), hostStep(state, vpp, host), podsStep(state, vpp, pods, { netns: false })]);
  t.teardown(() => agent.stop());
  await agent.started;
  return { agent, host };
}

async function agentWithHostNetns(t: ExecutionContext, label: string, raw: Json) {
  const env = await hostAndVpp(t, label, raw);
  return { ...env, ...(await startHostAgent(t, env.config)) };
}

/** Polls `ip -j addr show dev vpp1` until it carries `cidr` (the agent retries in the background). */
async function vpp1WithAddress(ns: string, cidr: string): Promise<Json> {
  const end = Date.now() + 30_000;
  for (;;) {
    const [link] = await ipJson('-n', ns, '-d', 'addr', 'show', 'dev', 'vpp1').catch(() => []);
    const addrs = ((link?.addr_info as Json[] | undefined) ?? []).map((a) => `${String(a.local)}/${String(a.prefixlen)}`);
    if (link && addrs.includes(cidr)) return link;
    if (Date.now() > end) throw new Error(`vpp1 in ${ns} has no ${cidr} after 30 s: ${JSON.stringify(link)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function gatewayRoutes(ns: string): Promise<string[][]> {
  return (await ipJson('-n', ns, 'route', 'show')).filter((r) => r.gateway !== undefined).map((r) => [String(r.dst), String(r.gateway), String(r.dev)]).sort();
}

function simInterface(sim: VppSimulator, match: (i: Json) => boolean): Json | undefined {
  return (sim.dump().interfaces as Json[]).find(match);
}

const flagsOf = (l: Json | undefined) => (l?.flags as string[] | undefined) ?? [];

test.serial('TAP mode: the host end VPP creates gets hostIP/len, MTU, up and the routes to pods and services via vppIP; again after a VPP restart', async (t) => {
  const { ns, sim, host, hostErrors } = await agentWithHostNetns(t, 'agtap', { mtuSize: 1450, routeServiceCIDRToVPP: true });
  // node 1: host-interconnect 172.30.1.0/24, VPP .1, host .2
  const link = await vpp1WithAddress(ns.name, '172.30.1.2/24');
  t.true(flagsOf(link).includes('UP'));
  t.is(link.mtu, 1450);
  t.is((link.linkinfo as Json).info_kind, 'tun');
  const want = [['10.1.0.0/16', '172.30.1.1', 'vpp1'], ['10.96.0.0/12', '172.30.1.1', 'vpp1']];
  t.deepEqual(await gatewayRoutes(ns.name), want);
  // the host's kernel now sends a pod on another node and a service to VPP, from hostIP
  for (const dst of ['10.1.2.7', '10.96.0.10']) {
    t.like((await ipJson('-n', ns.name, 'route', 'get', dst))[0], { gateway: '172.30.1.1', dev: 'vpp1', prefsrc: '172.30.1.2' }, dst);
  }
  // VPP's end of the same interconnect, as the simulator holds it
  t.like(simInterface(sim, (i) => i.tag === 'tap-vpp2'), { addresses: ['172.30.1.1/24'], tap: { hostIfName: 'vpp1' } });

  const side = host.side;
  if (!side) return t.fail('the host step did not start');
  const before = await ip('-n', ns.name, '-d', 'addr', 'show');
  t.deepEqual((await side.converge()).lines, []);
  t.is(await ip('-n', ns.name, '-d', 'addr', 'show'), before);

  // a restarted VPP takes vpp1 with it and creates it bare in its resync
  sim.restart();
  const again = await vpp1WithAddress(ns.name, '172.30.1.2/24');
  t.not(again.ifindex, link.ifindex);
  t.true(flagsOf(again).includes('UP'));
  t.deepEqual(await gatewayRoutes(ns.name), want);
  t.deepEqual(hostErrors, []);
});

test.serial('VETH mode: the agent creates the pair before VPP binds AF_PACKET to vpp2, with the host end configured', async (t) => {
  const { ns, sim, host } = await agentWithHostNetns(t, 'agveth', { useTAPInterfaces: false });
  const [vpp1] = await ipJson('-n', ns.name, '-d', 'addr', 'show', 'dev', 'vpp1');
  const [vpp2] = await ipJson('-n', ns.name, '-d', 'link', 'show', 'dev', 'vpp2');
  t.is((vpp1?.linkinfo as Json).info_kind, 'veth');
  t.is(vpp1?.link, 'vpp2');
  t.true(flagsOf(vpp1).includes('UP'));
  t.true(flagsOf(vpp2).includes('UP'));
  t.deepEqual((vpp1?.addr_info as Json[]).filter((a) => a.family === 'inet').map((a) => `${String(a.local)}/${String(a.prefixlen)}`), ['172.30.1.2/24']);
  t.deepEqual(await gatewayRoutes(ns.name), [['10.1.0.0/16', '172.30.1.1', 'vpp1']]);
  t.like(simInterface(sim, (i) => i.name === 'host-vpp2'), { addresses: ['172.30.1.1/24'], hostIfName: 'vpp2' });
  t.deepEqual((await host.side?.converge())?.lines, []);
});

test.serial('a restarted agent reads the converged host side and changes nothing', async (t) => {
  const { ns, config } = await hostAndVpp(t, 'agrst', {});
  const first = await startHostAgent(t, config);
  const link = await vpp1WithAddress(ns.name, '172.30.1.2/24');
  t.deepEqual(await gatewayRoutes(ns.name), [['10.1.0.0/16', '172.30.1.1', 'vpp1']]);
  t.true((first.host.side?.changes ?? 0) > 0);
  await first.agent.stop();

  const before = await ip('-n', ns.name, '-d', 'addr', 'show');
  const second = await startHostAgent(t, config);
  // its start-up read (and the startup resync's) found the host side as the node wants it
  t.like(second.host.side, { changes: 0 });
  t.true((second.host.side?.runs ?? 0) >= 1);
  t.is(await ip('-n', ns.name, '-d', 'addr', 'show'), before);
  const [same] = await ipJson('-n', ns.name, 'link', 'show', 'dev', 'vpp1');
  t.is(same?.ifindex, link.ifindex);
});

test.serial('host IPs read from the host namespace become VPP routes to the host over the interconnect', async (t) => {
  const { ns, sim, config } = await hostAndVpp(t, 'aghips', { useTAPInterfaces: false });
  // a NIC of the host (a veth end: no dummy module here) with an address; vpp* and lo* links are not host IPs
  await ip('-n', ns.name, 'link', 'add', 'eth9', 'type', 'veth', 'peer', 'name', 'eth9p');
  await ip('-n', ns.name, 'addr', 'add', '10.250.0.5/24', 'dev', 'eth9');
  const { host } = await startHostAgent(t, config);
  t.deepEqual(host.side?.hostIPs, ['10.250.0.5']);
  const dump = sim.dump() as { interfaces: Json[]; tables: { fib: { prefix: string; paths: { nh: string; swIfIndex: number }[] }[] }[] };
  const vpp2 = dump.interfaces.find((i) => i.name === 'host-vpp2');
  const route = dump.tables.flatMap((tb) => tb.fib).find((r) => r.prefix === '10.250.0.5/32');
  t.like(route?.paths[0], { nh: '172.30.1.2', swIfIndex: vpp2?.swIfIndex });
});

test.serial('TAP mode with a VPP that never creates its link: the host side stays pending and is retried after the startup resync', async (t) => {
  const { ns, config } = await hostAndVpp(t, 'agnolink', {}, { linuxHost: false });
  const { host } = await startHostAgent(t, config);
  const side = host.side;
  if (!side) return t.fail('the host step did not start');
  t.deepEqual(side.pending, ['vpp1']);
  const runs = side.runs;
  await until('another try after start-up', () => side.runs > runs + 1, 10_000);
  t.deepEqual(side.pending, ['vpp1']);
  t.deepEqual(await ipJson('-n', ns.name, 'link', 'show', 'dev', 'vpp1').catch(() => []), []);
});

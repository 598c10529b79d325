// The agent dumps VPP as soon as it connects and its startup resync goes by that dump
// (src/vpp/retrieve/early-dump.ts). A VPP restart between the two must void it: the resync
// then dumps the new, empty VPP and wires everything again, where the old dump would have
// said all was in place and written nothing.
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type StartupStep } from '../../src/actors/agent.js';
import { podsStep, type PodsHandle } from '../../src/actors/pods-step.js';
import { coreSteps, type AgentState } from '../../src/actors/steps.js';
import { vppStep, type VppHandle } from '../../src/actors/vpp-step.js';
import { compileConfig, formatProblem } from '../../src/config/index.js';
import { createLogger } from '../../src/util/log.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { nextEvent, startBridge } from '../bridge/harness.js';
import { sandbox } from '../helpers/in-process-agent.js';

/** An agent as src/main/agent.ts composes it, on `endpoint`, with `between` run after the vpp step. */
async function agentOn(t: ExecutionContext, dir: string, endpoint: string, between?: (vpp: VppHandle) => Promise<void>) {
  const { config, problems } = compileConfig({
    nodeName: 'worker-1', ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' }, store: { type: 'embedded', path: join(dir, 'store.json') },
    vppBridge: { endpoint }, http: { port: 0 }, cni: { socket: join(dir, 'cni.sock') },
  }, { hostname: 'worker-1' });
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  const state: AgentState = {};
  const vpp: VppHandle = {};
  const pods: PodsHandle = {};
  const hook: StartupStep[] = between ? [{ name: 'between', run: () => between(vpp) }] : [];
  const agent = await startAgent(config, createLogger('test-agent', 'silent'), [...coreSteps(state), vppStep(vpp), ...hook, podsStep(state, vpp, pods, { netns: false })]);
  t.teardown(() => agent.stop());
  await agent.started;
  return { agent, vpp, pods };
}

/** Interfaces VPP holds with a tag (ipnet's), by tag. */
function taggedInterfaces(sim: VppSimulator): string[] {
  return (sim.dump() as { interfaces: { tag: string }[] }).interfaces.map((i) => i.tag).filter((tag) => tag !== '').sort();
}

test('a VPP restart after the early dump voids it: the startup resync wires the node and its pod into the new VPP', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-early-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const sim = new VppSimulator({ seed: 5 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, sim);

  const first = await agentOn(t, dir, bridge.endpoint);
  await first.pods.pods?.add('default/web', sandbox(1));
  const wired = taggedInterfaces(sim);
  t.true(wired.length > 3, `VPP holds the node's and the pod's interfaces: ${wired.join(' ')}`);
  await first.agent.stop();

  const second = await agentOn(t, dir, bridge.endpoint, async (vpp) => {
    // the early dump saw everything in place; then VPP restarts empty
    t.true(await vpp.earlyDump?.settled());
    const client = vpp.client;
    if (client === undefined) throw new Error('no VPP client');
    const restarted = nextEvent(client, 'restart');
    sim.restart();
    await restarted;
  });
  t.deepEqual(taggedInterfaces(sim), wired);
  t.true((second.pods.dataplane?.writes ?? 0) > 0);
});

/**
 * The agent composed in this process exactly as `src/main/agent.ts` composes it, on an embedded
 * store and the embedded bridge + simulator, with pod network namespaces left alone
 * (`netns: false`): the VPP side, IPAM, pod records, HTTP and every actor are the real ones.
 */
import type { ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type Agent } from '../../src/actors/agent.js';
import { podsStep, type PodsHandle } from '../../src/actors/pods-step.js';
import { coreSteps, type AgentState } from '../../src/actors/steps.js';
import { vppStep, type VppHandle } from '../../src/actors/vpp-step.js';
import { compileConfig, formatProblem } from '../../src/config/index.js';
import { createLogger } from '../../src/util/log.js';

/** A started agent, its HTTP base URL and the handles its steps filled. */
export interface InProcessAgent {
  readonly agent: Agent;
  readonly base: string;
  readonly vpp: VppHandle;
  readonly pods: PodsHandle;
}

/** Starts an agent on node `worker-1` with `extra` config merged in; stopped and removed at teardown. */
export async function startInProcessAgent(t: ExecutionContext, extra: Record<string, unknown> = {}): Promise<InProcessAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-inproc-'));
  const raw = {
    nodeName: 'worker-1',
    ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' },
    store: { type: 'embedded', path: join(dir, 'store.json') },
    http: { port: 0 },
    cni: { socket: join(dir, 'cni.sock') },
    ...extra,
  };
  const { config, problems } = compileConfig(raw, { hostname: 'worker-1' });
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  const state: AgentState = {};
  const vpp: VppHandle = {};
  const pods: PodsHandle = {};
  const agent = await startAgent(config, createLogger('test-agent', 'silent'), [...coreSteps(state), vppStep(vpp), podsStep(state, vpp, pods, { netns: false })]);
  t.teardown(async () => {
    await agent.stop();
    await rm(dir, { recursive: true, force: true });
  });
  // a start that failed releases what it opened (the store's lock) for the next agent of the test
  await agent.started.catch(async (err: unknown) => {
    await agent.stop();
    throw err;
  });
  return { agent, base: `http://127.0.0.1:${agent.http.port}`, vpp, pods };
}

/** A pod sandbox: a 64-hex container ID and a netns path the agent never opens (`netns: false`). */
export function sandbox(n: number): { containerId: string; netns: string; ifName: string } {
  return { containerId: n.toString(16).padStart(8, '0').repeat(8), netns: `/var/run/netns/test-${n}`, ifName: 'eth0' };
}

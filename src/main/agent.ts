/**
 * `ipnet-agent`: loads the config once, starts the agent, and stops it cleanly on
 * SIGTERM/SIGINT within two seconds (kubelet's grace period is longer; ours is a promise).
 */
import { formatProblem, loadConfigFile, processConfigEnv, runCheckConfig } from '../config/index.js';
import { startAgent } from '../actors/agent.js';
import { coreSteps, type AgentState } from '../actors/steps.js';
import { vppStep, type VppHandle } from '../actors/vpp-step.js';
import { podsStep, type PodsHandle } from '../actors/pods-step.js';
import { hostStep } from '../actors/host-step.js';
import { createLogger } from '../util/log.js';

const usage = `usage: ipnet-agent [--config FILE] [--check-config]

  --config FILE    YAML config (contiv keys + ipnet's own); default: built-in defaults
                   (also from env IPNET_CONFIG or CONTIV_CONFIG)
  --check-config   print every problem of the config and exit: 2 on any error, 0 when valid`;

/** Parsed command line. */
interface Args {
  config: string | undefined;
  checkOnly: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { config: process.env['IPNET_CONFIG'] ?? process.env['CONTIV_CONFIG'], checkOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--config' || a === '-contiv-config' || a === '--contiv-config') {
      const v = argv[++i];
      if (!v) return `${a} needs a file name`;
      args.config = v;
    } else if (a.startsWith('--config=') || a.startsWith('-contiv-config=')) {
      args.config = a.slice(a.indexOf('=') + 1);
    } else if (a === '--check-config') {
      args.checkOnly = true;
    } else if (a === '--help' || a === '-h') {
      return '';
    } else {
      return `unknown argument: ${a}`;
    }
  }
  return args;
}

/** Entry point called by bin/ipnet-agent.js. */
export async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args ? args + '\n\n' : ''}${usage}\n`);
    process.exitCode = args ? 2 : 0;
    return;
  }
  const env = processConfigEnv();
  if (args.checkOnly) {
    process.exitCode = await runCheckConfig(args.config ?? '', env, (line) => process.stdout.write(line + '\n'));
    return;
  }
  const log = createLogger('ipnet-agent');
  const { config, problems } = await loadConfigFile(args.config, env);
  for (const p of problems) (p.severity === 'error' ? log.error : log.warn).call(log, { key: p.key }, formatProblem(p));
  if (!config) {
    process.exitCode = 2;
    return;
  }
  const state: AgentState = {};
  const vpp: VppHandle = {};
  const pods: PodsHandle = {};
  // pod namespaces (and the simulator's pod TAPs) are real only when the agent may create them
  const root = process.getuid?.() === 0;
  const agent = await startAgent(config, log, [...coreSteps(state), vppStep(vpp, { realPodTaps: root }), hostStep(state, vpp), podsStep(state, vpp, pods, { netns: root })]);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      log.error('clean stop took longer than 2 s; exiting anyway');
      process.exit(1);
    }, 2000);
    force.unref();
    void agent.stop().then(() => {
      clearTimeout(force);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  agent.started.catch((err: unknown) => {
    // start-up failures are fatal: the kubelet (or the operator) restarts the agent
    log.fatal({ err }, 'start-up failed');
    void agent.stop().finally(() => process.exit(1));
  });
}

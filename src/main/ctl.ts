/**
 * `ipnetctl`: the operator's view of a running agent over its HTTP endpoint
 * (IPAM, desired and actual VPP state, actors, event history, resync).
 */

/** Sub-commands and the agent path each one reads. */
const commands: Record<string, { method: 'GET' | 'POST'; path: string; help: string }> = {
  ipam: { method: 'GET', path: '/contiv/v1/ipam', help: 'this node\'s IPAM view (contiv-compatible)' },
  allocations: { method: 'GET', path: '/contiv/v1/ipam/allocations', help: 'pod IP allocations' },
  desired: { method: 'GET', path: '/ipnet/v1/desired', help: 'desired VPP items with their state' },
  vpp: { method: 'GET', path: '/ipnet/v1/vpp', help: 'what VPP holds now' },
  actors: { method: 'GET', path: '/ipnet/v1/actors', help: 'the actor tree and each machine\'s state' },
  history: { method: 'GET', path: '/controller/event-history', help: 'event history (filters pass through)' },
  resync: { method: 'POST', path: '/controller/resync', help: 'trigger a run-time resync' },
  health: { method: 'GET', path: '/readiness', help: 'readiness of the agent' },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.help}`);
  return ['usage: ipnetctl [--agent http://127.0.0.1:9999] <command> [key=value…]', '', ...lines].join('\n');
}

/** Entry point called by bin/ipnetctl.js. */
export async function main(argv: string[]): Promise<void> {
  let agent = process.env['IPNET_AGENT'] ?? 'http://127.0.0.1:9999';
  const args = [...argv];
  const i = args.indexOf('--agent');
  if (i >= 0) {
    agent = args[i + 1] ?? agent;
    args.splice(i, 2);
  }
  const [name, ...params] = args;
  const cmd = name ? commands[name] : undefined;
  if (!cmd) {
    console.error(name && name !== '--help' ? `unknown command: ${name}\n\n${usage()}` : usage());
    process.exitCode = name === '--help' ? 0 : 2;
    return;
  }
  const url = new URL(cmd.path, agent);
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0) url.searchParams.set(p.slice(0, eq), p.slice(eq + 1));
  }
  try {
    const res = await fetch(url, { method: cmd.method, signal: AbortSignal.timeout(5000) });
    process.stdout.write(await res.text());
    if (!res.ok) process.exitCode = 1;
  } catch (err) {
    console.error(`failed to reach the agent at ${agent}: ${(err as Error).message}`);
    process.exitCode = 3;
  }
}

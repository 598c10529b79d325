/** Runs the real `ipnet-agent` executable as a child process for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests spawn the same bin/ files an operator runs). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A free loopback TCP port (bound once, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A running agent process and what the test needs to talk to it. */
export interface AgentProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly dir: string;
  readonly output: () => string;
  /** Sends SIGTERM and resolves with the exit code and the milliseconds it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** Writes `yaml` (with `{{dir}}`/`{{port}}` filled in) to a temp dir and starts the agent on it. */
export async function startAgentProcess(yaml: string, dir?: string): Promise<AgentProcess> {
  const workDir = dir ?? (await mkdtemp(join(tmpdir(), 'ipnet-agent-')));
  // the free port is released before the agent binds it: a test running beside this one may
  // take it first (seen once in CI), and the agent then exits before it listens. Another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(yaml, workDir, await freePort());
    } catch (err) {
      if (attempt >= 3 || !(err as Error).message.includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(yaml: string, workDir: string, port: number): Promise<AgentProcess> {
  const configPath = join(workDir, 'ipnet.yaml');
  await writeFile(configPath, yaml.replaceAll('{{dir}}', workDir).replaceAll('{{port}}', String(port)));
  // IPNET_TEST_AGENT_BIN runs these tests against a build instead (`node scripts/bench-tree.js <dir> tsconfig.build.json`)
  const bin = process.env.IPNET_TEST_AGENT_BIN ?? join(repoRoot, 'bin/ipnet-agent.js');
  const child = spawn(process.execPath, [bin, '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${base}/readiness`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`agent not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    dir: workDir,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        const t0 = performance.now();
        if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
        child.once('exit', (code) => resolve({ code, ms: performance.now() - t0 }));
        child.kill('SIGTERM');
      }),
  };
}

/** Removes a temp dir made for an agent. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Config of an agent driving the VPP behind `bridge`, on an embedded store in its temp dir unless `store` (YAML) says otherwise. */
export function bridgedAgentYaml(nodeName: string, bridge: string, store = '{ type: embedded, path: "{{dir}}/store.json" }'): string {
  return `
nodeName: ${nodeName}
ipamConfig:
  nodeInterconnectCIDR: 192.168.16.0/24
store: ${store}
vppBridge: { endpoint: "${bridge}" }
http: { port: {{port}} }
cni: { socket: "{{dir}}/cni.sock" }
`;
}

/** Config of a standalone agent (embedded simulated VPP and store in its temp dir), plus `extra` YAML. */
export function standaloneAgentYaml(extra = ''): string {
  return `
nodeName: worker-1
ipamConfig:
  nodeInterconnectCIDR: 192.168.16.0/24
store: { type: embedded, path: "{{dir}}/store.json" }
http: { port: {{port}} }
cni: { socket: "{{dir}}/cni.sock" }
${extra}`;
}

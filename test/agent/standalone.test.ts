import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeDir, repoRoot, standaloneAgentYaml, startAgentProcess } from '../helpers/agent.js';

const run = promisify(execFile);

const standalone = standaloneAgentYaml();

test('the standalone agent serves health and the contiv IPAM view with node ID 1, and keeps it across a restart', async (t) => {
  const agent = await startAgentProcess(standalone);
  t.teardown(() => removeDir(agent.dir));
  try {
    t.deepEqual(await (await fetch(`${agent.base}/liveness`)).json(), { alive: true });
    const res = await fetch(`${agent.base}/contiv/v1/ipam`);
    t.is(res.status, 200);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    t.deepEqual(Object.keys(body), ['nodeId', 'nodeName', 'nodeIP', 'podSubnetThisNode', 'vppHostNetwork', 'config']);
    t.like(body, { nodeId: 1, nodeName: 'worker-1', nodeIP: '192.168.16.1', podSubnetThisNode: '10.1.1.0/24', vppHostNetwork: '172.30.1.0/24' });
    t.true(text.startsWith('{\n  "nodeId": 1,'), 'pretty-printed as the original');
    t.deepEqual(await (await fetch(`${agent.base}/contiv/v1/ipam/allocations`)).json(), { Pods: null });
    t.is((await fetch(`${agent.base}/no/such/path`)).status, 404);
    // embedded mode: the in-process bridge + simulator answered show_version over ZeroMQ
    t.like(await (await fetch(`${agent.base}/ipnet/v1/vpp/version`)).json(), { program: 'vpe', version: '24.02-release' });
  } finally {
    const { code, ms } = await agent.stop();
    t.is(code, 0, agent.output());
    t.true(ms < 2000, `stop took ${ms} ms`);
  }
  // same store file: the node keeps its identity
  const again = await startAgentProcess(standalone, agent.dir);
  try {
    const body = (await (await fetch(`${again.base}/contiv/v1/ipam`)).json()) as { nodeId: number };
    t.is(body.nodeId, 1);
  } finally {
    await again.stop();
  }
});

test('the agent listens on 127.0.0.1 unless configured otherwise', async (t) => {
  const agent = await startAgentProcess(standalone);
  t.teardown(() => removeDir(agent.dir));
  try {
    const { stdout } = await run('ss', ['-ltnH']);
    const port = new URL(agent.base).port;
    const lines = stdout.split('\n').filter((l) => l.includes(`:${port} `));
    t.true(lines.length > 0, stdout);
    for (const l of lines) t.regex(l, new RegExp(`127\\.0\\.0\\.1:${port}\\b`));
  } finally {
    await agent.stop();
  }
});

test('--check-config prints every problem with its key and exits 2, and exits 0 for the shipped configs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-check-'));
  t.teardown(() => removeDir(dir));
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'ipamConfig:\n  podSubnetCIDR: 10.1.0.0/33\ntapInterfaceVersion: 3\nmtuSize: -1\n');
  const err = await run(process.execPath, [join(repoRoot, 'bin/ipnet-agent.js'), '--config', bad, '--check-config']).catch((e: { code: number; stdout: string }) => e);
  t.is((err as { code: number }).code, 2);
  const out = (err as { stdout: string }).stdout;
  t.regex(out, /ipamConfig\.podSubnetCIDR/);
  t.regex(out, /tapInterfaceVersion/);
  t.regex(out, /mtuSize/);
  for (const file of ['config/defaults.yaml', 'config/contiv-example.yaml', 'config/standalone.yaml']) {
    const ok = await run(process.execPath, [join(repoRoot, 'bin/ipnet-agent.js'), '--config', join(repoRoot, file), '--check-config']);
    t.regex(ok.stdout, /valid/, file);
  }
});

test('a config with errors stops the agent before it listens, exit code 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-bad-'));
  t.teardown(() => removeDir(dir));
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'store: { type: zookeeper }\n');
  const err = await run(process.execPath, [join(repoRoot, 'bin/ipnet-agent.js'), '--config', bad]).catch((e: { code: number; stderr: string }) => e);
  t.is((err as { code: number }).code, 2);
  t.regex((err as { stderr: string }).stderr, /store\.type/);
});

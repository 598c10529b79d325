/**
 * `npm run bench cni`: wall time of ADD and DEL as kubelet sees it (exec of the plugin until
 * it exits), ipnet-cni (C forwarder → agent socket → pod netns wiring) beside the reference
 * `bridge` + `host-local` plugins measured in the same run, interleaved, each in a fresh
 * netns created and deleted outside the timed part.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCniServer } from '../src/sources/cni/server.js';
import { NetnsHandler } from '../test/cni/_pod-handler.js';
import { containerId, ensurePlugin } from '../test/cni/_harness.js';
import { figure, fmt, percentile, report } from './stats.js';

const run = promisify(execFile);
const RUNS = 50;
const REF_DIR = '/usr/lib/cni';
const SUITE = 'cni';

/** Runs a plugin like kubelet does and returns wall milliseconds; throws on a non-zero exit. */
function exec(binary: string, env: Record<string, string>, stdin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(binary, [], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${binary} ${env.CNI_COMMAND} exited ${code}: ${out}`));
    });
    child.stdin.end(stdin);
  });
}

function line(name: string, ms: number[]): void {
  report(SUITE, name, ms, `median=${fmt(percentile(ms, 50))} p90=${fmt(percentile(ms, 90))}`);
}

export default async function (): Promise<void> {
  const plugin = await ensurePlugin();
  const dir = await mkdtemp(join(tmpdir(), 'ipnet-cni-bench-'));
  const socket = join(dir, 'cni.sock');
  const server = await startCniServer({ socketPath: socket, handler: new NetnsHandler({ prefix: '10.79.1' }) });
  const haveRef = existsSync(join(REF_DIR, 'bridge')) && existsSync(join(REF_DIR, 'host-local'));
  const bridge = `ipnb${process.pid % 100000}`;
  const ipnetConf = JSON.stringify({ cniVersion: '1.0.0', name: 'ipnet-bench', type: 'ipnet-cni', agentSocket: socket });
  const refConf = JSON.stringify({
    cniVersion: '1.0.0', name: 'ref-bench', type: 'bridge', bridge, isGateway: true, ipMasq: false,
    ipam: { type: 'host-local', subnet: '10.79.2.0/24', dataDir: join(dir, 'host-local') },
  });
  const times = { ipnetAdd: [] as number[], ipnetDel: [] as number[], refAdd: [] as number[], refDel: [] as number[], version: [] as number[] };
  const ns = `ipnb-${process.pid}`;
  try {
    for (let i = 0; i < RUNS; i++) {
      const sets: [string, string, string, number[], number[]][] = [[plugin, ipnetConf, '/opt/cni/bin', times.ipnetAdd, times.ipnetDel]];
      if (haveRef) sets.push([join(REF_DIR, 'bridge'), refConf, REF_DIR, times.refAdd, times.refDel]);
      for (const [binary, conf, cniPath, adds, dels] of sets) {
        await run('ip', ['netns', 'add', ns]);
        try {
          const cid = containerId();
          const env = {
            CNI_CONTAINERID: cid, CNI_NETNS: `/var/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: cniPath,
            CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=pod-${i}`,
          };
          adds.push(await exec(binary, { ...env, CNI_COMMAND: 'ADD' }, conf));
          dels.push(await exec(binary, { ...env, CNI_COMMAND: 'DEL' }, conf));
        } finally {
          await run('ip', ['netns', 'del', ns]).catch(() => undefined);
        }
      }
      times.version.push(await exec(plugin, { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}'));
    }
  } finally {
    await server.close();
    if (haveRef) await run('ip', ['link', 'del', 'dev', bridge]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  line('ipnet-cni ADD (forwarder+agent+veth wiring)', times.ipnetAdd);
  line('ipnet-cni DEL', times.ipnetDel);
  line('ipnet-cni VERSION (exec only, no agent)', times.version);
  if (haveRef) {
    line('reference bridge+host-local ADD', times.refAdd);
    line('reference bridge+host-local DEL', times.refDel);
    figure(SUITE, 'ADD median ratio ipnet/reference', (percentile(times.ipnetAdd, 50) / percentile(times.refAdd, 50)).toFixed(2));
  } else {
    figure(SUITE, 'reference bridge+host-local', `not measured: ${REF_DIR}/bridge or host-local absent (Debian containernetworking-plugins)`);
  }
}

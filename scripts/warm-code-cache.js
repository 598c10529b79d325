// Writes the agent's V8 code cache (dist/app/main/agent.cjs.v8cache, see bin/code-cache.js) at
// image build time: a restarted container starts from the image, so a cache the agent writes
// at run time is gone by its next start. Runs the built agent once on the standalone config
// (simulated VPP, a store in a temporary directory) until it is ready, stops it cleanly,
// and fails unless the cache is there. Usage: node scripts/warm-code-cache.js
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout, clearTimeout } from 'node:timers';
import { join } from 'node:path';

const cache = join('dist', 'app', 'main', 'agent.cjs.v8cache');
const dir = mkdtempSync(join(tmpdir(), 'ipnet-warm-'));
const config = join(dir, 'ipnet.yaml');
// the standalone config with everything it writes kept in the temporary directory
writeFileSync(config, JSON.stringify({
  nodeName: 'warm-up',
  ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24' },
  store: { type: 'embedded', path: join(dir, 'store.json') },
  vppBridge: { endpoint: 'embedded' },
  cni: { socket: join(dir, 'cni.sock') },
  http: { port: 0 },
}));
try {
  rmSync(cache, { force: true });
  const child = spawn(process.execPath, [join('bin', 'ipnet-agent.js'), '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const code = await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent not ready within 60 s:\n${log}`));
    }, 60_000);
    child.stderr.on('data', (d) => {
      log += d;
      if (log.includes('"msg":"agent ready"')) child.kill('SIGTERM');
    });
    child.once('exit', (c) => {
      clearTimeout(deadline);
      resolve(c);
    });
  });
  if (code !== 0 || !existsSync(cache)) throw new Error(`agent exited with ${code} and ${existsSync(cache) ? 'a' : 'no'} code cache:\n${log}`);
  process.stdout.write(`code cache written: ${cache}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

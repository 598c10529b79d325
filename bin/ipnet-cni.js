#!/usr/bin/env node
// `npx ipnet-cni` convenience: runs the compiled C forwarder (native/build/ipnet-cni), building
// it first when missing. kubelet should exec the binary itself (see config/cni/INSTALL.md):
// this wrapper adds Node's start-up time to every call.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binary = join(root, 'native', 'build', 'ipnet-cni');
if (!existsSync(binary)) {
  const built = spawnSync('sh', [join(root, 'native', 'build.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stdout.write(JSON.stringify({ cniVersion: '1.1.0', code: 5, msg: 'failed to build the ipnet-cni forwarder', details: 'native/build.sh failed' }));
    process.exit(1);
  }
}
const run = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(run.status ?? 1);

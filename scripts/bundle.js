// Second build step: joins tsc's output for the programs (dist/src/main/*.js) into one module
// per program plus shared chunks (dist/app/). Node 20 resolves, reads, compiles and links every
// ES module file on its own; the agent's ~125 files cost ~200 ms more to import than the same
// code as a few files. Modules the agent imports on demand (Kubernetes, etcd, the simulator,
// the visualizer) stay separate chunks, loaded only when used; npm packages stay imports.
// Usage: node scripts/bundle.js [distDir]   (default: dist)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const dist = process.argv[2] ?? 'dist';
const mains = join(dist, 'src', 'main');
const entryPoints = readdirSync(mains).filter((f) => f.endsWith('.js')).map((f) => join(mains, f));
await build({
  entryPoints,
  outbase: join(dist, 'src'),
  outdir: join(dist, 'app'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // tsc's maps are read in, so a trace under --enable-source-maps still names the .ts line
  sourcemap: 'linked',
  logLevel: 'warning',
});

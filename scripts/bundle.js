// Second build step: joins tsc's output for the programs (dist/src/main/*.js) into one module
// per program plus shared chunks (dist/app/). Node 20 resolves, reads, compiles and links every
// ES module file on its own; the agent's ~125 files cost ~200 ms more to import than the same
// code as a few files. Modules the agent imports on demand (Kubernetes, etcd, the simulator,
// the visualizer) stay separate chunks, loaded only when used.
// The pure-JS packages every program loads at start (`inlined`, with what they import) go into
// the bundle too: Node resolves and reads a package file by file, and lexes each CommonJS file
// an ES module imports for its names. Every other package stays an import, resolved from
// node_modules when loaded: zeromq is a native addon, and the packages behind the on-demand
// chunks (Kubernetes' client, etcd's gRPC) find files of their own at run time.
// Usage: node scripts/bundle.js [distDir]   (default: dist)
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const dist = process.argv[2] ?? 'dist';
const mains = join(dist, 'src', 'main');
const entryPoints = readdirSync(mains).filter((f) => f.endsWith('.js')).map((f) => join(mains, f));
const inlined = new Set(['ip-num', 'pino', 'xstate', 'yaml']);
// CommonJS packages left out that our code imports statically: loaded with `require`, since an
// ES module import of one makes Node lex its files for their names before running them
const required = new Set(['zeromq']);
const ours = resolve(dist) + sep;

/** `pkg` of `pkg/sub/path` and `@scope/pkg` of `@scope/pkg/sub/path`. */
const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

/** Whether `file` is tsc's output rather than a package's file. */
const isOurs = (file) => file.startsWith(ours) && !file.slice(ours.length).includes(`node_modules${sep}`);

/** A `createRequire(import.meta.url)('pkg')` call of our code (src/util/ip-num.ts says why it requires). */
const requireCall = /createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g;

/**
 * Our code's package imports stay imports unless inlined; an inlined package's own imports go
 * in with it. An inlined package our code loads with `createRequire` becomes a plain `require`,
 * which esbuild follows into the bundle (it does not follow a `createRequire` one). A `required`
 * package is imported through a module of one line that requires it.
 */
const inlinePackages = {
  name: 'inline-packages',
  setup(b) {
    b.onResolve({ filter: /.*/, namespace: 'required' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isOurs(args.importer) && required.has(args.path) && args.kind === 'import-statement') return { path: args.path, namespace: 'required' };
      if (isOurs(args.importer) && !inlined.has(packageOf(args.path))) return { path: args.path, external: true };
      return undefined;
    });
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!isOurs(args.path)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('createRequire(import.meta.url)(')) return undefined;
      const contents = text.replace(requireCall, (call, quote, specifier) => (inlined.has(packageOf(specifier)) ? `require(${quote}${specifier}${quote})` : call));
      return { contents, loader: 'js' };
    });
  },
};

await build({
  entryPoints,
  outbase: join(dist, 'src'),
  outdir: join(dist, 'app'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [inlinePackages],
  // CommonJS packages in an ES module bundle still `require` Node's built-in modules
  banner: { js: `import { createRequire as __ipnetCreateRequire } from 'node:module'; const require = __ipnetCreateRequire(import.meta.url);` },
  // tsc's maps are read in, so a trace under --enable-source-maps still names the .ts line
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The agent, which a restart waits on, also gets a CommonJS twin (`agent.cjs`, one file, no
// chunks): Node 20 runs a CommonJS script with a V8 code cache (bin/code-cache.js), an ES
// module without one. Its on-demand imports become requires of code already in the file, and
// its imports of packages plain requires (Node 20.19 requires ES module packages): V8 keeps no
// dynamic import callback in a code cache, so an `import()` failed on every start from the cache.
const twins = entryPoints.filter((e) => basename(e) === 'agent.js');
if (twins.length > 0) {
  await build({
    entryPoints: twins,
    outbase: join(dist, 'src'),
    outdir: join(dist, 'app'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [inlinePackages],
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__ipnetImportMetaUrl' },
    // strict, as the ES module bundle is: esbuild adds no directive when it turns ES modules into CommonJS
    banner: { js: `'use strict';\nconst __ipnetImportMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

// Runs a CommonJS bundle with a V8 code cache kept beside it (`<bundle>.v8cache`). Node 20 has
// no compile cache for ES modules, and compiling the agent's bundle on every start was ~60 ms
// of a spawned start-up (plus every function compiled again on first call); with the cache V8
// takes the bytecode of every function the last clean run compiled. V8 refuses a cache made
// by another V8 or under other flags, but of the source it checks only the length: a rebuilt
// bundle of the same length ran the old build's bytecode. So the file starts with a digest of
// the source it was made from, and a cache of other source is not handed to V8 at all. A
// refused or missing cache is written anew when the process ends cleanly (exit code 0, so a
// start that failed early leaves none), and a directory it cannot write to (a read-only
// image) only costs the compile.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** Bytes of the source digest at the head of a cache file. */
const DIGEST_BYTES = 32;

/** Runs `file` (a CommonJS bundle) as `require` would and returns its exports. */
export function requireWithCodeCache(file) {
  // Node reads no source map for a script compiled here: under --enable-source-maps the twin is
  // required as Node requires it (no cache), so a trace names the .ts line as under the ES bundle
  if (process.sourceMapsEnabled) return createRequire(import.meta.url)(file);
  const cacheFile = `${file}.v8cache`;
  const source = readFileSync(file);
  const digest = createHash('sha256').update(source).digest();
  let cachedData;
  try {
    const kept = readFileSync(cacheFile);
    if (kept.length > DIGEST_BYTES && digest.equals(kept.subarray(0, DIGEST_BYTES))) cachedData = kept.subarray(DIGEST_BYTES);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source.toString('utf8')), {
    filename: file,
    // no importModuleDynamically: V8 does not keep it in a code cache, so the twin is built
    // without `import()` (scripts/bundle.js) and one left in fails on every start alike
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', (code) => {
      if (code !== 0) return;
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        // 'wx': never through a file (or link) already there; readable by the agent's user only
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]), { flag: 'wx', mode: 0o600 });
        renameSync(tmp, cacheFile);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          // nothing was written
        }
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/**
 * Golden desired state for node 1 with peers 2, 3 and pods A, B, in TAP and VETH mode,
 * overlay and no-overlay. The fixtures were generated once and then read line by line
 * against spec ipnet-behaviour §6–§9 (keys, field names, values, dependencies); where they
 * differed the builders were fixed. Regenerate only deliberately: IPNET_UPDATE_GOLDEN=1.
 */
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { desiredState } from '../../src/desired/index.js';
import { goldenInputs, modeConfig } from './scenario.js';

const cases = [
  { file: 'tap-overlay.json', mode: 'tap', overlay: true },
  { file: 'tap-nooverlay.json', mode: 'tap', overlay: false },
  { file: 'veth-overlay.json', mode: 'veth', overlay: true },
  { file: 'veth-nooverlay.json', mode: 'veth', overlay: false },
] as const;

for (const c of cases) {
  test(`the ${c.mode} ${c.overlay ? 'overlay' : 'no-overlay'} desired state equals the checked-in ${c.file}`, async (t) => {
    const got = JSON.parse(JSON.stringify(desiredState(modeConfig(c.mode, c.overlay), goldenInputs))) as unknown;
    const path = fileURLToPath(new URL(`fixtures/${c.file}`, import.meta.url));
    if (process.env.IPNET_UPDATE_GOLDEN === '1') await writeFile(path, oneItemPerLine(got as Record<string, unknown>));
    const want = JSON.parse(await readFile(path, 'utf8')) as unknown;
    t.deepEqual(got, want);
  });
}

/** One item per line, so a reviewer reads the fixture against the spec row by row. */
function oneItemPerLine(o: Record<string, unknown>): string {
  const lines = Object.entries(o).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

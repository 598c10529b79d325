import test from 'ava';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** Lints a fixture as if it stood at `src/<rel>`, with the project's own config. */
async function lintAs(rel: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, ignore: false, overrideConfigFile: join(root, 'eslint.config.js') });
  const fixture = join(root, 'test/fixtures/lint/src', rel);
  const { readFile } = await import('node:fs/promises');
  const code = await readFile(fixture, 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(root, 'src', rel) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('an fs import in src/machines is rejected by the pure-layer rule', async (t) => {
  const messages = await lintAs('machines/bad.ts');
  t.true(messages.some((m) => m.startsWith('no-restricted-imports') && m.includes('pure layer')), messages.join('\n'));
});

test('an etcd3 import in src/ipam is rejected by the pure-layer rule', async (t) => {
  const messages = await lintAs('ipam/bad.ts');
  t.true(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
});

test('an xstate import in src/machines passes the pure-layer rule', async (t) => {
  const messages = await lintAs('machines/good.ts');
  t.deepEqual(messages, []);
});

test('a ws import in src/desired is rejected by the pure-layer rule', async (t) => {
  const messages = await lintAs('desired/bad-ws.ts');
  t.true(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
});

// Lint is fast on purpose (no type-aware rules: `tsc --noEmit` already type-checks).
// The one project rule: pure layers (machines, desired, ipam) import no I/O, so they stay
// testable as data and every effect is named and provided at the composition root.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that perform I/O; pure layers must not import them. */
export const ioModules = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns',
  'cluster', 'worker_threads', 'tls', 'readline', 'os', 'process',
  'zeromq', 'etcd3', '@kubernetes/client-node', 'pino', 'ws', '@statelyai/inspect',
];
const ioPatterns = ioModules.flatMap((m) => (m.startsWith('@') || m.includes('-') || m === 'zeromq' || m === 'etcd3' || m === 'pino' || m === 'ws' ? [m] : [m, `node:${m}`]));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'native/**', 'test/fixtures/lint/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/machines/**/*.ts', 'src/desired/**/*.ts', 'src/ipam/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioPatterns.map((name) => ({ name, message: 'pure layer: no I/O imports (provide effects at the composition root)' })),
        patterns: [
          { group: ['**/store/*', '**/vpp/bridge/*', '**/http/*', '**/linux/*', '**/sources/*', '**/actors/*'], message: 'pure layer: no I/O modules of this project' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'pure layer: read config, not the environment' }, { name: 'fetch', message: 'pure layer: no I/O' }],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

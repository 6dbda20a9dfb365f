// Lint rules whose main job is to hold the module boundaries stated in ARCHITECTURE.md.
// A boundary broken here is a design change: change ARCHITECTURE.md first.
import tseslint from 'typescript-eslint';

const nodeIo = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http',
  'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'dgram', 'node:dgram'];

const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'webview-dist/**', '**/.medallion/**', '.scratch/**', 'samples/**/*.js', '.vscode-test/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // The `medallion` launcher is plain CommonJS so it runs before anything is built.
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Only the extension host talks to VS Code.
    files: ['sandbox/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/ may import vscode (ARCHITECTURE.md).' }],
        patterns: [pattern(['**/src/*', '**/src/**'], 'The sandbox and tests must not depend on the extension host.')],
      }],
    },
  },
  {
    // The engine is deterministic: no I/O, no wall clock; time arrives through an injected clock.
    files: ['sandbox/engine/**/*.ts'],
    ignores: ['sandbox/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeIo.map((name) => ({ name, message: 'sandbox/engine does no I/O (ARCHITECTURE.md).' })),
          { name: 'vscode', message: 'Only src/ may import vscode.' }, { name: 'kafkajs', message: 'The engine knows no Kafka.' }],
        patterns: [pattern(['**/broker/**', '**/warehouse/**', '**/replay/**', '**/src/**'], 'The engine depends on nothing but itself and sandbox/protocol.')],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Read time from the injected clock.' },
        { object: 'performance', property: 'now', message: 'Read time from the injected clock.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic.' }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate'],
    },
  },
  {
    // The codec knows bytes, not sockets or files.
    files: ['sandbox/broker/codec/**/*.ts'],
    ignores: ['sandbox/broker/codec/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeIo.map((name) => ({ name, message: 'sandbox/broker/codec does no I/O (ARCHITECTURE.md).' })),
        patterns: [pattern(['**/handlers/**', '**/log/**', '**/server/**', '**/groups/**'], 'The codec depends on nothing above it.')],
      }],
    },
  },
  {
    // The webview is a browser bundle: it shares only types with the sandbox.
    files: ['webview/**/*.ts', 'webview/**/*.tsx'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview talks to the host through sandbox/protocol only.' }],
        patterns: [
          { group: ['**/sandbox/protocol/**', '**/sandbox/protocol'], allowTypeImports: true, message: 'Import types only from sandbox/protocol.' },
          { group: ['**/sandbox/*', '!**/sandbox/protocol', '**/src/**'], message: 'The webview imports only types from sandbox/protocol.' },
        ],
      }],
    },
  },
);

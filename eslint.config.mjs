// One lint config for the whole repo. Besides code rules it enforces the layering of DESIGN.md:
// which folder may import which (VS Code style: folders named after the runtime).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Module names matched exactly (`paths`), so a local file named e.g. `events.ts` is not caught.
const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'url',
  'util',
  'stream',
  'events',
];
const serverPackages = [
  'kafkajs',
  'pg',
  'ioredis',
  'fastify',
  'pino',
  'node-pg-migrate',
  'csv-parse',
  'cli-progress',
];
const EXACT = new Set([...nodeBuiltins, ...serverPackages, 'electron', 'react', 'react-dom']);

/** A no-restricted-imports rule: each [names, why] group is forbidden (exact names or glob patterns). */
const forbid = (groups) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: groups.flatMap(([names, message]) =>
        names.filter((n) => EXACT.has(n)).map((name) => ({ name, message })),
      ),
      patterns: groups
        .map(([names, message]) => ({ group: names.filter((n) => !EXACT.has(n)), message }))
        .filter((p) => p.group.length > 0),
    },
  ],
});
const NODE = ['node:*', ...nodeBuiltins];
const SERVER = ['@fastify/*', ...serverPackages];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.stack/**', 'test-output/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    rules: forbid([
      [
        ['../*', ...NODE, ...SERVER, 'electron', 'react', 'react-dom'],
        'contracts are environment-neutral: they import nothing but zod',
      ],
    ]),
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid([
        [[...NODE, ...SERVER, 'electron'], 'the renderer is sandboxed: no Node, Electron or server packages'],
        [
          ['**/runtime/**', '**/workers/**', '**/electron/**', '**/scripts/**'],
          'the renderer may import contracts only',
        ],
      ]),
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: forbid([
      [[...NODE, ...SERVER], 'the preload is sandboxed: contracts and electron only'],
      [
        ['**/runtime/**', '**/workers/**', '**/renderer/**', '../main/**'],
        'the preload may import contracts and electron only',
      ],
    ]),
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: forbid([
      [
        ['**/workers/**', '**/renderer/**', '**/preload/**'],
        'the main process talks to workers as processes and to the renderer over HTTP/IPC',
      ],
    ]),
  },
  {
    files: ['electron/main/core/**/*.ts', 'electron/main/headless.ts'],
    rules: forbid([
      [['electron'], 'the core also runs headless: only electron/main/index.ts may import electron'],
      [
        ['**/workers/**', '**/renderer/**', '**/preload/**'],
        'the main process talks to workers as processes and to the renderer over HTTP/IPC',
      ],
    ]),
  },
  {
    files: ['runtime/**/*.ts'],
    rules: forbid([
      [
        ['electron', '**/workers/**', '**/renderer/**', '**/electron/**'],
        'runtime is shared plain-Node infrastructure: contracts and Node packages only',
      ],
    ]),
  },
  {
    files: ['workers/**/*.ts'],
    rules: forbid([
      [
        ['electron', '**/renderer/**', '**/electron/**'],
        'workers are plain Node processes: never Electron or the main process',
      ],
    ]),
  },
);

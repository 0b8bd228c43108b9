// One lint config for the whole repo. Besides code rules (type-aware for TypeScript) it enforces
// the layering of DESIGN.md as allowlists: LAYERS below is the one table of which folder may
// import what; README "Layout and rules" shows the same table (scripts/lint/layers.test.ts
// checks that they agree). Moving a folder is an edit of its `paths` and of the rows naming it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import layersPlugin from './scripts/lint/import-allowlist.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Node builtins (`node:fs`, ...), as a package entry. */
const NODE = 'node:*';

/**
 * Which folder may import what. `paths`: the folders (trailing `/`) and files of the row (a file
 * belongs to the row of its longest matching path). `imports`: the other rows' folders it may
 * import relatively (its own paths always). `packages`: the npm packages it may import by name.
 */
export const LAYERS = [
  { name: 'contracts/', paths: ['contracts/'], imports: [], packages: ['zod'] },
  {
    name: 'renderer/',
    paths: ['renderer/src/'],
    imports: ['contracts/'],
    packages: [
      'react',
      'react-dom',
      'zustand',
      'recharts',
      '@tanstack/react-virtual',
      '@tanstack/react-query',
      'eventsource-parser',
      'zod',
    ],
  },
  {
    name: 'electron/preload/',
    paths: ['electron/preload/'],
    imports: ['contracts/'],
    packages: ['electron'],
  },
  {
    name: 'electron/main/',
    paths: ['electron/main/'],
    imports: ['contracts/', 'runtime/', 'server/'],
    packages: ['electron', NODE],
  },
  {
    name: 'server/',
    paths: ['server/'],
    imports: ['contracts/', 'runtime/'],
    packages: [
      NODE,
      'fastify',
      '@fastify/helmet',
      '@fastify/rate-limit',
      '@fastify/static',
      '@fastify/swagger',
      'fastify-type-provider-zod',
      'rate-limiter-flexible',
      'kafkajs',
      'csv-stringify',
      'uuid',
    ],
  },
  {
    name: 'runtime/',
    paths: ['runtime/'],
    imports: ['contracts/'],
    packages: [NODE, 'zod', 'kafkajs', 'pg', 'node-pg-migrate', 'ioredis', 'pino', 'pino-pretty'],
  },
  {
    name: 'workers/',
    paths: ['workers/'],
    imports: ['contracts/', 'runtime/'],
    packages: [NODE, 'kafkajs'],
  },
  {
    name: 'scripts/',
    paths: ['scripts/'],
    imports: ['contracts/', 'runtime/', 'workers/', 'server/'],
    packages: [
      NODE,
      'kafkajs',
      'pg',
      'ioredis',
      'luxon',
      'uuid',
      'csv-parse',
      'cli-progress',
      'ajv',
      'ajv-formats',
      'eventsource-parser',
      'esbuild',
      'eslint',
      'typescript',
      'zod',
      'playwright-core',
    ],
  },
  {
    name: 'tests/',
    paths: ['tests/'],
    imports: ['contracts/', 'runtime/', 'workers/', 'server/', 'scripts/'],
    packages: [
      NODE,
      'kafkajs',
      'pg',
      'node-pg-migrate',
      'ioredis',
      'csv-parse',
      'eventsource-parser',
      'playwright-core',
      'vitest',
      'fast-check',
      '@electron/asar',
      '@electron/fuses',
    ],
  },
  {
    name: 'build configs',
    paths: ['eslint.config.mjs', 'vitest.config.mts', 'electron.vite.config.ts', 'renderer/vite.config.ts'],
    imports: ['scripts/lint/'],
    packages: [
      NODE,
      '@eslint/js',
      'typescript-eslint',
      'eslint-plugin-react-hooks',
      'vitest',
      'vite',
      'electron-vite',
      '@vitejs/plugin-react',
    ],
  },
];

/** Unit tests (`*.test.ts[x]`) may also import these, whatever their row. */
export const TEST_PACKAGES = ['vitest', 'fast-check', 'cloudevents'];

/** Files no tsconfig covers (build configs, plain JS): linted without type information. */
const UNTYPED = ['**/*.{js,mjs,cjs}', '*.{ts,mts,cts}', 'renderer/vite.config.ts'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.stack/**', 'test-output/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules through the project service: each file is checked with its folder's tsconfig.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { layers: layersPlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': ['error', { allowRethrowing: true, allowThrowingUnknown: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'layers/imports': ['error', { layers: LAYERS, testPackages: TEST_PACKAGES, root }],
    },
  },
  {
    files: UNTYPED,
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: UNTYPED,
    languageOptions: { parserOptions: { projectService: false } },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
);

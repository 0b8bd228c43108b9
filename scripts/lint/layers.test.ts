/**
 * The layout rules are enforced by tooling: ESLint's `layers/imports` (eslint.config.mjs LAYERS)
 * refuses what a folder's row does not allow, the README table says the same, and every test
 * file is type-checked by some folder's tsconfig.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

interface Layer {
  name: string;
  paths: string[];
  imports: string[];
  packages: string[];
}

let eslint: ESLint;
let layers: Layer[];
beforeAll(async () => {
  eslint = new ESLint({
    cwd: root,
    // Only the import rule, without type information: snippets are not files of any tsconfig.
    ruleFilter: ({ ruleId }) => ruleId === 'layers/imports',
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  });
  const config = (await eslint.calculateConfigForFile(path.join(root, 'contracts/index.ts'))) as {
    rules: Record<string, [unknown, { layers: Layer[] }]>;
  };
  layers = config.rules['layers/imports']![1].layers;
}, 60_000);

/** The import errors ESLint reports for `code` as if it were the file `file`. */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

/** [file, allowed imports, forbidden imports] per row of the table. */
const CASES: [string, string[], string[]][] = [
  [
    'contracts/x.ts',
    ['zod', './events'],
    [
      'luxon',
      'uuid',
      'ajv',
      'zustand',
      'vitest',
      'node:fs',
      'fs',
      '../runtime/config',
      '../renderer/src/App',
    ],
  ],
  [
    'renderer/src/screens/X.tsx',
    ['react', 'react-dom/client', 'zustand', '../../../contracts', '../lib/format'],
    [
      'node:fs',
      'electron',
      'kafkajs',
      '../../../runtime/config',
      '../../../scripts/kpi',
      '../../../electron/preload',
    ],
  ],
  [
    'electron/preload/x.ts',
    ['electron', '../../contracts/ipc'],
    ['node:path', 'zod', '../main/ipc', '../../runtime/config'],
  ],
  [
    'electron/main/x.ts',
    ['electron', 'node:path', '../../runtime/config', '../../server/core', './window-security'],
    [
      'kafkajs',
      '../../workers/consumer-framework/rows',
      '../../scripts/kpi',
      '../preload/index',
      '../../renderer/src/App',
    ],
  ],
  [
    'server/api/x.ts',
    ['fastify', '@fastify/helmet', 'node:http', '../../runtime/db', '../core', '../../contracts'],
    [
      'electron',
      '../../electron/main/index',
      '../../electron/main/window-security',
      '../../scripts/kpi',
      '../../workers/consumer-framework/rows',
    ],
  ],
  ['server/headless.ts', ['./core', 'node:path'], ['electron', '../electron/main/index', 'ajv']],
  [
    'runtime/x.ts',
    ['pg', 'node:fs', '../contracts'],
    [
      'electron',
      'react',
      'luxon',
      'ajv',
      '../workers/consumer-framework/rows',
      '../scripts/kpi',
      '../server/core',
    ],
  ],
  [
    'workers/order-processor/x.ts',
    ['kafkajs', '../../runtime/db', '../consumer-framework/rows', '../../contracts'],
    ['electron', 'pg', 'luxon', '../../scripts/kpi', '../../server/supervisor', '../../renderer/src/App'],
  ],
  [
    'scripts/x.ts',
    ['uuid', 'esbuild', 'ajv', '../workers/consumer-framework/rows', '../server/supervisor', './olist'],
    [
      'electron',
      'react',
      '../electron/main/index',
      '../electron/preload/index',
      '../renderer/src/App',
      '../tests/support/harness',
    ],
  ],
  [
    'tests/integration/x.test.ts',
    ['vitest', 'playwright-core', '../../scripts/olist', '../../server/core', '../support/harness'],
    [
      'electron',
      'react',
      '../../electron/main/index',
      '../../electron/preload/index',
      '../../renderer/src/App',
    ],
  ],
  ['docs/x.ts', [], ['zod', './y']],
];

describe('import allowlists (ESLint layers/imports)', () => {
  it.each(CASES)('%s: allowed imports pass, forbidden ones are errors', async (file, allowed, forbidden) => {
    for (const spec of allowed) expect(await importErrors(file, `import '${spec}';\n`), spec).toEqual([]);
    for (const spec of forbidden) {
      const errors = await importErrors(file, `import '${spec}';\n`);
      expect(errors, spec).toHaveLength(1);
      expect(errors[0], spec).toMatch(/^layers\/imports: /);
    }
  });

  it('checks type-only imports, re-exports, dynamic imports and require', async () => {
    const code = [
      "import type { Pool } from 'pg';",
      "export * from '../runtime/db';",
      "export { x } from 'luxon';",
      "void import('electron');",
      "require('node:fs');",
    ].join('\n');
    expect(await importErrors('contracts/x.ts', code)).toHaveLength(5);
  });

  it('lets unit tests import the test tools, and only unit tests', async () => {
    expect(await importErrors('contracts/x.test.ts', "import 'vitest';\nimport 'fast-check';\n")).toEqual([]);
    expect(await importErrors('contracts/x.ts', "import 'vitest';\n")).toHaveLength(1);
  });

  it('the README table is the config table', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Layout and rules'));
    const tableStart = section.indexOf('\n| folder |');
    const rows = section
      .slice(tableStart + 1, section.indexOf('\n\n', tableStart))
      .split('\n')
      .slice(2)
      .map((line) => line.split('|').map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    const table = rows.map((cells) => ({ paths: cells[1]!, imports: cells[3]!, packages: cells[4]! }));
    const sorted = (xs: string[]) => [...xs].sort();
    expect(
      table.map((r) => ({
        paths: sorted(r.paths),
        imports: sorted(r.imports),
        packages: sorted(r.packages),
      })),
    ).toEqual(
      layers.map((l) => ({
        paths: sorted(l.paths),
        imports: sorted(l.imports),
        packages: sorted(l.packages),
      })),
    );
  });
});

describe('type checking', () => {
  it('every unit and integration test file is in some folder tsconfig of `npm run typecheck`', () => {
    const script = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts['typecheck']!;
    const projects = [...script.matchAll(/tsc -p (\S+)/g)].map((m) =>
      path.join(root, m[1]!, 'tsconfig.json'),
    );
    const checked = new Set<string>();
    for (const project of projects) {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        project,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      );
      for (const file of parsed!.fileNames) checked.add(path.resolve(file));
    }
    const tests: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (
          ['node_modules', 'out', 'dist', '.stack', '.git', 'test-output', 'bench-results'].includes(
            entry.name,
          )
        )
          continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.test\.tsx?$/.test(entry.name)) tests.push(full);
      }
    };
    walk(root);
    expect(tests.length).toBeGreaterThan(50);
    expect(tests.filter((file) => !checked.has(file)).map((file) => path.relative(root, file))).toEqual([]);
  });
});

/**
 * A command-line tool's output to a pipe is complete, however slowly the pipe is read, and the
 * exit code says whether it was: `npm run -s kpi -- --json | jq` got JSON cut at 128 KiB with
 * exit 0 because the scripts called `process.exit()` right after printing (QA). Every script now
 * ends through scripts/cli.ts `runCliMain` (runtime/exit.ts `exitAfterFlush`). These run commands
 * whose output is far beyond a pipe's 64 KiB (`kpi --json` over a database of its own whose site
 * list holds 4000 warehouses, one JSON write; `epcis:validate` on one document given 3000 times,
 * a line per write) with stdout to a pipe read only once the command has exited (or after 3 s).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiSummarySchema } from '../../contracts';
import { createPool, dropDatabase, findRepoRoot, migrate, migrationsDir } from '../../runtime/db';
import { newTestConfig } from '../support/harness';

const repoRoot = findRepoRoot(__dirname);
const DOC = path.resolve(
  repoRoot,
  '..',
  'shared',
  'data',
  'epcis',
  'gs1-examples',
  'Example_9.6.1-ObjectEvent.jsonld',
);
const COPIES = 3000;

function runReadLate(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ stdout: string; code: number | null }>((resolve) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.pause();
    const resume = setTimeout(() => child.stdout.resume(), 3_000);
    child.once('exit', () => {
      clearTimeout(resume);
      child.stdout.resume();
    });
    child.once('close', (code) => resolve({ stdout: Buffer.concat(chunks).toString('utf8'), code }));
  });
}

describe('a command-line tool writing to a slow pipe', () => {
  const config = newTestConfig();
  const SITES = 4000;
  beforeAll(async () => {
    await migrate(config, migrationsDir(repoRoot));
    const pool = createPool(config, 1);
    try {
      // The site picker's list (order_site_counts, kept by triggers on orders): SITES warehouses.
      await pool.query(
        `INSERT INTO order_site_counts (warehouse_id, site_time_zone, is_drill, n)
         SELECT 'warehouse-with-a-long-name-' || lpad(i::text, 5, '0'), 'America/Sao_Paulo', false, 1
           FROM generate_series(1, $1::int) i`,
        [SITES],
      );
    } finally {
      await pool.end();
    }
  }, 120_000);
  afterAll(() => dropDatabase(config.databaseUrl), 60_000);

  it('kpi --json: the JSON is complete and parses, exit 0', async () => {
    const r = await runReadLate(['scripts/kpi.ts', '--json'], { DATABASE_URL: config.databaseUrl });
    expect(r.stdout.length).toBeGreaterThan(128 * 1024);
    const summary = kpiSummarySchema.parse(JSON.parse(r.stdout));
    expect(summary.sites).toHaveLength(SITES);
    expect(r.code).toBe(0);
  }, 120_000);

  it('epcis:validate: all of its output arrives, exit 0', async () => {
    const r = await runReadLate(['scripts/epcis-validate.ts', ...Array<string>(COPIES).fill(DOC)]);
    expect(r.stdout.length).toBeGreaterThan(128 * 1024);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(COPIES + 1);
    expect(lines.at(-1)).toBe(`${COPIES} documents checked: ${COPIES} valid, 0 invalid`);
    expect(r.code).toBe(0);
  }, 120_000);

  it('--help of a script that exits from the option parser (replay): complete, exit 0', async () => {
    const r = await runReadLate(['scripts/replay.ts', '--help']);
    expect(r.stdout).toMatch(/^usage: /m);
    expect(r.code).toBe(0);
  }, 60_000);
});

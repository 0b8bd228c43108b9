/**
 * Prints the KPI summary from the read models, through the same query the API's KPI handler uses
 * (runtime/kpi-query.ts; no KPI math here):
 *
 *   npm run kpi -- [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--include-drills]
 *
 * Days are site-time calendar days, inclusive; drill traffic is excluded unless --include-drills.
 * Reads DATABASE_URL (see runtime/config.ts). Exit codes: 0 ok, 2 bad arguments, 3 PostgreSQL
 * unreachable or without read models, 1 anything else.
 */
import { parseArgs } from 'node:util';
import { kpiQuerySchema, toFieldIssues, type FieldIssue, type KpiQuery, type KpiSummary } from '../contracts';
import { ConfigError, loadConfig, redactUrl } from '../runtime/config';
import { createPool, pingPostgres } from '../runtime/db';
import { queryKpiSummary } from '../runtime/kpi-query';
import { ServiceUnavailableError } from '../runtime/service-errors';

const USAGE = 'usage: npm run kpi -- [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--include-drills]';

class UsageError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly input: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Parses and validates the command line with the API's `kpiQuerySchema`. */
function parseKpiArgs(argv: string[]): { json: boolean; query: KpiQuery } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        'include-drills': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const input: Record<string, string> = { includeDrills: v['include-drills'] ? 'true' : 'false' };
  if (v.from !== undefined) input.from = v.from;
  if (v.to !== undefined) input.to = v.to;
  const result = kpiQuerySchema.safeParse(input);
  const issues = result.success ? [] : toFieldIssues(result.error);
  if (result.success && result.data.from && result.data.to && result.data.from > result.data.to) {
    issues.push({
      field: 'from',
      rule: 'from_before_to',
      message: `must be on or before to (${result.data.to})`,
    });
  }
  if (!result.success || issues.length > 0) throw new UsageError('invalid arguments', issues, input);
  return { json: v.json, query: result.data };
}

class NoReadModelsError extends Error {}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

/** Milliseconds as `3d 04h 05m` (cycle times span days). */
function duration(ms: number | null): string {
  if (ms === null) return '-';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(rest / 1440);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  return `${sign}${days}d ${String(hours).padStart(2, '0')}h ${String(minutes).padStart(2, '0')}m`;
}

/** A short human-readable table of the summary. */
function formatKpiTable(s: KpiSummary): string {
  const rows: [string, string][] = [
    [
      'range (site days)',
      `${s.from ?? 'all'} .. ${s.to ?? 'all'}${s.includeDrills ? ' (drills included)' : ''}`,
    ],
    ['data spans', `${s.dataFrom ?? '-'} .. ${s.dataTo ?? '-'}`],
    ['orders created', String(s.createdOrders)],
    ['orders delivered', String(s.deliveredOrders)],
    ['on time / late', `${s.onTimeOrders} / ${s.lateOrders}`],
    ['OTD', pct(s.otd)],
    ['OTIF', `${pct(s.otif)} (${s.otifOrders} orders)`],
    ['cycle time median', duration(s.cycleTimeMedianMs)],
    ['cycle time p90', duration(s.cycleTimeP90Ms)],
    ['backlog (open orders)', String(s.backlog)],
    ['open shipment exceptions', String(s.openExceptions)],
    [
      'orders by status',
      Object.entries(s.ordersByStatus)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n');
}

async function main(): Promise<number> {
  const args = parseKpiArgs(process.argv.slice(2));
  const config = loadConfig();
  const pool = createPool(config, 2);
  try {
    await pingPostgres(pool, config.databaseUrl);
    let summary: KpiSummary;
    try {
      summary = await queryKpiSummary(pool, args.query);
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') {
        throw new NoReadModelsError(
          `no read models in ${redactUrl(config.databaseUrl)} (${(err as Error).message}): start the workers once (they apply the migrations), or point DATABASE_URL at the right database`,
        );
      }
      throw err;
    }
    process.stdout.write(
      args.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatKpiTable(summary)}\n`,
    );
    return 0;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      const lines = err.issues.map(
        (i) =>
          `  ${i.field}: ${i.message}${err.input[i.field] !== undefined ? ` (got ${JSON.stringify(err.input[i.field])}; expected YYYY-MM-DD)` : ''}`,
      );
      process.stderr.write(`kpi: ${err.message}${lines.length ? `\n${lines.join('\n')}` : ''}\n${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`kpi: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof ServiceUnavailableError || err instanceof NoReadModelsError) {
      process.stderr.write(`kpi: ${err.message}\n`);
      process.exit(3);
    }
    process.stderr.write(`kpi: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

/**
 * Prints the KPI summary from the read models, through the same query the API's KPI handler uses
 * (runtime/kpi-query.ts; no KPI math here):
 *
 *   npm run kpi -- [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--warehouse ID] [--include-drills]
 *
 * Days are site-time calendar days, inclusive; drill traffic is excluded unless --include-drills;
 * --warehouse keeps the orders of one warehouse (site), as the dashboard's site picker and
 * `GET /api/kpis?warehouse=` do.
 * Reads DATABASE_URL (see runtime/config.ts). Exit codes: 0 ok, 2 bad arguments, 3 PostgreSQL
 * not usable (down, no such database, login refused, no read models), 1 anything else.
 * The argument rules and error descriptions are exported for the unit tests; the command runs
 * only when this file is the entry point.
 */
import { kpiQuerySchema, toFieldIssues, type KpiQuery, type KpiSummary } from '../contracts';
import { ConfigError, loadConfig, redactUrl, type AppConfig } from '../runtime/config';
import { createPool } from '../runtime/db';
import { queryKpiSummary } from '../runtime/kpi-query';
import { ServiceUnavailableError } from '../runtime/service-errors';
import { parseCli, runCliMain, UsageError, usageErrorText, type CliDefinition, type OptionSpec } from './cli';

export const KPI_USAGE =
  'usage: npm run kpi -- [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--warehouse ID] [--include-drills] [--help]';

export const KPI_HELP = `${KPI_USAGE}

Prints the delivery KPI summary (OTD, OTIF, late orders, cycle time, backlog, open exceptions)
from the read models in PostgreSQL, through the same query as the console's dashboard.

options:
  --json              print the summary as JSON (for scripts) instead of a table
  --from YYYY-MM-DD   first site-time calendar day, inclusive (default: the first day with data)
  --to YYYY-MM-DD     last site-time calendar day, inclusive (default: the last day with data);
                      must be on or after --from
  --warehouse ID      only the orders of this warehouse (site), e.g. WH-SP; the same filter as
                      the dashboard's site picker (default: every site)
  --include-drills    count drill traffic injected from the console too (excluded by default)
  -h, --help          show this help

environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sct); the database is
created by the console or the workers on their first start.
exit codes: 0 ok, 2 bad arguments, 3 PostgreSQL not usable (not reachable, no such database,
login refused, no read models), 1 anything else.
`;

/** The command line of `npm run kpi` for the shared parser (scripts/cli.ts). */
const KPI_CLI = {
  name: 'kpi',
  usage: KPI_USAGE,
  help: KPI_HELP,
  options: {
    json: { type: 'boolean' },
    from: { type: 'string' },
    to: { type: 'string' },
    warehouse: { type: 'string' },
    'include-drills': { type: 'boolean' },
  },
} satisfies CliDefinition<OptionSpec>;

const OPTION_OF: Record<string, string> = {
  from: '--from',
  to: '--to',
  warehouse: '--warehouse',
  includeDrills: '--include-drills',
};

/**
 * Parses and validates the command line with the API's `kpiQuerySchema`.
 * @returns the arguments, or 'help' for --help / -h
 * @throws UsageError naming each wrong option, its rule and the value given
 */
export function parseKpiArgs(argv: readonly string[]): { json: boolean; query: KpiQuery } | 'help' {
  const parsed = parseCli(argv, KPI_CLI);
  if (parsed.help) return 'help';
  const { values } = parsed;
  const input: Record<string, string> = { includeDrills: values['include-drills'] ? 'true' : 'false' };
  if (values.from !== undefined) input.from = values.from;
  if (values.to !== undefined) input.to = values.to;
  if (values.warehouse !== undefined) input.warehouse = values.warehouse;
  const result = kpiQuerySchema.safeParse(input);
  if (!result.success) {
    const problems = toFieldIssues(result.error).map((i) => {
      const option = OPTION_OF[i.field] ?? i.field;
      const got = input[i.field] !== undefined ? `; got ${JSON.stringify(input[i.field])}` : '';
      // Range issues name the other end; format issues say what a date looks like.
      const message =
        i.rule === 'date_range'
          ? `must be on or after --from (${input.from})`
          : i.field === 'warehouse'
            ? `must be a warehouse id of 1..128 letters, digits and . _ : - (${i.message})`
            : `must be a calendar date YYYY-MM-DD (${i.message})`;
      return `${option} ${message}${got}`;
    });
    throw new UsageError(problems.join('; '));
  }
  return { json: values.json === true, query: result.data };
}

/** PostgreSQL cannot serve the summary; `message` says why and what to do (no password in it). */
export class PostgresProblem extends Error {
  override name = 'PostgresProblem';
  constructor(
    readonly kind: 'unreachable' | 'no_database' | 'login_refused' | 'permission_denied' | 'no_read_models',
    message: string,
  ) {
    super(message);
  }
}

const UNREACHABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Tells apart why PostgreSQL failed, by SQLSTATE (and the node-postgres client's own errors):
 * the server is down or unreachable, the database does not exist (3D000), the login was refused
 * (28P01 wrong password, 28000 unknown role or no pg_hba.conf entry, or a password the server
 * asked for but DATABASE_URL lacks), the user may not read the tables (42501), or the database
 * has no read models yet (42P01).
 * @returns null for other errors (a bug or an unexpected server error)
 */
export function describePostgresError(err: unknown, databaseUrl: string): PostgresProblem | null {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const reason = typeof e?.message === 'string' ? e.message : String(err);
  const at = redactUrl(databaseUrl);
  if (code === '3D000')
    return new PostgresProblem(
      'no_database',
      `database ${JSON.stringify(databaseName(databaseUrl))} does not exist (the PostgreSQL server answered; DATABASE_URL is ${at}). ` +
        'To fix: start the console (`npm start` or `npm run serve`) or the workers once with this DATABASE_URL ' +
        '(they create the database and its tables), then import data (`npm run import:olist -- ../shared/data/olist`); ' +
        'or check the database name in DATABASE_URL.',
    );
  if (code === '28P01' || code === '28000' || /\bSASL\b|SCRAM|password/i.test(code ? '' : reason))
    return new PostgresProblem(
      'login_refused',
      `PostgreSQL at ${at} refused the login (${reason}). To fix: check the user and password in DATABASE_URL` +
        ' (and that the server lets this user connect from here: pg_hba.conf).',
    );
  if (code === '42501')
    return new PostgresProblem(
      'permission_denied',
      `the user in DATABASE_URL may not read the read models in ${at} (${reason}). ` +
        'To fix: use the user that created them (the one the console and workers use) in DATABASE_URL.',
    );
  if (code === '42P01')
    return new PostgresProblem(
      'no_read_models',
      `no read models in ${at} (${reason}): start the console or the workers once (they apply the migrations), ` +
        'or point DATABASE_URL at the right database.',
    );
  if (
    UNREACHABLE_NODE_CODES.has(code) ||
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300'].includes(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|terminating connection/i.test(
      reason,
    )
  )
    return new PostgresProblem('unreachable', new ServiceUnavailableError('postgres', at, reason).message);
  return null;
}

function databaseName(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  } catch {
    return '(unknown)';
  }
}

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
    ['warehouse', s.warehouse ?? 'all sites'],
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

/** Reads the summary from PostgreSQL (a small pool, closed afterwards). */
async function readSummary(config: AppConfig, query: KpiQuery): Promise<KpiSummary> {
  const pool = createPool(config, 2);
  try {
    await pool.query('SELECT 1'); // connection problems surface here, before the KPI query
    return await queryKpiSummary(pool, query);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

export interface KpiCliDeps {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads the summary; PostgreSQL by default (tests pass a fake). */
  read?: (config: AppConfig, query: KpiQuery) => Promise<KpiSummary>;
}

/**
 * Runs the kpi command: the summary to stdout, one-line errors to stderr.
 * @returns the exit code
 */
export async function runKpiCli(argv: readonly string[], deps: KpiCliDeps): Promise<number> {
  const fail = (code: number, message: string) => {
    deps.stderr(`kpi: ${message}\n`);
    return code;
  };
  let args: ReturnType<typeof parseKpiArgs>;
  let config: AppConfig;
  try {
    args = parseKpiArgs(argv);
    if (args === 'help') {
      deps.stdout(KPI_HELP);
      return 0;
    }
    config = loadConfig(deps.env ?? process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      deps.stderr(usageErrorText(KPI_CLI, err));
      return 2;
    }
    if (err instanceof ConfigError) return fail(2, err.message);
    throw err;
  }
  let summary: KpiSummary;
  try {
    summary = await (deps.read ?? readSummary)(config, args.query);
  } catch (err) {
    const problem = describePostgresError(err, config.databaseUrl);
    if (problem) return fail(3, problem.message);
    if (err instanceof ServiceUnavailableError) return fail(3, err.message);
    throw err;
  }
  deps.stdout(args.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatKpiTable(summary)}\n`);
  return 0;
}

// Run only as the entry point (`tsx scripts/kpi.ts`, CommonJS), not when a test imports it.
if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main === module) {
  runCliMain('kpi', () =>
    runKpiCli(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
  );
}

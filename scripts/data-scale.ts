/**
 * `npm run data:scale -- --copies N [--shift-days D] [--chunk-orders N]`: the fast SQL path to a
 * large data set (issue 11 item 8; scripts/scale/bulk.ts says what it writes and what it does not
 * exercise). Copies the orders already in the read models of DATABASE_URL (normally the Olist
 * import) N times, re-keyed and shifted in time. The path through Kafka and the workers is
 * `npm run import:olist -- <folder> --copies N`.
 *
 * Exit codes: 0 ok, 2 bad arguments or configuration, 3 PostgreSQL not usable, 1 anything else.
 */
import { ConfigError, loadConfig, redactUrl } from '../runtime/config';
import { createPool } from '../runtime/db';
import { ServiceUnavailableError } from '../runtime/service-errors';
import {
  parseCli,
  runCliMain,
  UsageError,
  usageErrorText,
  wholeNumberOption,
  type CliDefinition,
  type OptionSpec,
} from './cli';
import { describePostgresError } from './kpi';
import { bulkCopy, DEFAULT_CHUNK_ORDERS, type BulkCopySummary } from './scale/bulk';
import { copiesOption, SCALE_COPY_OPTIONS, shiftDaysOption } from './scale/options';
import { DEFAULT_SHIFT_DAYS } from './scale/rekey';

export const SCALE_USAGE =
  'usage: npm run data:scale -- --copies <N> [--shift-days <D>] [--chunk-orders <N>] [--help]';

export const SCALE_HELP = `${SCALE_USAGE}

Makes a large data set for query timing fast: copies the orders already in the read models of
DATABASE_URL (e.g. after npm run import:olist) N times inside PostgreSQL. Copy k gets ids with
the suffix -c<k> (order, shipment, customer, tracking number) and every time moved k x D site days
earlier (wall clock of the order's site zone; promised days move as many days), so on-time
verdicts, statuses and site days keep their meaning. The Olist sample (99,441 orders) with
--copies 9 gives about 1,000,000 orders.

One transaction per copy and chunk of source orders writes orders, lines, history, shipments,
checkpoints and KPI facts, and adds the copies' counts to kpi_daily, so the KPIs equal a recount
and their drill-downs list the copied orders. It does NOT go through Kafka or the workers (use
npm run import:olist -- <folder> --copies N for that, ~100,000 orders), writes no Redis cache
entries, and a replay of the topics does not reproduce the copies. Re-running skips existing copies.

options:
  --copies <N>         copies to make, a whole number from 1 to 1000 (required)
  --shift-days <D>     site days between two copies (default ${DEFAULT_SHIFT_DAYS})
  --chunk-orders <N>   source orders per transaction (default ${DEFAULT_CHUNK_ORDERS})
  -h, --help           show this help

environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sct).
exit codes: 0 ok, 2 bad arguments or configuration, 3 PostgreSQL not usable, 1 anything else.
`;

const SCALE_CLI = {
  name: 'data:scale',
  usage: SCALE_USAGE,
  help: SCALE_HELP,
  options: {
    ...SCALE_COPY_OPTIONS,
    'chunk-orders': { type: 'string' },
  },
} satisfies CliDefinition<OptionSpec>;

export interface ScaleArgs {
  copies: number;
  shiftDays: number;
  chunkOrders: number;
}

/**
 * Validates the command line.
 * @returns the arguments, or 'help' for --help / -h
 * @throws UsageError naming the option and its rule
 */
export function parseScaleArgs(argv: readonly string[]): ScaleArgs | 'help' {
  const parsed = parseCli(argv, SCALE_CLI);
  if (parsed.help) return 'help';
  const { values } = parsed;
  if (values.copies === undefined) throw new UsageError('--copies is required (how many copies to make)');
  return {
    copies: copiesOption(values.copies, 1),
    shiftDays: shiftDaysOption(values['shift-days']),
    chunkOrders:
      values['chunk-orders'] === undefined
        ? DEFAULT_CHUNK_ORDERS
        : wholeNumberOption('chunk-orders', values['chunk-orders'], 1),
  };
}

/** The summary as text lines. */
export function formatScaleSummary(s: BulkCopySummary): string {
  const i = s.inserted;
  return [
    `data:scale: ${s.copies} copies of ${s.sourceOrders} source orders (copy k moved k x ${s.shiftDays} site days earlier)`,
    `  inserted: ${i.orders} orders, ${i.orderLines} lines, ${i.orderEvents} history events, ${i.shipments} shipments, ` +
      `${i.checkpoints} checkpoints, ${i.facts} KPI facts (kpi_daily updated with them)`,
    `  orders in the database now: ${s.ordersAfter}`,
    `  duration: ${s.seconds.toFixed(1)} s (of which ANALYZE ${s.analyzeSeconds.toFixed(1)} s)`,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ScaleArgs | 'help';
  let databaseUrl: string;
  try {
    args = parseScaleArgs(argv);
    if (args === 'help') {
      process.stdout.write(SCALE_HELP);
      return 0;
    }
    databaseUrl = loadConfig(process.env).databaseUrl;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(usageErrorText(SCALE_CLI, err));
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`data:scale: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const pool = createPool({ databaseUrl }, 2);
  try {
    process.stderr.write(`data:scale: copying in ${redactUrl(databaseUrl)}\n`);
    let lastLine = 0;
    const summary = await bulkCopy(pool, {
      copies: args.copies,
      shiftDays: args.shiftDays,
      chunkOrders: args.chunkOrders,
      onProgress: (p) => {
        if (Date.now() - lastLine < 2_000) return;
        lastLine = Date.now();
        process.stderr.write(`  copy ${p.copy}/${p.copies}: ${p.ordersInserted}/${p.ordersPlanned} orders\n`);
      },
    });
    process.stdout.write(`${formatScaleSummary(summary)}\n`);
    return 0;
  } catch (err) {
    const problem = describePostgresError(err, databaseUrl);
    const message = problem?.message ?? (err instanceof ServiceUnavailableError ? err.message : null);
    if (message) {
      process.stderr.write(`data:scale: ${message}\n`);
      return 3;
    }
    throw err;
  } finally {
    await pool.end();
  }
}

if (typeof module !== 'undefined' && typeof require !== 'undefined' && require.main === module) {
  runCliMain('data:scale', () => main(process.argv.slice(2)));
}

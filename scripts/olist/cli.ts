/**
 * The `npm run import:olist` command without its process wiring: argument rules, help text, the
 * order of steps (every file parsed before Kafka is touched) and the one-line error messages with
 * their exit codes. scripts/import-olist.ts connects it to the real Kafka client, the terminal and
 * `process.exit`; the unit tests drive it with fakes.
 *
 * Exit codes: 0 ok (every order imported), 4 done but some orders were skipped (each skip reason
 * is in the summary and on stderr; everything else was published), 2 bad arguments,
 * configuration or input files, 3 Kafka unreachable, 1 anything else (e.g. the broker refused a
 * batch). A skipped row is not a silent success: a script can tell "partial" from "ok".
 */
import { timeZoneSchema, type SupplyChainEvent } from '../../contracts';
import { ConfigError, loadConfig, type AppConfig } from '../../runtime/config';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import {
  parseCli,
  UsageError,
  usageErrorText,
  wholeNumberOption,
  type CliDefinition,
  type OptionSpec,
} from '../cli';
import {
  DEFAULT_BATCH_SIZE,
  formatSummary,
  importOlist,
  MAX_BATCH_SIZE,
  type ImportProgress,
} from './import';
import { DEFAULT_SITE_TIME_ZONE } from './mapping';
import { copiesOption, SCALE_COPY_OPTIONS, shiftDaysOption } from '../scale/options';
import { DEFAULT_SHIFT_DAYS } from '../scale/rekey';
import { loadOlistFolder, OLIST_FILES, OlistInputError, type OlistData } from './read';

export const IMPORT_USAGE =
  'usage: npm run import:olist -- <folder> [--site-tz <zone>] [--limit <N>] [--batch-size <N>]\n       [--copies <N> [--shift-days <D>]] [--help]';

export const IMPORT_HELP = `${IMPORT_USAGE}

Imports the Olist sample as order and shipment lifecycle events at their real event times,
published to Kafka through the same producer as the console's API (acks=all). <folder> holds
${Object.values(OLIST_FILES).join(',\n')}.
Every file is read and checked before anything is published: a broken file publishes nothing.

options:
  --site-tz <zone>    IANA time zone of the Olist timestamps (default ${DEFAULT_SITE_TIME_ZONE});
                      KPIs count site-time calendar days in this zone
  --limit <N>         import only the first N orders of the orders file (a whole number >= 1;
                      default: all)
  --batch-size <N>    events per Kafka request, a whole number from 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE});
                      an order's events always go in the same request
  --copies <N>        scale data (a larger realistic data set): after each order also publish N
                      copies of it, re-keyed (order, shipment, customer and tracking ids get the
                      suffix -c1 ... -cN; warehouses and SKUs are shared) and moved k x --shift-days
                      site days earlier (copy k), through Kafka and the workers like the sample
                      (default 0). The fast SQL path for 1,000,000 orders is npm run data:scale.
  --shift-days <D>    site days between two copies (default ${DEFAULT_SHIFT_DAYS})
  -h, --help          show this help

Re-running: event ids are deterministic (order id + event type), and the workers skip every event
whose id they have already applied. Re-running the import re-publishes the events but changes
nothing (idempotent), also with a different --site-tz: the first import of an order wins. To
import with another time zone, use a fresh deployment: a new topic prefix and a new database,
e.g. SCT_TOPIC_PREFIX=sct_utc DATABASE_URL=postgres://postgres@127.0.0.1:5432/sct_utc for this
import and for the console or workers that read it.

environment: KAFKA_BROKERS (default 127.0.0.1:9092), SCT_TOPIC_PREFIX (default sct).
exit codes: 0 ok (every order imported), 4 imported, but some orders were skipped (their
reasons are in the summary; everything else was published; the real Olist sample has orders
without items, so expect 4 there), 2 bad arguments or input files, 3 Kafka unreachable,
1 anything else (e.g. the broker refused a batch).
`;

/** Exit code of an import that published everything it could but skipped some orders. */
export const EXIT_SKIPPED = 4;

/** The command line of `npm run import:olist` for the shared parser (scripts/cli.ts). */
const IMPORT_CLI = {
  name: 'import:olist',
  usage: IMPORT_USAGE,
  help: IMPORT_HELP,
  options: {
    'site-tz': { type: 'string' },
    limit: { type: 'string' },
    'batch-size': { type: 'string' },
    ...SCALE_COPY_OPTIONS,
  },
  positionals: true,
} satisfies CliDefinition<OptionSpec>;

export interface ImportArgs {
  folder: string;
  siteTimeZone: string;
  limit: number | undefined;
  batchSize: number;
  /** Scale copies per order (0: the sample only). */
  copies: number;
  shiftDays: number;
}

/**
 * Validates the command line.
 * @returns the arguments, or 'help' for --help / -h
 * @throws UsageError naming the option and its rule
 */
export function parseImportArgs(argv: readonly string[]): ImportArgs | 'help' {
  const parsed = parseCli(argv, IMPORT_CLI);
  if (parsed.help) return 'help';
  const { values, positionals } = parsed;
  if (positionals.length === 0)
    throw new UsageError('give the folder that holds olist_orders_dataset.csv and the other CSV files');
  if (positionals.length > 1)
    throw new UsageError(
      `give exactly one folder (got ${positionals.length}: ${positionals.map((p) => JSON.stringify(p)).join(' ')})`,
    );
  const siteTz = values['site-tz'] ?? DEFAULT_SITE_TIME_ZONE;
  const tz = timeZoneSchema.safeParse(siteTz);
  if (!tz.success)
    throw new UsageError(
      `--site-tz ${tz.error.issues[0]?.message ?? 'must be an IANA time zone name'}; got ${JSON.stringify(siteTz)}`,
    );
  return {
    folder: positionals[0]!,
    siteTimeZone: tz.data,
    limit: values.limit === undefined ? undefined : wholeNumberOption('limit', values.limit, 1),
    copies: values.copies === undefined ? 0 : copiesOption(values.copies, 0),
    shiftDays: shiftDaysOption(values['shift-days']),
    batchSize:
      values['batch-size'] === undefined
        ? DEFAULT_BATCH_SIZE
        : wholeNumberOption(
            'batch-size',
            values['batch-size'],
            1,
            MAX_BATCH_SIZE,
            "events per Kafka request; larger requests can exceed the broker's message size limit",
          ),
  };
}

/** A Kafka publisher, connected and with its topics in place. */
export interface KafkaConnection {
  /** Where the events go, for the progress line (`sct.orders and sct.shipments at 127.0.0.1:9092`). */
  target: string;
  publish(events: SupplyChainEvent[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface ImportCliDeps {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Connects to Kafka and creates the topics; called only after every file was parsed. */
  connect(config: AppConfig): Promise<KafkaConnection>;
  progress?: { update(p: ImportProgress): void; stop(): void };
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * Runs the import command. Writes the summary to stdout and progress and errors to stderr.
 * @returns the exit code
 */
export async function runImportCli(argv: readonly string[], deps: ImportCliDeps): Promise<number> {
  const now = deps.now ?? (() => performance.now());
  const fail = (code: number, message: string) => {
    deps.stderr(`import:olist: ${message}\n`);
    return code;
  };
  let args: ImportArgs | 'help';
  let config: AppConfig;
  try {
    args = parseImportArgs(argv);
    if (args === 'help') {
      deps.stdout(IMPORT_HELP);
      return 0;
    }
    config = loadConfig(deps.env ?? process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      deps.stderr(usageErrorText(IMPORT_CLI, err));
      return 2;
    }
    if (err instanceof ConfigError) return fail(2, err.message);
    throw err;
  }

  // Read and check every file before Kafka is touched: a broken file must publish nothing.
  const readStart = now();
  let data: OlistData;
  try {
    data = await loadOlistFolder(args.folder, args.limit);
  } catch (err) {
    if (err instanceof OlistInputError) return fail(2, err.message);
    throw err;
  }
  const readSeconds = (now() - readStart) / 1000;

  let connection: KafkaConnection;
  try {
    connection = await deps.connect(config);
  } catch (err) {
    const kafka = describeKafkaFailure(err, config.kafkaBrokers, args.batchSize);
    if (kafka) return fail(kafka.exitCode, kafka.message);
    throw err;
  }
  deps.stderr(
    `read ${data.orders.length} orders in ${readSeconds.toFixed(2)} s; publishing to ${connection.target}\n`,
  );
  let last: ImportProgress | null = null;
  try {
    const summary = await importOlist({
      folder: args.folder,
      siteTimeZone: args.siteTimeZone,
      limit: args.limit,
      batchSize: args.batchSize,
      copies: args.copies,
      shiftDays: args.shiftDays,
      data,
      readSeconds,
      now,
      publish: (events) => connection.publish(events),
      onProgress: (p) => {
        last = p;
        deps.progress?.update(p);
      },
    });
    deps.progress?.stop();
    deps.stdout(`${formatSummary(summary)}\n`);
    if (summary.ordersSkipped > 0) {
      const reasons = Object.entries(summary.skipped)
        .sort((a, b) => b[1].count - a[1].count)
        .map(([reason, c]) => `${c.count} ${reason}`)
        .join('; ');
      return fail(
        EXIT_SKIPPED,
        `${summary.ordersSkipped} of ${summary.ordersRead} orders were skipped and not imported (${reasons}); ` +
          `the other ${summary.ordersImported} were published. Exit ${EXIT_SKIPPED}: done, with skipped rows.`,
      );
    }
    return 0;
  } catch (err) {
    deps.progress?.stop();
    const kafka = describeKafkaFailure(err, config.kafkaBrokers, args.batchSize);
    if (!kafka) throw err;
    const done = last as ImportProgress | null;
    const sofar =
      done && done.eventsPublished > 0
        ? `${done.eventsPublished} events (${done.ordersDone} of ${done.ordersTotal} orders) were acknowledged before the failure; `
        : 'nothing was published; ';
    return fail(
      kafka.exitCode,
      `${kafka.message}\n${sofar}re-running the import is safe (the workers skip event ids they already applied).`,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Kafka errors that mean "cannot reach or use the broker right now" (kafkajs class names and messages). */
const CONNECTION_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
]);
const CONNECTION_ERROR_TEXT =
  /connection (error|timeout|closed)|closed connection|failed to connect|not connected|producer is disconnected|disconnected before a response|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE|timed out|no brokers?\b|broker .*not (found|available)|not available|no leader|not the leader/i;
const TOO_LARGE_TEXT =
  /larger than the max message size|record batch .*larger|request .*too large|MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/i;

/**
 * Tells a Kafka connection problem (exit 3, "not reachable" with how to start the broker) from
 * the broker refusing a request (exit 1, the broker's own reason; e.g. a batch over its message
 * size limit). runtime/kafka.ts's publisher reports every send failure as
 * ServiceUnavailableError, so its cause text is classified here.
 * @returns null when `err` is not a Kafka error
 */
export function describeKafkaFailure(
  err: unknown,
  brokers: readonly string[],
  batchSize?: number,
): { exitCode: number; message: string } | null {
  const address = brokers.join(',');
  let reason: string;
  let connection: boolean;
  if (err instanceof ServiceUnavailableError) {
    if (err.service !== 'kafka') return null;
    reason = err.cause_;
    connection = CONNECTION_ERROR_TEXT.test(reason);
  } else if (err instanceof Error && err.name.startsWith('KafkaJS')) {
    const chain = errorChain(err);
    reason = chain.map((e) => e.message).find((m) => m) ?? err.name;
    connection = chain.some(
      (e) => CONNECTION_ERROR_NAMES.has(e.name) || CONNECTION_ERROR_TEXT.test(e.message),
    );
  } else return null;
  if (connection)
    return { exitCode: 3, message: new ServiceUnavailableError('kafka', address, reason).message };
  const hint = TOO_LARGE_TEXT.test(reason)
    ? ` (a batch of up to ${batchSize ?? DEFAULT_BATCH_SIZE} events is over the broker's message size limit: lower --batch-size)`
    : '';
  return { exitCode: 1, message: `Kafka at ${address} rejected the request: ${reason}${hint}` };
}

/** The error, its causes and the parts of an aggregate (kafkajs' KafkaJSAggregateError), in order. */
function errorChain(err: Error): Error[] {
  const out: Error[] = [];
  const visit = (e: unknown) => {
    if (!(e instanceof Error) || out.length >= 20 || out.includes(e)) return;
    out.push(e);
    const parts = (e as { errors?: unknown }).errors;
    if (Array.isArray(parts)) parts.forEach(visit);
    visit(e.cause);
  };
  visit(err);
  return out;
}

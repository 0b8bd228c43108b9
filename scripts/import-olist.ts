/**
 * Imports the Olist sample as lifecycle events through the same producer path as the API:
 *
 *   npm run import:olist -- <folder> [--site-tz America/Sao_Paulo] [--limit N] [--batch-size 1000]
 *
 * Kafka, topic prefix etc. come from the environment (KAFKA_BROKERS, SCT_TOPIC_PREFIX; see
 * runtime/config.ts). Event ids are deterministic, so running it twice has no double effect.
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.
 * Exit codes: 0 ok, 2 bad arguments or input files, 3 Kafka unreachable, 1 anything else.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { timeZoneSchema } from '../contracts';
import { ConfigError, loadConfig } from '../runtime/config';
import { createKafka, ensureTopics, EventPublisher } from '../runtime/kafka';
import { ServiceUnavailableError } from '../runtime/service-errors';
import {
  DEFAULT_SITE_TIME_ZONE,
  formatSummary,
  importOlist,
  OlistInputError,
  resolveOlistFiles,
  type ImportProgress,
} from './olist';

const USAGE =
  'usage: npm run import:olist -- <folder> [--site-tz America/Sao_Paulo] [--limit N] [--batch-size 1000]';

class UsageError extends Error {}

function parseCli(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'site-tz': { type: 'string', default: DEFAULT_SITE_TIME_ZONE },
        limit: { type: 'string' },
        'batch-size': { type: 'string', default: '1000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (positionals.length !== 1)
    throw new UsageError(
      'give exactly one folder (the one holding olist_orders_dataset.csv and the other CSV files)',
    );
  const tz = timeZoneSchema.safeParse(values['site-tz']);
  if (!tz.success)
    throw new UsageError(`--site-tz: ${tz.error.issues[0]?.message ?? 'invalid'} (got ${values['site-tz']})`);
  const positiveInt = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new UsageError(`--${name}: must be a whole number >= 1 (got ${text})`);
    return Number(text);
  };
  return {
    folder: positionals[0]!,
    siteTimeZone: tz.data,
    limit: positiveInt('limit', values.limit),
    batchSize: positiveInt('batch-size', values['batch-size'])!,
  };
}

/** Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise. */
function progressReporter() {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format:
          'importing [{bar}] {percentage}% | {value}/{total} orders | {events} events | ETA {eta_formatted}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p: ImportProgress) {
        if (!started) {
          bar.start(p.ordersTotal, p.ordersDone, { events: p.eventsPublished });
          started = true;
        } else bar.update(p.ordersDone, { events: p.eventsPublished });
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = 0;
  return {
    update(p: ImportProgress) {
      const t = Date.now();
      if (t - last < 2_000 && p.ordersDone < p.ordersTotal) return;
      last = t;
      process.stderr.write(
        `importing: ${p.ordersDone}/${p.ordersTotal} orders, ${p.eventsPublished} events published\n`,
      );
    },
    stop: () => undefined,
  };
}

async function main(): Promise<number> {
  const args = parseCli(process.argv.slice(2));
  resolveOlistFiles(args.folder); // names a missing folder or file before connecting anywhere
  const config = loadConfig();
  const kafka = createKafka(config, 'sct-olist-import');
  const topics = await ensureTopics(kafka, config);
  const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
  const progress = progressReporter();
  process.stderr.write(
    `publishing to ${topics.orders} and ${topics.shipments} at ${config.kafkaBrokers.join(',')}\n`,
  );
  try {
    const summary = await importOlist({
      folder: args.folder,
      siteTimeZone: args.siteTimeZone,
      limit: args.limit,
      batchSize: args.batchSize,
      publish: (events) => publisher.publish(events),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    process.stdout.write(`${formatSummary(summary)}\n`);
    return 0;
  } finally {
    progress.stop();
    await publisher.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`import:olist: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    if (err instanceof OlistInputError || err instanceof ConfigError) {
      process.stderr.write(`import:olist: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof ServiceUnavailableError) {
      process.stderr.write(`import:olist: ${err.message}\n`);
      process.exit(3);
    }
    process.stderr.write(
      `import:olist: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);

/**
 * Imports the Olist sample as lifecycle events through the same producer path as the API:
 *
 *   npm run import:olist -- <folder> [--site-tz America/Sao_Paulo] [--limit N] [--batch-size 1000]
 *
 * `--help` lists every option. Kafka, topic prefix etc. come from the environment
 * (KAFKA_BROKERS, SCT_TOPIC_PREFIX; see runtime/config.ts). Every file is parsed before Kafka is
 * touched. Event ids are deterministic, so running it twice has no double effect.
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout.
 * Exit codes: 0 ok, 2 bad arguments or input files, 3 Kafka unreachable, 1 anything else.
 * The command itself (rules, messages, order of steps) is scripts/olist/cli.ts.
 */
import cliProgress from 'cli-progress';
import { createKafka, ensureTopics, EventPublisher } from '../runtime/kafka';
import { runCliMain } from './cli';
import type { ImportProgress } from './olist';
import { runImportCli } from './olist/cli';

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

runCliMain('import:olist', () =>
  runImportCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: progressReporter(),
    async connect(config) {
      const kafka = createKafka(config, 'sct-olist-import');
      const topics = await ensureTopics(kafka, config);
      const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
      return {
        target: `${topics.orders} and ${topics.shipments} at ${config.kafkaBrokers.join(',')}`,
        publish: (events) => publisher.publish(events),
        close: () => publisher.close(),
      };
    },
  }),
);

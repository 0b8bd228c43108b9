/**
 * Phases `limits` and `naive` (own database and topics): what Kafka and PostgreSQL can do on
 * this machine, and the naive one-message-one-upsert consumer the pipeline is compared with.
 */
import { TOPIC_PARTITIONS } from '../../../contracts';
import type { AppConfig } from '../../../runtime/config';
import { createPool, migrate, migrationsDir } from '../../../runtime/db';
import { createKafka } from '../../../runtime/kafka';
import type { Dataset } from '../dataset';
import { consumeRate, kafkaMessagesOf, orderRowsOf, pgUpsertRate, produceRate } from '../limits';
import { log } from '../log';
import { naiveRate } from '../naive';
import type { BenchRun } from '../run';

/**
 * Measures the limits and the naive baseline (those of the two in `--phases`) in a database and
 * topics of their own, removed afterwards. Figures go to `run.results`.
 */
export async function measureLimitsAndNaive(run: BenchRun, data: Dataset): Promise<void> {
  const { opts, base, results } = run;
  if (!opts.phases.has('limits') && !opts.phases.has('naive')) return;
  const cleanup = run.newCleanup();
  const limitsName = `sctbench_${run.id}_lim`;
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/${limitsName}`;
  const limitsConfig: AppConfig = { ...base, databaseUrl: dbUrl.toString(), topicPrefix: limitsName };
  cleanup.databases.add(limitsConfig.databaseUrl);
  const rawTopic = `${limitsName}.raw`;
  const idemTopic = `${limitsName}.raw-publisher`;
  cleanup.topics.add(rawTopic);
  cleanup.topics.add(idemTopic);
  cleanup.groups.add(`${limitsName}.consume`);
  cleanup.groups.add(`${limitsName}.naive`);
  const kafka = createKafka(base, 'sct-bench');
  const pool = createPool(limitsConfig, 1);
  const allEvents = data.batches.flat();
  const messages = kafkaMessagesOf(allEvents.slice(0, opts.limitMessages));
  const ready = await run.phase('setup of the limit measurements', async () => {
    await migrate(limitsConfig, migrationsDir(run.repoRoot));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [rawTopic, idemTopic].map((topic) => ({
          topic,
          numPartitions: TOPIC_PARTITIONS,
          replicationFactor: 1,
        })),
      });
    } finally {
      await admin.disconnect();
    }
    return true;
  });
  if (ready && opts.phases.has('limits')) {
    results.kafkaProduce = await run.phase(
      `limit: Kafka produce, ${messages.length} pipeline messages, acks=all`,
      async () => {
        const r = await produceRate(kafka, rawTopic, messages, {
          batchSize: 1000,
          inFlight: 4,
          idempotent: false,
        });
        log(`   ${Math.round(r.perSecond)} messages/s`);
        return {
          ...r,
          config: 'kafkajs producer, acks=all, 1,000 messages per request, 4 requests in flight',
        };
      },
    );
    results.kafkaProducePublisherConfig = await run.phase(
      'reference: Kafka produce with the API publisher settings',
      async () => {
        const r = await produceRate(kafka, idemTopic, messages.slice(0, Math.min(messages.length, 50_000)), {
          batchSize: 1000,
          inFlight: 1,
          idempotent: true,
        });
        log(`   ${Math.round(r.perSecond)} messages/s`);
        return {
          ...r,
          config: 'idempotent, 1 request in flight, acks=all, 1,000 messages per request (EventPublisher)',
        };
      },
    );
    if (results.kafkaProduce) {
      results.kafkaConsume = await run.phase(
        `limit: Kafka consume, ${messages.length} messages`,
        async () => {
          const r = await consumeRate(kafka, rawTopic, `${limitsName}.consume`, messages.length);
          log(`   ${Math.round(r.perSecond)} messages/s`);
          return r;
        },
      );
    }
    results.pgUpsert = await run.phase(
      'limit: PostgreSQL batched upserts of orders rows (1,000 rows per transaction)',
      async () => {
        const rows = orderRowsOf(allEvents);
        const r = await pgUpsertRate(pool, rows, { batchSize: 1000, updatePasses: 2 });
        log(
          `   ${Math.round(r.all.perSecond)} rows/s (${rows.length} inserts at ${Math.round(r.inserts.perSecond)}/s, ` +
            `${r.updates.count} updates at ${Math.round(r.updates.perSecond)}/s)`,
        );
        return r;
      },
    );
  }
  if (ready && opts.phases.has('naive')) {
    results.naive = await run.phase(
      `baseline: naive consumer, ${opts.naive} events, one autocommitted upsert each`,
      async () => {
        if (!results.kafkaProduce) {
          await produceRate(kafka, rawTopic, messages.slice(0, opts.naive + 1000), {
            batchSize: 1000,
            inFlight: 4,
            idempotent: false,
          });
        }
        const r = await naiveRate(kafka, pool, rawTopic, `${limitsName}.naive`, opts.naive);
        log(`   ${Math.round(r.perSecond)} events/s`);
        return r;
      },
    );
  }
  await pool.end();
  await run.recordCleanup(cleanup.run());
}

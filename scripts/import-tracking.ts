/**
 * Imports carrier tracking responses (AfterShip v3/v4) as shipment events through the same
 * producer path as the API and the Olist import:
 *
 *   npm run import:tracking -- <file or folder> [...] [--zone <IANA zone>] [--batch-size N]
 *
 * `--help` explains the mapping, the time rules and the alerts. Kafka and the topic prefix come
 * from the environment (KAFKA_BROKERS, SCT_TOPIC_PREFIX; runtime/config.ts). The command itself
 * is scripts/tracking/cli.ts.
 */
import { createKafka, ensureTopics, EventPublisher } from '../runtime/kafka';
import { runCliMain } from './cli';
import { runTrackingCli } from './tracking/cli';

runCliMain('import:tracking', () =>
  runTrackingCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    progress: (p) =>
      process.stderr.write(
        `importing: ${p.shipmentsDone}/${p.shipmentsTotal} shipments, ${p.eventsPublished} events\n`,
      ),
    async connect(config) {
      const kafka = createKafka(config, 'sct-tracking-import');
      const topics = await ensureTopics(kafka, config);
      const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
      return {
        target: `${topics.shipments} at ${config.kafkaBrokers.join(',')}`,
        publish: (events) => publisher.publish(events),
        close: () => publisher.close(),
      };
    },
  }),
);

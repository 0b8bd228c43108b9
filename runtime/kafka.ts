/**
 * Kafka access for every process: client factory, topic creation and the event publisher (the
 * transport facade used by the API, the drills and the Olist import alike).
 *
 * The publisher is idempotent (`idempotent: true`, one in-flight request) and waits for acks=all,
 * so a returned result means the broker durably stored the event. Records are CloudEvents in
 * structured content mode (`toKafkaMessage`, see `cloudevents-kafka.ts`).
 */
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Producer,
  type Admin,
  type SASLOptions,
} from 'kafkajs';
import {
  TOPIC_PARTITIONS,
  topicForType,
  topicNames,
  type SupplyChainEvent,
  type TopicNames,
  type InjectResult,
} from '../contracts';
import { toKafkaMessage } from './cloudevents-kafka';
import { howToStart, ServiceUnavailableError } from './service-errors';
import type { AppConfig, KafkaSasl } from './config';

export { toKafkaMessage } from './cloudevents-kafka';

/**
 * How hard a client retries. `background` (workers, import): ride out a broker restart.
 * `interactive` (the API): fail fast, so an operator gets "broker unavailable" within seconds
 * instead of a hanging request (the idempotent producer makes a retry by the caller safe).
 */
export type KafkaProfile = 'background' | 'interactive';

/**
 * A kafkajs client with quiet logs and bounded connection retries; every Kafka client of the
 * project is made here. With `config.kafkaSasl` it authenticates with SASL/SCRAM (plain TCP, as
 * the local stack's SASL_PLAINTEXT listener expects); with null it connects without
 * authentication.
 * @param config brokers (`host:port`) and SASL credentials (null: none)
 * @param clientId shows up in broker logs (`sct-main`, `sct-order-processor`, ...)
 * @param profile retry behaviour, see {@link KafkaProfile}
 */
export function createKafka(
  config: Pick<AppConfig, 'kafkaBrokers' | 'kafkaSasl'>,
  clientId: string,
  profile: KafkaProfile = 'background',
): Kafka {
  const interactive = profile === 'interactive';
  const sasl = config.kafkaSasl;
  return new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    ...(sasl
      ? {
          sasl: saslOptions(sasl),
          authenticationTimeout: interactive ? 3_000 : 10_000,
        }
      : {}),
    logLevel: KafkaLogLevel.NOTHING,
    connectionTimeout: interactive ? 1_500 : 3_000,
    requestTimeout: interactive ? 5_000 : 30_000,
    retry: interactive
      ? { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 }
      : { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

/** kafkajs' SASL options for the configured credentials (its type is a union per mechanism). */
function saslOptions(sasl: KafkaSasl): SASLOptions {
  const { username, password } = sasl;
  return sasl.mechanism === 'scram-sha-512'
    ? { mechanism: 'scram-sha-512', username, password }
    : { mechanism: 'scram-sha-256', username, password };
}

/**
 * Creates the project's topics when missing (6 partitions, replication factor 1 for a single
 * node) and waits until every partition has a leader. Safe when any number of processes call it
 * together: a topic another process created meanwhile (`TOPIC_ALREADY_EXISTS`; kafkajs'
 * createTopics then returns false without waiting for leaders) counts as created.
 * @throws ServiceUnavailableError when the broker cannot be reached or gives no leaders within `leaderWaitMs` (ms)
 */
export async function ensureTopics(
  kafka: Kafka,
  config: Pick<AppConfig, 'kafkaBrokers' | 'topicPrefix'>,
  leaderWaitMs = 30_000,
): Promise<TopicNames> {
  const topics = topicNames(config.topicPrefix);
  const admin = kafka.admin();
  await connectOrExplain(admin, config.kafkaBrokers);
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Object.values(topics).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin
        .createTopics({
          waitForLeaders: false, // waited for below, also for topics another process created
          topics: missing.map((topic) => ({ topic, numPartitions: TOPIC_PARTITIONS, replicationFactor: 1 })),
        })
        .catch((err: unknown) => {
          if (!isOnlyTopicAlreadyExists(err)) throw err;
        });
    }
    await waitForLeaders(admin, Object.values(topics), leaderWaitMs);
    return topics;
  } catch (err) {
    // e.g. KAFKA_BROKERS points at something that accepts TCP but does not speak Kafka
    throw kafkaUnavailable(config.kafkaBrokers, err, 'no Kafka answer: ');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when every error in a kafkajs (aggregate) createTopics error is `TOPIC_ALREADY_EXISTS`. */
export function isOnlyTopicAlreadyExists(err: unknown): boolean {
  const e = err as { type?: string; errors?: unknown[] } | null;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.every(isOnlyTopicAlreadyExists);
  return e?.type === 'TOPIC_ALREADY_EXISTS';
}

/** Polls metadata (every 100 ms) until each partition of `topics` has a leader; throws after `timeoutMs`. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown = null;
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const ready =
        found.length === topics.length &&
        found.every(
          (t) =>
            t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0 && p.partitionErrorCode === 0),
        );
      if (ready) return;
    } catch (err) {
      last = err; // LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC_OR_PARTITION while the topic is being created
    }
    if (Date.now() > deadline)
      throw new Error(
        `topic leaders not elected within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Connects a kafkajs producer/consumer/admin, turning connection failures into a named error.
 * @throws ServiceUnavailableError; for a refused SASL login its hint says which credentials to check
 */
export async function connectOrExplain(
  client: Pick<Admin | Producer, 'connect'>,
  brokers: string[],
): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw kafkaUnavailable(brokers, err);
  }
}

/** What to tell an operator whose broker refused the SASL login (no secret in it). */
export const SASL_FAILED_HINT =
  "check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (the local stack broker's are in .stack/kafka/credentials.json and are used automatically when KAFKA_BROKERS names it)";

/** True when kafkajs reports that the broker refused the SASL authentication. */
export function isSaslAuthenticationError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; cause?: unknown } | null;
  if (!e) return false;
  if (e.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(e.message ?? ''))
    return true;
  return e.cause !== undefined && e.cause !== err && isSaslAuthenticationError(e.cause);
}

/**
 * A {@link ServiceUnavailableError} for a Kafka failure, with the credentials hint for a refused
 * login (`err` itself when it is one already).
 * @param prefix put before the error's message
 */
export function kafkaUnavailable(
  brokers: readonly string[],
  err: unknown,
  prefix = '',
): ServiceUnavailableError {
  if (err instanceof ServiceUnavailableError) return err;
  const message = prefix + (err instanceof Error ? err.message : String(err));
  if (isSaslAuthenticationError(err))
    return new ServiceUnavailableError(
      'kafka',
      brokers.join(','),
      `SASL authentication failed: ${message}`,
      SASL_FAILED_HINT,
    );
  // A SASL listener closes the connection of a client that sends requests without logging in.
  if (/Closed connection/i.test(message))
    return new ServiceUnavailableError(
      'kafka',
      brokers.join(','),
      message,
      `${howToStart('kafka')}; if the broker requires SASL/SCRAM, ${SASL_FAILED_HINT}`,
    );
  return new ServiceUnavailableError('kafka', brokers.join(','), message);
}

/**
 * Publishes validated events. One instance per process; call {@link EventPublisher.close} on exit.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly brokers: string[],
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
  }

  /**
   * Publishes events (already validated) with acks=all and waits for the broker.
   * Events of one entity keep their given order (same key, same partition, one in-flight request).
   * @returns where each event was stored, in input order
   * @throws ServiceUnavailableError when the broker is unreachable; nothing is reported as stored then
   */
  async publish(events: readonly SupplyChainEvent[]): Promise<InjectResult[]> {
    if (events.length === 0) return [];
    await this.connect();
    const byTopic = new Map<string, { index: number; event: SupplyChainEvent; partition: number }[]>();
    events.forEach((event, index) => {
      const topic = topicForType(this.topics, event.type);
      const list = byTopic.get(topic) ?? [];
      list.push({ index, event, partition: partitionForKey(topic, event.subject) });
      byTopic.set(topic, list);
    });
    let metadata;
    try {
      metadata = await this.producer.sendBatch({
        acks: -1,
        timeout: 10_000,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((x) => ({ ...toKafkaMessage(x.event), partition: x.partition })),
        })),
      });
    } catch (err) {
      throw kafkaUnavailable(this.brokers, err);
    }
    return assignOffsets(byTopic, metadata, events.length);
  }

  /** Publishes raw messages (dead letters, tests) as given; acks=all. */
  async publishRaw(
    topic: string,
    messages: { key: string | null; value: string; headers?: Record<string, string> }[],
  ): Promise<void> {
    await this.connect();
    await this.producer.send({ topic, acks: -1, messages });
  }

  /**
   * Publishes one record to every partition of each topic (control records such as a drill's
   * purge, which must cut every partition's sequence; contracts/drill-purge.ts), acks=all. The
   * partition counts are read from the broker's metadata, not assumed.
   * @param build the record for a topic's partition, given the topic's partition count
   * @returns where each record was stored
   * @throws ServiceUnavailableError when the broker is unreachable (some records may be stored:
   *   control records must be idempotent, so the caller can simply retry)
   */
  async publishToEveryPartition(
    topics: readonly string[],
    build: (
      topic: string,
      partition: number,
      partitions: number,
    ) => { key: string; value: string; headers: Record<string, string> },
  ): Promise<{ topic: string; partition: number; offset: string }[]> {
    await this.connect();
    const admin = this.kafka.admin();
    try {
      await connectOrExplain(admin, this.brokers);
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const topicMessages = found.map((t) => ({
        topic: t.name,
        messages: t.partitions
          .map((p) => p.partitionId)
          .sort((a, b) => a - b)
          .map((partition) => ({ ...build(t.name, partition, t.partitions.length), partition })),
      }));
      const metadata = await this.producer.sendBatch({ acks: -1, timeout: 10_000, topicMessages });
      return metadata
        .map((m) => ({ topic: m.topicName, partition: m.partition, offset: m.baseOffset ?? '-1' }))
        .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    } catch (err) {
      throw kafkaUnavailable(this.brokers, err);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Disconnects the producer (when it was connected). */
  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => undefined);
    this.connected = null;
  }

  private connect(): Promise<void> {
    this.connected ??= connectOrExplain(this.producer, this.brokers).catch((err: unknown) => {
      this.connected = null;
      throw err;
    });
    return this.connected;
  }
}

/**
 * kafkajs reports, per topic-partition, the base offset of the appended messages. Messages of one
 * partition in one request are appended in order, so each message's offset is base + its rank.
 */
function assignOffsets(
  byTopic: Map<string, { index: number; event: SupplyChainEvent; partition: number }[]>,
  metadata: { topicName: string; partition: number; baseOffset?: string }[],
  count: number,
): InjectResult[] {
  const results: InjectResult[] = new Array<InjectResult>(count);
  const base = new Map(metadata.map((m) => [`${m.topicName}/${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
  const rankOf = new Map<string, bigint>();
  for (const [topic, list] of byTopic) {
    for (const { index, event, partition } of list) {
      const key = `${topic}/${partition}`;
      const rank = rankOf.get(key) ?? 0n;
      rankOf.set(key, rank + 1n);
      const first = base.get(key) ?? -1n;
      results[index] = {
        id: event.id,
        topic,
        partition,
        offset: first >= 0n ? (first + rank).toString() : '-1',
      };
    }
  }
  return results;
}

const keyPartitioner = Partitioners.DefaultPartitioner();
const partitionMetadata = Array.from({ length: TOPIC_PARTITIONS }, (_, partitionId) => ({
  partitionId,
  leader: 0,
  partitionErrorCode: 0,
  replicas: [0],
  isr: [0],
}));

/** The partition of an entity id: kafkajs' Java-compatible murmur2 key partitioner over the topic's partitions. */
export function partitionForKey(topic: string, key: string): number {
  return keyPartitioner({ topic, partitionMetadata, message: { key, value: null } });
}

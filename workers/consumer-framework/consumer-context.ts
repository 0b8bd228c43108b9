/**
 * What the batch consumer is given ({@link BatchConsumerOptions}) and what the batches of one
 * consumer share while it runs ({@link ConsumerContext}).
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { TopicNames } from '../../contracts';
import type { BatchTimeouts, Pool } from '../../runtime/db';
import type { EventPublisher } from '../../runtime/kafka';
import type { Logger } from '../../runtime/logger';
import type { OffsetMirror } from './offset-mirror';
import type { Projection } from './projection';
import type { RetryPolicy } from './retry-policy';

export interface BatchConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  publisher: EventPublisher;
  topics: TopicNames;
  prefix: string;
  brokers: string[];
  log: Logger;
  retry?: RetryPolicy;
  /** Bounds of each batch statement (ms); default `DEFAULT_BATCH_TIMEOUTS` (runtime/db.ts). */
  timeouts?: BatchTimeouts;
  /** False in replays: poison is parked in the table only, not sent to the dead-letter topic again. */
  produceDeadLetters?: boolean;
}

/** What the batches of one consumer share. */
export interface ConsumerContext<O, S> {
  projection: Projection<O, S>;
  opts: BatchConsumerOptions;
  group: string;
  consumer: Consumer;
  mirror: OffsetMirror;
  retry: RetryPolicy;
  timeouts: BatchTimeouts;
  /** `topic/partition` of the partitions assigned in the current generation. */
  assigned: Set<string>;
  /** `topic/partition` of the partitions paused while their stalled batch is retried. */
  stalled: Set<string>;
  stopped: boolean;
}

/**
 * Kafka topic names. Every deployment (and every test run) has a prefix so several can share
 * one broker: `<prefix>.orders`, `<prefix>.shipments`, `<prefix>.dead-letter`.
 * Message key = CloudEvents `subject` (the entity id), so one entity's events keep their order
 * inside one partition.
 */
import { entityOfType, type EventType } from './events';

/** Partition count for topics the project creates (enough for 6 worker instances per group). */
export const TOPIC_PARTITIONS = 6;

export interface TopicNames {
  orders: string;
  shipments: string;
  deadLetter: string;
}

/** Topic names for a prefix (letters, digits, `.`, `_`, `-`). */
export function topicNames(prefix: string): TopicNames {
  return {
    orders: `${prefix}.orders`,
    shipments: `${prefix}.shipments`,
    deadLetter: `${prefix}.dead-letter`,
  };
}

/** The topic an event type is published to. */
export function topicForType(topics: TopicNames, type: EventType): string {
  return entityOfType(type) === 'order' ? topics.orders : topics.shipments;
}

/**
 * The CloudEvents Kafka protocol binding names this project uses (CloudEvents Kafka Protocol
 * Binding 1.0, https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md;
 * how records are written and read: `runtime/cloudevents-kafka.ts`).
 */
export const CLOUDEVENTS_KAFKA = {
  /** The header that tells the content mode (section 3) and, in binary mode, `datacontenttype` (3.2.1). */
  contentTypeHeader: 'content-type',
  /** Media-type prefix of every CloudEvents event format: structured mode (section 3). */
  ceMediaTypePrefix: 'application/cloudevents',
  /** The JSON event format's media type, the one structured format we write and read (3.3.1). */
  structuredJson: 'application/cloudevents+json',
  /** What we write in `content-type` (the spec's own example, section 3.3.1). */
  structuredJsonContentType: 'application/cloudevents+json; charset=UTF-8',
  /** Prefix of binary-mode attribute headers (`ce_id`, `ce_specversion`, ..., section 3.2.3.1). */
  binaryHeaderPrefix: 'ce_',
  /** The binary-mode header whose presence marks a binary-mode record (section 3, receiver rule). */
  binarySpecVersionHeader: 'ce_specversion',
} as const;

/**
 * Convenience headers carried on every event record we write, besides the structured-mode value
 * (DESIGN: "carry `id` and `type` as Kafka headers too"). Not `ce_` names on purpose: in
 * structured mode `ce_` headers are binding-mode headers (section 3.3.3), and a partial set of
 * them makes a CloudEvents SDK take the record for a binary-mode event. Readers must not trust
 * them over the value; they are for tools that look at headers only.
 */
export const EVENT_HEADERS = { id: 'sct-event-id', type: 'sct-event-type', drillId: 'sct-drill-id' } as const;

/**
 * The names {@link EVENT_HEADERS} had before the binding was done properly (binary-mode names on
 * a structured value, without `ce_specversion`). Records with them are still on the topics:
 * anything that reads an event header reads the current name first, then this one.
 */
export const LEGACY_EVENT_HEADERS = { id: 'ce_id', type: 'ce_type', drillId: 'ce_drillid' } as const;

/**
 * Headers a worker adds to a record it sends to `<prefix>.dead-letter` (the original record's
 * key, value and headers are kept as they were).
 */
export const DEAD_LETTER_HEADERS = {
  error: 'dlq_error',
  sourceTopic: 'dlq_source_topic',
  sourcePartition: 'dlq_source_partition',
  sourceOffset: 'dlq_source_offset',
  consumerGroup: 'dlq_consumer_group',
} as const;

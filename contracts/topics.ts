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

/** Kafka header names carried on every event message (besides the JSON value). */
export const HEADERS = { id: 'ce_id', type: 'ce_type', drillId: 'ce_drillid' } as const;

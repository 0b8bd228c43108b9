/**
 * Turns a polled Kafka batch into events: each record decoded and validated (structured or
 * binary CloudEvents content mode, or a record written before the binding; see
 * `runtime/cloudevents-kafka.ts`), poison described for the dead-letter topic and table, and the
 * position the batch ends at. Pure: no I/O.
 */
import type { Batch, KafkaMessage } from 'kafkajs';
import {
  DRILL_PURGED_TYPE,
  drillPurgedEventSchema,
  topicForType,
  type DrillPurgedEvent,
  type SupplyChainEvent,
  type TopicNames,
} from '../../contracts';
import { decodeRecord, headersAsText, recordPayload } from '../../runtime/cloudevents-kafka';
import type { BatchPosition } from './stored-positions';

/** A message that cannot be applied, as parked in the dead-letter topic and table. */
export interface PoisonMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  /** The event as parked in `dead_letters` (a binary-mode record rebuilt as structured JSON). */
  payload: string;
  /** The record's value and headers as read, copied onto the dead-letter record. */
  value: string;
  headers: Record<string, string>;
  error: string;
  eventId: string | null;
  eventType: string | null;
}

/**
 * What {@link decodeMessage} makes of one record: a supply-chain event, a control record (a
 * drill's purge, contracts/drill-purge.ts), or the reason it is poison.
 */
export type DecodeResult =
  | { event: SupplyChainEvent }
  | { control: DrillPurgedEvent }
  | { error: string; eventId: string | null; eventType: string | null };

/** A polled batch, decoded. */
export interface DecodedBatch {
  /** Every message in offset order with its event or the reason it is poison. */
  decoded: { message: KafkaMessage; result: DecodeResult }[];
  /** The messages that failed decoding or validation. */
  invalid: PoisonMessage[];
  position: BatchPosition;
  firstOffset: number;
}

/**
 * Reads and validates one Kafka message (structured or binary CloudEvents content mode, or a
 * record written before the binding; see `runtime/cloudevents-kafka.ts`) and checks that the
 * event belongs on the topic it was read from.
 * @returns the event, or the reason it is poison with the event id and type when known
 */
export function decodeMessage(message: KafkaMessage, topic?: string, topics?: TopicNames): DecodeResult {
  const result = decodeRecord(message);
  if (!result.ok) {
    if (result.eventType === DRILL_PURGED_TYPE) return decodeControl(message, topic, topics);
    return { error: result.error, eventId: result.eventId, eventType: result.eventType };
  }
  // A valid event on the wrong topic (a producer bug) would corrupt the other entity's model.
  if (topic && topics && topicForType(topics, result.event.type) !== topic) {
    return {
      error: `event type ${result.event.type} does not belong on topic ${topic} (expected ${topicForType(topics, result.event.type)})`,
      eventId: result.event.id,
      eventType: result.event.type,
    };
  }
  return { event: result.event };
}

/**
 * A drill-purged control record (structured mode, JSON): valid only on an entity topic
 * (orders, shipments), the topics whose partitions it cuts.
 */
function decodeControl(message: KafkaMessage, topic?: string, topics?: TopicNames): DecodeResult {
  let value: unknown;
  try {
    value = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { error: 'control record: value is not JSON', eventId: null, eventType: DRILL_PURGED_TYPE };
  }
  const parsed = drillPurgedEventSchema.safeParse(value);
  const id = (value as { id?: unknown } | null)?.id;
  const eventId = typeof id === 'string' ? id : null;
  if (!parsed.success)
    return {
      error: `control record ${DRILL_PURGED_TYPE} invalid: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
        .join('; ')}`,
      eventId,
      eventType: DRILL_PURGED_TYPE,
    };
  if (topic && topics && topic !== topics.orders && topic !== topics.shipments)
    return {
      error: `control record ${DRILL_PURGED_TYPE} does not belong on topic ${topic} (only on ${topics.orders} and ${topics.shipments})`,
      eventId,
      eventType: DRILL_PURGED_TYPE,
    };
  return { control: { ...parsed.data, id: parsed.data.id.toLowerCase() } };
}

/**
 * Decodes every message of a non-empty batch and works out where it ends.
 * @param topics the deployment's topics, to check each event is on its own
 */
export function decodeBatch(batch: Batch, topics: TopicNames): DecodedBatch {
  const { topic, partition } = batch;
  const decoded = batch.messages.map((message) => ({
    message,
    result: decodeMessage(message, topic, topics),
  }));
  const invalid: PoisonMessage[] = [];
  for (const { message, result } of decoded) {
    if ('error' in result)
      invalid.push(poisonOf(topic, partition, message, result.error, result.eventId, result.eventType));
  }
  const last = batch.messages[batch.messages.length - 1]!;
  let lastEventTime: string | null = null;
  for (const { result } of decoded) if ('event' in result) lastEventTime = result.event.time;
  return {
    decoded,
    invalid,
    firstOffset: Number(batch.messages[0]!.offset),
    position: {
      topic,
      partition,
      lastOffset: Number(last.offset),
      lastAppendTime: new Date(Number(last.timestamp)).toISOString(),
      lastEventTime,
    },
  };
}

/** Describes a message as poison: where it was read, its record as read, and why. */
export function poisonOf(
  topic: string,
  partition: number,
  message: KafkaMessage,
  error: string,
  eventId: string | null,
  eventType: string | null,
): PoisonMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? null,
    payload: recordPayload(message),
    value: message.value?.toString('utf8') ?? '',
    headers: headersAsText(message.headers),
    error,
    eventId,
    eventType,
  };
}

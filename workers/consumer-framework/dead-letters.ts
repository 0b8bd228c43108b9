/**
 * Dead-lettering: poison is first produced to the dead-letter topic (acks=all, with headers
 * saying where it came from and why), then parked in `dead_letters` inside the batch
 * transaction, so a poison message is never dropped.
 */
import { DEAD_LETTER_HEADERS } from '../../contracts';
import type { PoolClient } from '../../runtime/db';
import type { BatchConsumerOptions } from './consumer-context';
import type { PoisonMessage } from './record-decoding';

/**
 * Sends poison to the dead-letter topic: each record's key, value and headers as read, plus the
 * error, source topic/partition/offset and consumer group. Nothing is sent when
 * `produceDeadLetters` is false (replays).
 * @throws the publisher's error when the send fails (the caller must not commit)
 */
export async function produceDeadLetters(
  opts: Pick<BatchConsumerOptions, 'publisher' | 'topics' | 'log' | 'produceDeadLetters'>,
  group: string,
  poison: PoisonMessage[],
): Promise<void> {
  if (opts.produceDeadLetters === false) return;
  await opts.publisher.publishRaw(
    opts.topics.deadLetter,
    poison.map((p) => ({
      key: p.key,
      value: p.value,
      headers: {
        ...p.headers,
        [DEAD_LETTER_HEADERS.error]: p.error.slice(0, 2000),
        [DEAD_LETTER_HEADERS.sourceTopic]: p.topic,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(p.partition),
        [DEAD_LETTER_HEADERS.sourceOffset]: String(p.offset),
        [DEAD_LETTER_HEADERS.consumerGroup]: group,
      },
    })),
  );
  opts.log.warn(
    { count: poison.length, first: poison[0]?.error },
    'poison events sent to the dead-letter topic',
  );
}

/**
 * Parks poison in `dead_letters` (one statement; a message parked before is left as it is).
 * Call inside the batch transaction.
 */
export async function parkDeadLetters(
  client: PoolClient,
  group: string,
  poison: PoisonMessage[],
): Promise<void> {
  await client.query(
    `INSERT INTO dead_letters (source_topic, source_partition, source_offset, consumer_group, event_id, event_type, error, payload)
     SELECT * FROM json_to_recordset($1::json) AS x(source_topic text, source_partition int, source_offset bigint,
       consumer_group text, event_id text, event_type text, error text, payload text)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        poison.map((p) => ({
          source_topic: p.topic,
          source_partition: p.partition,
          source_offset: p.offset,
          consumer_group: group,
          event_id: p.eventId,
          event_type: p.eventType,
          error: p.error,
          payload: p.payload,
        })),
      ),
    ],
  );
}

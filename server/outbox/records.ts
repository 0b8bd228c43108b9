/**
 * The outbox journal's line format: one JSON object per line,
 * `{"v":1,"sha256":"<hex>","record":{...}}`, where `sha256` is the SHA-256 of
 * `JSON.stringify(record)`. A line whose checksum or shape does not match is damaged (bit rot, a
 * hand edit, a half-written line after a crash) and never taken for a record.
 *
 * Records (in the order they are appended):
 * - `queued`: one injection (one API request) kept while Kafka is unreachable: its entry id, when
 *   (UTC), who (operator, role, sign-in method) and its events, already validated and authorized;
 * - `delivered`: the entry's events are durable in Kafka (acks=all), with where each went;
 * - `discarded`: an operator dropped the entry before it was sent, with why.
 * Pending entries = `queued` minus `delivered`/`discarded`, in `queued` order.
 */
import { createHash } from 'node:crypto';
import {
  outboxJournalLineSchema as lineSchema,
  outboxJournalRecordSchema as recordSchema,
  validateEvent,
  type InjectResult,
  type OutboxDeliveredRecord,
  type OutboxDiscardedRecord,
  type OutboxPrincipal,
  type OutboxQueuedRecord,
  type SupplyChainEvent,
} from '../../contracts';

export type { OutboxPrincipal };
export type QueuedRecord = Omit<OutboxQueuedRecord, 'events'> & { events: SupplyChainEvent[] };
export type DeliveredRecord = Omit<OutboxDeliveredRecord, 'placements'> & { placements: InjectResult[] };
export type DiscardedRecord = OutboxDiscardedRecord;
export type JournalRecord = QueuedRecord | DeliveredRecord | DiscardedRecord;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One journal line for `record`, newline included. */
export function encodeRecord(record: JournalRecord): string {
  const body = JSON.stringify(record);
  return `{"v":1,"sha256":"${sha256(body)}","record":${body}}\n`;
}

/**
 * Reads one journal line (without its newline).
 * @returns the record, or the reason the line is damaged (checksum, JSON, shape, an event that
 *   no longer validates)
 */
export function decodeRecord(
  line: string,
): { ok: true; record: JournalRecord } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  const outer = lineSchema.safeParse(parsed);
  if (!outer.success) return { ok: false, reason: 'not a journal line (v, sha256, record)' };
  if (sha256(JSON.stringify(outer.data.record)) !== outer.data.sha256)
    return { ok: false, reason: 'checksum mismatch' };
  const inner = recordSchema.safeParse(outer.data.record);
  if (!inner.success)
    return { ok: false, reason: `bad record: ${inner.error.issues[0]?.message ?? 'shape'}` };
  const record = inner.data;
  if (record.kind !== 'queued') return { ok: true, record };
  const events: SupplyChainEvent[] = [];
  for (const input of record.events) {
    const result = validateEvent(input);
    if (!result.ok) return { ok: false, reason: `queued event no longer valid: ${result.issues[0]?.field}` };
    events.push(result.event);
  }
  return { ok: true, record: { ...record, events } };
}

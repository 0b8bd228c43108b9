/**
 * The offline outbox of injections (issue 13 item 3): an injection accepted while the Kafka broker
 * is unreachable is kept in a durable local journal on the console's machine (server/outbox/),
 * answered `202` with every event marked `queued`, and delivered in order, each event once (same
 * event id), when the broker answers again, also after an app restart. An invalid or refused
 * injection never enters it.
 *
 * Routes: `GET /api/outbox` -> {@link OutboxView} (what is waiting, oldest first) and
 * `DELETE /api/outbox/:id` {@link outboxDiscardSchema} -> {@link OutboxDiscarded} (drops one queued
 * injection before it is sent; audited as `outbox.discard`).
 */
import { z } from 'zod';
import { AUTH_METHODS, ROLES } from './auth';
import { plainText } from './text';

/** An outbox entry id: a UUID (one per queued injection, i.e. per request). Loose here so an unknown id is a 404, not a 400. */
export const outboxEntryIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'only letters, digits and - are allowed');

export const outboxEntryParamsSchema = z.strictObject({ id: outboxEntryIdSchema });

/** `DELETE /api/outbox/:id` body (optional; none arrives as null): why the queued injection is dropped (audited). */
export const outboxDiscardSchema = z
  .strictObject({ reason: plainText(z.string().trim().max(500)).optional() })
  .nullish();
export type OutboxDiscardRequest = z.infer<typeof outboxDiscardSchema>;

/** The first events of a queued injection, as the console lists them. */
export const outboxEventSummarySchema = z.object({
  id: z.string(),
  type: z.string(),
  subject: z.string(),
  /** Event time as sent (RFC 3339). */
  time: z.string(),
  drillid: z.string().nullable(),
});

/** One queued injection (one API request), oldest first. */
export const outboxEntrySchema = z.object({
  entryId: z.string(),
  /** When it was queued (RFC 3339 UTC). */
  queuedAt: z.string(),
  /** Who injected it (the audit log's operator) and their role then. */
  operator: z.string(),
  role: z.enum(ROLES),
  eventCount: z.number().int(),
  /** Distinct event types and drill ids among its events. */
  types: z.array(z.string()),
  drillIds: z.array(z.string()),
  /** Up to {@link OUTBOX_EVENTS_SHOWN} first events. */
  events: z.array(outboxEventSummarySchema),
  /** Delivery attempts since this process started (the journal does not keep them). */
  attempts: z.number().int(),
  /** Why the last attempt failed (RFC 3339 UTC time and message), null before any failure. */
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

/** How many events of an entry {@link outboxEntrySchema} lists. */
export const OUTBOX_EVENTS_SHOWN = 5;

/** `GET /api/outbox` answer. */
export const outboxViewSchema = z.object({
  /** False when this console runs without an outbox (injections while Kafka is down get 503). */
  enabled: z.boolean(),
  /** The journal file on the console's machine (absolute path), null when disabled. */
  journal: z.string().nullable(),
  /** Queued injections, in delivery order (oldest first). */
  pending: z.array(outboxEntrySchema),
  /** Events in `pending`, summed. */
  queuedEvents: z.number().int(),
  /**
   * Journal lines found damaged (bad checksum or unreadable) and moved aside to `<journal>.corrupt`
   * for a person to look at; they do not block the others.
   */
  quarantined: z.number().int(),
  /** Whether the delivery loop is currently sending (true) or waiting for the broker (false). */
  delivering: z.boolean(),
});
export type OutboxView = z.infer<typeof outboxViewSchema>;

/** `DELETE /api/outbox/:id` answer: what was dropped (never sent). */
export const outboxDiscardedSchema = z.object({
  entryId: z.string(),
  eventIds: z.array(z.string()),
});
export type OutboxDiscarded = z.infer<typeof outboxDiscardedSchema>;

// ---------------------------------------------------------------------------------------------
// The journal on disk (server/outbox/records.ts): one JSON object per line,
// `{"v":1,"sha256":"<hex of JSON.stringify(record)>","record":{...}}`.
// ---------------------------------------------------------------------------------------------

/** Who queued an injection (the audit log's operator fields). */
export const outboxPrincipalSchema = z.object({
  operator: z.string().min(1),
  displayName: z.string(),
  role: z.enum(ROLES),
  method: z.enum(AUTH_METHODS),
});
export type OutboxPrincipal = z.infer<typeof outboxPrincipalSchema>;

/** An injection kept while Kafka was unreachable; `events` are re-validated when read back. */
export const outboxQueuedRecordSchema = z.object({
  kind: z.literal('queued'),
  entryId: z.string().min(1),
  /** RFC 3339 UTC. */
  queuedAt: z.string(),
  principal: outboxPrincipalSchema,
  events: z.array(z.unknown()).min(1),
});
export type OutboxQueuedRecord = z.infer<typeof outboxQueuedRecordSchema>;

/** The entry's events are durable in Kafka, stored where `placements` say. */
export const outboxDeliveredRecordSchema = z.object({
  kind: z.literal('delivered'),
  entryId: z.string().min(1),
  /** RFC 3339 UTC. */
  deliveredAt: z.string(),
  placements: z.array(
    z.object({ id: z.string(), topic: z.string(), partition: z.number().int(), offset: z.string() }),
  ),
});
export type OutboxDeliveredRecord = z.infer<typeof outboxDeliveredRecordSchema>;

/** An operator dropped the entry before it was sent. */
export const outboxDiscardedRecordSchema = z.object({
  kind: z.literal('discarded'),
  entryId: z.string().min(1),
  /** RFC 3339 UTC. */
  discardedAt: z.string(),
  operator: z.string().min(1),
  reason: z.string().nullable(),
});
export type OutboxDiscardedRecord = z.infer<typeof outboxDiscardedRecordSchema>;

export const outboxJournalRecordSchema = z.discriminatedUnion('kind', [
  outboxQueuedRecordSchema,
  outboxDeliveredRecordSchema,
  outboxDiscardedRecordSchema,
]);

/** One journal line, before its checksum is checked. */
export const outboxJournalLineSchema = z.object({
  v: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  record: z.unknown(),
});

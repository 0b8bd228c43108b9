/**
 * Purging a drill: the control event on Kafka that removes a drill as a whole from every read
 * model, and the API contract of the purge (preview and request).
 *
 * On Kafka: one `sct.control.drill_purged.v1` CloudEvent per partition of every entity topic
 * (`<prefix>.orders`, `<prefix>.shipments`), written to that partition explicitly. Ordering
 * argument: an entity's events all live in one partition (key = entity id), so the purge record
 * in that partition is a cut in the entity's own sequence: every event of the drill before it is
 * applied and then removed with the entity, every event of the drill after it is refused
 * (`drill_purged`, dead-lettered). Each worker reads the cut at the same place in the same
 * sequence, live or in a replay from offset 0, whatever the interleaving of partitions, so the
 * rebuilt read models equal the live ones. (A separate control topic would not be ordered with
 * the entity topics: a replay could read the purge before or after the drill's events.)
 * The purge of partition p removes only the drill's entities whose events came from partition p;
 * the KPI counts it takes back (`kpi_daily`) are sums, so their order across partitions does
 * not matter. Applying a purge twice changes nothing the second time.
 *
 * Routes (`contracts/routes.ts`): `GET /api/drills/:drillId/purge` (preview),
 * `POST /api/drills/:drillId/purge` (publish); both need the `drills` permission.
 */
import { z } from 'zod';
import { drillIdSchema, instantSchema } from './events';
import { shortText } from './text';

/** The CloudEvents type of the purge control record. */
export const DRILL_PURGED_TYPE = 'sct.control.drill_purged.v1';

/** `data` of the purge control record. */
export const drillPurgedDataSchema = z.strictObject({
  drillId: drillIdSchema,
  /** One id per purge request (the records of all partitions share it). */
  purgeId: z.uuid(),
  /** The operator (a named person) who asked for it, and the role they had. */
  operator: shortText(128),
  role: shortText(32),
  reason: shortText(1000).nullable(),
  /** Partitions of this record's topic when it was published (one record each). */
  partitions: z.number().int().min(1).max(10_000),
});
export type DrillPurgedData = z.infer<typeof drillPurgedDataSchema>;

/** The purge control record: a CloudEvent whose subject is the drill id. */
export const drillPurgedEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: shortText(512),
  type: z.literal(DRILL_PURGED_TYPE),
  subject: drillIdSchema,
  time: instantSchema,
  datacontenttype: z.literal('application/json').optional(),
  data: drillPurgedDataSchema,
});
export type DrillPurgedEvent = z.infer<typeof drillPurgedEventSchema>;

/** `:drillId` of the purge routes. */
export const drillPurgeParamsSchema = z.strictObject({ drillId: drillIdSchema });

/**
 * What a purge removes, counted from the read models (the console's confirmation names it).
 * Rows per read model; `kpiDaily` is the drill's share of the daily KPI counts (created orders,
 * delivered orders) that go; `redisEntries` the cached order and shipment summaries.
 */
export const drillPurgePreviewSchema = z.object({
  drillId: z.string(),
  orders: z.number().int(),
  orderLines: z.number().int(),
  orderEvents: z.number().int(),
  shipments: z.number().int(),
  shipmentCheckpoints: z.number().int(),
  orderFacts: z.number().int(),
  kpiDaily: z.object({ days: z.number().int(), created: z.number().int(), delivered: z.number().int() }),
  redisEntries: z.number().int(),
  /**
   * Live orders and shipments that carry an event of this drill in their history (applied before
   * drill isolation existed). They are live traffic: the purge leaves them as they are.
   */
  liveEntitiesTouched: z.number().int(),
  /** True when a purge of this drill was already requested (purging again changes nothing). */
  alreadyPurged: z.boolean(),
});
export type DrillPurgePreview = z.infer<typeof drillPurgePreviewSchema>;

/** `POST /api/drills/:drillId/purge` body. */
export const drillPurgeRequestSchema = z.strictObject({
  /** Why (kept in the audit log and on the control record). */
  reason: shortText(1000).optional(),
});
export type DrillPurgeRequest = z.infer<typeof drillPurgeRequestSchema>;

/** Where Kafka stored one purge record. */
export const purgeRecordPlacementSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
});

/** `POST /api/drills/:drillId/purge` answer (202: published; the workers apply it behind). */
export const drillPurgeResultSchema = z.object({
  drillId: z.string(),
  purgeId: z.uuid(),
  /** What the read models held when the purge was published (what will go). */
  preview: drillPurgePreviewSchema,
  records: z.array(purgeRecordPlacementSchema),
});
export type DrillPurgeResult = z.infer<typeof drillPurgeResultSchema>;

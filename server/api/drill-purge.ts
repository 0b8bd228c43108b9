/**
 * Purging a drill through the API (contracts/drill-purge.ts): the preview of what will go, and
 * the purge itself, which only publishes the drill-purged control record to every partition of
 * the entity topics (acks=all) and audits the request. The API never deletes read-model rows:
 * the workers apply the purge in each partition's order, and a replay of the topics does the same.
 */
import { randomUUID } from 'node:crypto';
import {
  CLOUDEVENTS_KAFKA,
  DRILL_PURGED_TYPE,
  EVENT_HEADERS,
  topicNames,
  type DrillPurgedEvent,
  type DrillPurgePreview,
  type DrillPurgeResult,
  type Principal,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { redisKeys, type RedisClient } from '../../runtime/redis';
import { recordAudit } from './audit-log';
import type { CommandDeps } from './commands';

/** CloudEvents `source` of the purge records the API writes. */
export const DRILL_PURGE_SOURCE = '/sct/api/drills';

/**
 * Counts what a purge of `drillId` removes, from the read models and the Redis cache (one
 * statement; the cache entries are counted with EXISTS, or estimated as one per entity when
 * Redis does not answer). A drill that never existed previews as all zeros.
 */
export async function previewDrillPurge(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  drillId: string,
): Promise<DrillPurgePreview> {
  const { rows } = await pool.query<
    Omit<DrillPurgePreview, 'kpiDaily' | 'redisEntries'> & {
      days: number;
      created: number;
      delivered: number;
      order_ids: string[];
      shipment_ids: string[];
    }
  >(
    `SELECT $1::text AS "drillId",
       (SELECT count(*)::int FROM orders WHERE drill_id = $1) AS orders,
       (SELECT count(*)::int FROM order_lines l JOIN orders o USING (order_id) WHERE o.drill_id = $1) AS "orderLines",
       (SELECT count(*)::int FROM order_events e JOIN orders o USING (order_id) WHERE o.drill_id = $1) AS "orderEvents",
       (SELECT count(*)::int FROM shipments WHERE drill_id = $1) AS shipments,
       (SELECT count(*)::int FROM shipment_checkpoints c JOIN shipments s USING (shipment_id)
         WHERE s.drill_id = $1) AS "shipmentCheckpoints",
       (SELECT count(*)::int FROM order_facts WHERE drill_id = $1) AS "orderFacts",
       (SELECT count(DISTINCT d)::int FROM order_facts f, unnest(ARRAY[f.created_day, f.shipped_day, f.delivered_day]) d
         WHERE f.drill_id = $1 AND d IS NOT NULL) AS days,
       (SELECT count(created_day)::int FROM order_facts WHERE drill_id = $1) AS created,
       (SELECT count(delivered_day)::int FROM order_facts WHERE drill_id = $1) AS delivered,
       (SELECT count(*)::int FROM (
          SELECT e.order_id FROM order_events e JOIN orders o USING (order_id)
           WHERE e.drill_id = $1 AND o.drill_id IS DISTINCT FROM $1
          UNION
          SELECT c.shipment_id FROM shipment_checkpoints c JOIN shipments s USING (shipment_id)
           WHERE c.drill_id = $1 AND s.drill_id IS DISTINCT FROM $1) t) AS "liveEntitiesTouched",
       (EXISTS (SELECT 1 FROM drill_purges_applied WHERE drill_id = $1)
         OR EXISTS (SELECT 1 FROM audit_log WHERE action = 'drills.purge' AND outcome = 'ok'
                      AND detail->>'drillId' = $1)) AS "alreadyPurged",
       coalesce((SELECT array_agg(order_id) FROM orders WHERE drill_id = $1), '{}') AS order_ids,
       coalesce((SELECT array_agg(shipment_id) FROM shipments WHERE drill_id = $1), '{}') AS shipment_ids`,
    [drillId],
  );
  const { days, created, delivered, order_ids, shipment_ids, ...counts } = rows[0]!;
  const keys = redisKeys(prefix);
  const cacheKeys = [
    ...order_ids.map((id) => keys.entity('order', id)),
    ...shipment_ids.map((id) => keys.entity('shipment', id)),
  ];
  let redisEntries = cacheKeys.length;
  if (cacheKeys.length > 0 && redis.status === 'ready') {
    try {
      redisEntries = 0;
      for (let i = 0; i < cacheKeys.length; i += 1000)
        redisEntries += await redis.exists(...cacheKeys.slice(i, i + 1000));
    } catch {
      redisEntries = cacheKeys.length; // Redis not answering: at most one entry per entity
    }
  }
  return { ...counts, kpiDaily: { days, created, delivered }, redisEntries };
}

/** No run, entity, event or earlier purge of the drill exists (HTTP 404, names the drill id). */
export class DrillUnknownError extends Error {
  override name = 'DrillUnknownError';
  constructor(readonly drillId: string) {
    super(`no drill ${drillId}: no run, order, shipment, event or purge of that drill exists`);
  }
}

/**
 * A run of the drill is still sending or can still send (HTTP 409, `drill_run_active`): purging
 * it then would not stop it (QA: a purged run went on sending, and every later event was
 * dead-lettered as `drill_purged`).
 */
export class DrillRunActiveError extends Error {
  override name = 'DrillRunActiveError';
  readonly code = 'drill_run_active';
  constructor(
    readonly drillId: string,
    readonly runId: string,
    readonly state: string,
  ) {
    super(
      `drill ${drillId} has run ${runId} ${state}: stop it first (POST /api/drills/runs/${runId}/stop), then purge`,
    );
  }
}

/** Run states in which a run may still send events: a purge is refused then. */
export const PURGE_BLOCKING_RUN_STATES = ['running', 'paused', 'interrupted'] as const;

/**
 * Whether `drillId` may be purged now: it must exist (a run, an order or shipment, an event in
 * the histories or dead letters, or an earlier purge: purging again stays allowed) and have no
 * run that may still send ({@link PURGE_BLOCKING_RUN_STATES}).
 * @throws DrillUnknownError, DrillRunActiveError
 */
export async function checkPurgeable(pool: Pool, drillId: string): Promise<void> {
  const { rows } = await pool.query<{ run_id: string | null; state: string | null; known: boolean }>(
    `SELECT (SELECT id FROM drill_runs WHERE drill_id = $1 AND state = ANY($2::text[])
              ORDER BY started_at DESC LIMIT 1) AS run_id,
            (SELECT state FROM drill_runs WHERE drill_id = $1 AND state = ANY($2::text[])
              ORDER BY started_at DESC LIMIT 1) AS state,
            (EXISTS (SELECT 1 FROM drill_runs WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM orders WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM shipments WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM order_events WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM shipment_checkpoints WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM order_facts WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM drill_purges_applied WHERE drill_id = $1)
             OR EXISTS (SELECT 1 FROM audit_log WHERE action = 'drills.purge' AND outcome = 'ok'
                          AND detail->>'drillId' = $1)
             OR EXISTS (SELECT 1 FROM dead_letters WHERE sct_try_jsonb(payload)->>'drillid' = $1)) AS known`,
    [drillId, PURGE_BLOCKING_RUN_STATES],
  );
  const r = rows[0]!;
  if (r.run_id) throw new DrillRunActiveError(drillId, r.run_id, r.state!);
  if (!r.known) throw new DrillUnknownError(drillId);
}

/**
 * Publishes the purge of `drillId`: one drill-purged control record per partition of the orders
 * and shipments topics (acks=all), then one audit row naming the operator. Purging a drill again
 * publishes again and changes nothing (the workers' purge is idempotent).
 * @returns the preview taken before publishing (what goes) and where each record was stored
 * @throws ServiceUnavailableError when Kafka is down (audited as failed by the server);
 *   DrillUnknownError (404) for a drill that never existed; DrillRunActiveError (409) while a run
 *   of the drill may still send ({@link checkPurgeable})
 */
export async function purgeDrill(
  deps: CommandDeps & { redis: RedisClient; prefix: string },
  principal: Principal,
  drillId: string,
  reason: string | null,
): Promise<DrillPurgeResult> {
  await checkPurgeable(deps.pool, drillId);
  const preview = await previewDrillPurge(deps.pool, deps.redis, deps.prefix, drillId);
  const purgeId = randomUUID();
  const topics = topicNames(deps.prefix);
  const time = new Date().toISOString();
  const records = await deps.publisher.publishToEveryPartition(
    [topics.orders, topics.shipments],
    (_topic, _partition, partitions) => {
      const event: DrillPurgedEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: DRILL_PURGE_SOURCE,
        type: DRILL_PURGED_TYPE,
        subject: drillId,
        time,
        datacontenttype: 'application/json',
        data: { drillId, purgeId, operator: principal.operator, role: principal.role, reason, partitions },
      };
      return {
        key: drillId,
        value: JSON.stringify(event),
        headers: {
          [CLOUDEVENTS_KAFKA.contentTypeHeader]: CLOUDEVENTS_KAFKA.structuredJsonContentType,
          [EVENT_HEADERS.id]: event.id,
          [EVENT_HEADERS.type]: DRILL_PURGED_TYPE,
          [EVENT_HEADERS.drillId]: drillId,
        },
      };
    },
  );
  await recordAudit(deps.pool, deps.log, {
    principal,
    action: 'drills.purge',
    outcome: 'ok',
    status: 202,
    reason,
    detail: {
      drillId,
      purgeId,
      itemCount: preview.orders + preview.shipments,
      alreadyPurged: preview.alreadyPurged,
      removes: {
        orders: preview.orders,
        orderEvents: preview.orderEvents,
        shipments: preview.shipments,
        shipmentCheckpoints: preview.shipmentCheckpoints,
        orderFacts: preview.orderFacts,
      },
      records: records.length,
    },
  });
  return { drillId, purgeId, preview, records };
}

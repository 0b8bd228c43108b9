/**
 * Redis access (ioredis): the hot-lookup cache and the change-notification channel.
 * Redis is a cache: every reader falls back to PostgreSQL when it is empty or down, so the
 * clients here fail fast (no offline queue) instead of stalling a request.
 */
import Redis from 'ioredis';
import type { ChangeNotification, EntitySummary, KpiSummary } from '../contracts';
import type { AppConfig } from './config';

export type RedisClient = Redis;

/** A client that reconnects in the background and fails commands fast while disconnected. */
export function createRedis(config: Pick<AppConfig, 'redisUrl'>): Redis {
  const client = new Redis(config.redisUrl, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  client.on('error', () => undefined); // state is read from `status`; errors surface per command
  return client;
}

/** Key names, all under the deployment prefix. */
export function redisKeys(prefix: string) {
  return {
    entity: (kind: 'order' | 'shipment', id: string) => `${prefix}:${kind}:${id}`,
    kpiSnapshot: `${prefix}:kpi:snapshot`,
    changes: `${prefix}:changes`,
  };
}

/** Seconds a cached entity summary lives: long enough to be hot, short enough to self-heal. */
export const ENTITY_TTL_S = 24 * 3600;

/** Most ids one change notification lists; a larger batch sets `truncated` instead. */
export const MAX_NOTIFIED_IDS = 200;

/** A change notification for the given ids, cut to {@link MAX_NOTIFIED_IDS} each. */
export function changeNotification(
  source: ChangeNotification['source'],
  ids: { orderIds?: string[]; shipmentIds?: string[]; kpi?: boolean },
): ChangeNotification {
  const orderIds = ids.orderIds ?? [];
  const shipmentIds = ids.shipmentIds ?? [];
  return {
    source,
    orderIds: orderIds.slice(0, MAX_NOTIFIED_IDS),
    shipmentIds: shipmentIds.slice(0, MAX_NOTIFIED_IDS),
    kpi: ids.kpi ?? false,
    truncated: orderIds.length > MAX_NOTIFIED_IDS || shipmentIds.length > MAX_NOTIFIED_IDS,
    at: new Date().toISOString(),
  };
}

/**
 * Writes entity summaries and publishes one change notification. Called after the PostgreSQL
 * commit; a failure here is logged by the caller and never undoes the commit.
 */
export async function publishChanges(
  redis: Redis,
  prefix: string,
  summaries: EntitySummary[],
  notification: ChangeNotification,
  kpiSnapshot?: KpiSummary,
): Promise<void> {
  const keys = redisKeys(prefix);
  const pipeline = redis.multi();
  for (const s of summaries) {
    const id = s.kind === 'order' ? s.order.orderId : s.shipment.shipmentId;
    pipeline.set(keys.entity(s.kind, id), JSON.stringify(s), 'EX', ENTITY_TTL_S);
  }
  if (kpiSnapshot) pipeline.set(keys.kpiSnapshot, JSON.stringify(kpiSnapshot));
  pipeline.publish(keys.changes, JSON.stringify(notification));
  await pipeline.exec();
}

/**
 * Redis access (ioredis): the hot-lookup cache and the change-notification channel.
 * Redis is a cache: every reader falls back to PostgreSQL when it is empty or down, so the
 * clients here fail fast (no offline queue) instead of stalling a request.
 */
import Redis from 'ioredis';
import type { ChangeNotification, EntitySummary, KpiSummary } from '../contracts';
import type { AppConfig } from './config';
import { classifyServiceCause } from './service-errors';

export type RedisClient = Redis;

/**
 * Milliseconds a Redis command may take before it fails with "Command timed out" (readers then
 * fall back to PostgreSQL). Loopback Redis answers in well under a millisecond.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 400;

/**
 * Milliseconds a connection may owe a reply without receiving a byte before it is destroyed and
 * reconnected: a frozen server (SIGSTOP, a hung host) keeps the TCP connection open, so only
 * silence shows it. The reconnect handshake times out the same way until the server answers.
 */
export const REDIS_SOCKET_TIMEOUT_MS = 1_500;

/** Last error event per client since it was last ready (see {@link redisFailureCause}). */
const lastErrors = new WeakMap<Redis, string>();

/**
 * Keeps the message of `client`'s last 'error' event until it is ready again. ioredis reports why
 * a connection was refused (`WRONGPASS`, `NOAUTH`, `NOPERM` on the handshake's HELLO/AUTH/SELECT)
 * only there: the command or `connect()` that was waiting fails with "Connection is closed.".
 * Only the message is kept (the error's `command` holds the AUTH arguments, the password).
 * Called by {@link createRedis}; for other clients, call it once after creating them.
 */
export function watchRedisErrors(client: Redis): void {
  client.on('error', (err: Error) => lastErrors.set(client, err.message));
  client.on('ready', () => lastErrors.delete(client));
}

/**
 * The real reason a Redis call on `client` failed: when `err` is ioredis' "Connection is closed."
 * / "Stream isn't writeable" (or `err` is absent) and the client's last error event (see
 * {@link watchRedisErrors}) was a refused login or command (runtime/service-errors.ts
 * `classifyServiceCause`), that error's message; else `err`'s message (or null without one).
 */
export function redisFailureCause(client: Redis, err?: unknown): string | null {
  const message = err === undefined ? null : err instanceof Error ? err.message : String(err);
  const last = lastErrors.get(client) ?? null;
  if (last && classifyServiceCause(last) !== 'unreachable') {
    if (message === null || /Connection is closed|Stream isn't writeable|enableOfflineQueue/i.test(message))
      return last;
  }
  return message ?? last;
}

/** Last timeout seen per client since it was last ready (see {@link redisUnresponsive}). */
const unresponsive = new WeakMap<Redis, string>();

/**
 * A client that reconnects in the background and fails commands fast: no offline queue, every
 * command bounded by {@link REDIS_COMMAND_TIMEOUT_MS}, a silent connection dropped after
 * {@link REDIS_SOCKET_TIMEOUT_MS}. Commands cut off by a lost connection are not resent after the
 * reconnect (a late cache write could overwrite a newer one).
 */
export function createRedis(config: Pick<AppConfig, 'redisUrl'>): Redis {
  const client = new Redis(config.redisUrl, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // State is read from `status`; errors surface per command. A socket timeout means the server
  // accepted the connection but does not answer; any other error (refused, reset) supersedes it.
  client.on('error', (err: Error) => {
    if (/Socket timeout|Command timed out/i.test(err.message)) unresponsive.set(client, err.message);
    else unresponsive.delete(client);
  });
  client.on('ready', () => unresponsive.delete(client));
  watchRedisErrors(client);
  return client;
}

/**
 * Why a client made by {@link createRedis} counts its server as connected but not answering (its
 * last connection ended in a socket timeout and it has not been ready since), or null.
 */
export function redisUnresponsive(client: Redis): string | null {
  return unresponsive.get(client) ?? null;
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
 * Writes entity summaries, deletes the entries of removed entities (a drill's purge) and
 * publishes one change notification. Called after the PostgreSQL
 * commit; a failure here is logged by the caller and never undoes the commit.
 */
export async function publishChanges(
  redis: Redis,
  prefix: string,
  summaries: EntitySummary[],
  notification: ChangeNotification,
  kpiSnapshot?: KpiSummary,
  removed: readonly { kind: EntitySummary['kind']; id: string }[] = [],
): Promise<void> {
  const keys = redisKeys(prefix);
  const pipeline = redis.multi();
  for (const s of summaries) {
    const id = s.kind === 'order' ? s.order.orderId : s.shipment.shipmentId;
    pipeline.set(keys.entity(s.kind, id), JSON.stringify(s), 'EX', ENTITY_TTL_S);
  }
  for (const r of removed) pipeline.del(keys.entity(r.kind, r.id));
  if (kpiSnapshot) pipeline.set(keys.kpiSnapshot, JSON.stringify(kpiSnapshot));
  pipeline.publish(keys.changes, JSON.stringify(notification));
  await pipeline.exec();
}

/**
 * Stack health: is each service answering, at which address, and how are the workers doing.
 * Results are cached for 2 s so a busy console cannot hammer the services.
 */
import type { Kafka } from 'kafkajs';
import type { ServiceHealth, StackHealth, WorkerHealth } from '../../contracts';
import { redactUrl, type AppConfig } from '../../runtime/config';
import type { Pool } from '../../runtime/db';
import {
  redisFailureCause,
  redisUnresponsive,
  REDIS_COMMAND_TIMEOUT_MS,
  type RedisClient,
} from '../../runtime/redis';
import { classifyServiceCause, howToFix } from '../../runtime/service-errors';
import { withConsumerState } from './consumer-state';
import { HighWatermarkHistory, withLag } from './lag';

export interface HealthDeps {
  config: AppConfig;
  pool: Pool;
  redis: RedisClient;
  kafka: Kafka;
  workers: () => WorkerHealth[];
}

async function probe(
  name: ServiceHealth['name'],
  address: string,
  check: () => Promise<unknown>,
): Promise<ServiceHealth> {
  try {
    await withTimeout(check(), 2_500);
    return { name, state: 'up', address, detail: 'ok' };
  } catch (err) {
    const cause = (err as Error).message.replace(/\.+$/, '');
    return { name, state: 'down', address, detail: `${cause}. To fix: ${howToFix(name, cause)}` };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Redis's health: `up` when PING answers within the command timeout; `degraded` when the server
 * is connected but does not answer in time (PING timed out, or the client's last connection was
 * dropped for silence and it is not ready since); `down` when unreachable. Never throws.
 */
export async function redisHealth(redis: RedisClient, address: string): Promise<ServiceHealth> {
  const degraded = (why: string): ServiceHealth => ({
    name: 'redis',
    state: 'degraded',
    address,
    detail: `connected but not answering within ${REDIS_COMMAND_TIMEOUT_MS} ms (${why}); reads use PostgreSQL and the cache is rebuilt when it answers again`,
  });
  const silent = redisUnresponsive(redis);
  if (redis.status !== 'ready' && silent) return degraded(silent);
  const up = await probe('redis', address, async () => {
    // The client fails fast while disconnected; say so instead of its internal wording.
    // A refused login or command (WRONGPASS, NOPERM) is named as such (the client's last error).
    if (redis.status !== 'ready') {
      const refused = redisFailureCause(redis);
      throw new Error(
        refused && classifyServiceCause(refused) !== 'unreachable'
          ? refused
          : `connection refused or lost (client ${redis.status})`,
      );
    }
    try {
      await redis.ping();
    } catch (err) {
      throw new Error(redisFailureCause(redis, err) ?? String(err));
    }
  });
  return up.state === 'down' && /timed out/i.test(up.detail) ? degraded('PING timed out') : up;
}

/** Returns a function that reports {@link StackHealth}, cached for 2 s. */
export function healthChecker(deps: HealthDeps): () => Promise<StackHealth> {
  let cached: { at: number; value: Promise<StackHealth> } | null = null;
  const admin = deps.kafka.admin();
  let adminConnected = false;
  // Kept across reads: lag in seconds is the age of the oldest unapplied message (server/api/lag.ts).
  const lagHistory = new HighWatermarkHistory();
  const check = async (): Promise<StackHealth> => {
    const services = await Promise.all([
      probe('kafka', deps.config.kafkaBrokers.join(','), async () => {
        if (!adminConnected) {
          await admin.connect();
          adminConnected = true;
        }
        try {
          await admin.describeCluster();
        } catch (err) {
          adminConnected = false;
          await admin.disconnect().catch(() => undefined);
          throw err;
        }
      }),
      probe('postgres', redactUrl(deps.config.databaseUrl), () => deps.pool.query('SELECT 1')),
      redisHealth(deps.redis, redactUrl(deps.config.redisUrl)),
    ]);
    let workers = deps.workers();
    const kafkaUp = services[0].state === 'up';
    workers = await withTimeout(
      withConsumerState(workers, admin, deps.config.topicPrefix, kafkaUp),
      2_500,
    ).catch(() => workers);
    if (services.every((x) => x.state !== 'down')) {
      workers = await withTimeout(
        withLag(workers, deps.pool, admin, deps.config.topicPrefix, lagHistory),
        2_500,
      ).catch(() => workers);
    }
    return { services, workers, checkedAt: new Date().toISOString() };
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > 2_000) cached = { at: now, value: check() };
    return cached.value;
  };
}

/**
 * One-shot probes of Kafka, PostgreSQL and Redis with short-lived clients: whether the service
 * answers at the configured address, its version and the round trip (ms), or what failed in plain
 * words with the fix (the wording of runtime/service-errors.ts). The settings screen's *Test
 * connection* and the core's start-up wait (server/startup.ts) both use them. Never throw; never
 * put a password in a result (addresses through `redactUrl`).
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { redisFailureCause, watchRedisErrors } from './redis';
import type { ServiceProbe } from '../contracts/settings';
import { redactUrl, type AppConfig } from './config';
import { createKafka, kafkaUnavailable } from './kafka';
import { ServiceUnavailableError } from './service-errors';

/** Longest wait for one probe (ms). */
export const PROBE_TIMEOUT_MS = 3_000;

/**
 * A client library's error in plain words: `connection refused (nothing listens there)` for
 * ECONNREFUSED, `host name not found` for ENOTFOUND/EAI_AGAIN, `no answer within 3000 ms` for a
 * timeout; otherwise the library's own message (which names users, never passwords).
 */
export function plainCause(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] } | null;
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|Connection refused/i.test(message))
    return 'connection refused (nothing listens at that address)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|getaddrinfo/i.test(message))
    return 'host name not found';
  if (code === 'ETIMEDOUT' || /timed? ?out|no answer within/i.test(message))
    return `no answer within ${PROBE_TIMEOUT_MS} ms`;
  if (code === 'ECONNRESET') return 'the connection was reset by the server';
  // AggregateError (IPv4 and IPv6 both tried): the first reason.
  if (Array.isArray(e?.errors) && e.errors.length > 0) return plainCause(e.errors[0]);
  return message || 'unknown error';
}

function timeout<T>(p: Promise<T>, ms = PROBE_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })),
      ms,
    );
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

function failed(service: ServiceProbe['name'], address: string, cause: string, hint?: string): ServiceProbe {
  return {
    name: service,
    address,
    reached: false,
    version: null,
    latencyMs: null,
    error: new ServiceUnavailableError(service, address, cause, hint).message,
  };
}

/**
 * PostgreSQL: connects to the configured database (`SHOW server_version`). A database that does
 * not exist yet counts as reached: the core creates it at start.
 */
export async function probePostgres(databaseUrl: string): Promise<ServiceProbe> {
  const address = redactUrl(databaseUrl);
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await timeout(client.connect());
    const { rows } = await timeout(client.query<{ server_version: string }>('SHOW server_version'));
    return {
      name: 'postgres',
      address,
      reached: true,
      version: `PostgreSQL ${rows[0]?.server_version ?? '?'}`,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') {
      return {
        name: 'postgres',
        address,
        reached: true,
        version: 'PostgreSQL (the database does not exist yet: it is created at start)',
        latencyMs: Math.round(performance.now() - started),
        error: null,
      };
    }
    return failed('postgres', address, plainCause(err));
  } finally {
    void client.end().catch(() => undefined);
  }
}

/** Redis: PING and the server version (`INFO server`). */
export async function probeRedis(redisUrl: string): Promise<ServiceProbe> {
  const address = redactUrl(redisUrl);
  const started = performance.now();
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  watchRedisErrors(client);
  try {
    await timeout(client.connect());
    await timeout(client.ping());
    const info = await timeout(client.info('server'));
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?';
    return {
      name: 'redis',
      address,
      reached: true,
      version: `Redis ${version}`,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (err) {
    // ioredis rejects with "Connection is closed." when the server refused the login (WRONGPASS).
    const cause = redisFailureCause(client, err);
    return failed(
      'redis',
      address,
      cause === (err as Error | null)?.message ? plainCause(err) : (cause ?? plainCause(err)),
    );
  } finally {
    client.disconnect();
  }
}

/**
 * Kafka: connects an admin client (with the configured SASL login) and describes the cluster.
 * Kafka does not report its release; the version is the cluster id and broker count.
 */
export async function probeKafka(
  config: Pick<AppConfig, 'kafkaBrokers' | 'kafkaSasl'>,
): Promise<ServiceProbe> {
  const address = config.kafkaBrokers.join(',');
  const started = performance.now();
  const admin = createKafka(config, 'sct-probe', 'interactive').admin();
  try {
    await timeout(admin.connect(), PROBE_TIMEOUT_MS + 2_000);
    const cluster = await timeout(admin.describeCluster());
    return {
      name: 'kafka',
      address,
      reached: true,
      version: `Kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker${cluster.brokers.length === 1 ? '' : 's'}`,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (err) {
    const named = kafkaUnavailable(config.kafkaBrokers, err);
    return { ...failed('kafka', address, plainCause(err)), error: rewordKafka(named, plainCause(err)) };
  } finally {
    void admin.disconnect().catch(() => undefined);
  }
}

/** The named Kafka error with its cause in plain words (the SASL hint kept). */
function rewordKafka(named: ServiceUnavailableError, cause: string): string {
  return /SASL/i.test(named.message) || /Closed connection/i.test(named.cause_)
    ? named.message
    : new ServiceUnavailableError('kafka', named.address, cause).message;
}

/** Probes the three services of a configuration at once: Kafka, PostgreSQL, Redis, in that order. */
export async function probeStack(config: AppConfig): Promise<ServiceProbe[]> {
  return Promise.all([probeKafka(config), probePostgres(config.databaseUrl), probeRedis(config.redisUrl)]);
}

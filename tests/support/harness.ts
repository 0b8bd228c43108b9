/**
 * Test harness: a real, isolated deployment on the local stack. Each call gets its own
 * PostgreSQL database (`sct_test_<random>`) and topic/group/Redis prefix (`t<random>`), starts
 * the main-process core (API + supervisor + the three built workers from `out/workers`), and
 * removes everything on `close()`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { createPool, dropDatabase, findRepoRoot, migrate, migrationsDir, type Pool } from '../../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import { createLogger } from '../../runtime/logger';
import {
  consumerGroup,
  topicNames,
  validateEvent,
  WORKER_NAMES,
  workersConsuming,
  type SupplyChainEvent,
} from '../../contracts';
import { startCore, type Core, type CoreOptions } from '../../server/core';
import { forkSpawner } from '../../server/supervisor';

export const repoRoot = findRepoRoot(__dirname);

/** scrypt cost for operator accounts created by tests: fast, where the product uses the slow default. */
export const FAST_HASH = { N: 1024, r: 8, p: 1 };

export interface TestDeployment {
  config: AppConfig;
  core: Core;
  /** fetch against the API with the bearer token. */
  api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts an isolated deployment. `workers: false` runs the API alone; `console: true` also serves
 * the built console (`out/renderer`) as the headless server does; `limits` and `sessions` shorten
 * the abuse limits and session lengths; `env` adds environment variables for its configuration
 * (e.g. a REDIS_URL with an ACL user), on top of `process.env`.
 */
export async function startDeployment(
  opts: {
    workers?: boolean;
    console?: boolean;
    limits?: CoreOptions['limits'];
    sessions?: CoreOptions['sessions'];
    env?: NodeJS.ProcessEnv;
    /** Use this deployment's configuration (database, prefix) instead of new ones: a restart. */
    config?: AppConfig;
    /** Longest wait for the workers before a drill run's checks are evaluated (ms). */
    drillSettleTimeoutMs?: number;
  } = {},
): Promise<TestDeployment> {
  const workersDir = path.join(repoRoot, 'out', 'workers');
  if (opts.workers !== false && !existsSync(path.join(workersDir, 'order-processor.mjs'))) {
    throw new Error('workers are not built: run `npm run build:node` (the test command does it)');
  }
  const config: AppConfig = opts.config ?? newTestConfig(opts.env);
  const core = await startCore({
    config,
    log: createLogger('test-main', 'warn'),
    migrationsDir: migrationsDir(repoRoot),
    workersDir: opts.workers === false ? undefined : workersDir,
    spawn: opts.workers === false ? undefined : forkSpawner,
    rendererDir: opts.console ? path.join(repoRoot, 'out', 'renderer') : undefined,
    limits: opts.limits,
    sessions: opts.sessions,
    ...(opts.drillSettleTimeoutMs !== undefined ? { drillSettleTimeoutMs: opts.drillSettleTimeoutMs } : {}),
  });
  return {
    config,
    core,
    api: (p, init = {}) =>
      fetch(`${core.url}${p}`, {
        ...init,
        headers: {
          authorization: `Bearer ${core.token}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      }),
    close: async () => {
      await core.stop();
      await dropDatabase(config.databaseUrl).catch(() => undefined);
      await deleteTopics(config);
      await deleteRedisKeys(config);
    },
  };
}

/**
 * A configuration of its own for one test deployment: database `sct_test_<random>`, prefix
 * `t<random>`, any free API port, on top of the environment (plus `env`).
 */
export function newTestConfig(env: NodeJS.ProcessEnv = {}): AppConfig {
  const id = randomBytes(4).toString('hex');
  const base = loadConfig({ ...process.env, ...env });
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/sct_test_${id}`;
  return { ...base, databaseUrl: dbUrl.toString(), topicPrefix: `t${id}`, apiPort: 0, logLevel: 'warn' };
}

/** Deletes the deployment's topics and consumer groups (`<prefix>.*`). */
export async function deleteTopics(config: AppConfig): Promise<void> {
  const admin = createKafka(config, 'sct-test-cleanup').admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = Object.values(topicNames(config.topicPrefix)).filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
    await admin
      .deleteGroups(WORKER_NAMES.map((n) => consumerGroup(config.topicPrefix, n)))
      .catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Removes the deployment's cache keys (`<prefix>:*`). */
export async function deleteRedisKeys(config: AppConfig): Promise<void> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.topicPrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Posts one batch through the API until it is accepted (202): a broker or database restart makes
 * the API answer 503, and the same batch (same event ids) is then resent every second, up to 2
 * minutes; `onResend` counts the resends.
 * @throws Error when the API rejects the batch (4xx) or never accepts it
 */
export async function sendBatchUntilAccepted(
  d: Pick<TestDeployment, 'api'>,
  events: unknown[],
  onResend: () => void = () => undefined,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
      if (res.status === 202) return;
      if (res.status < 500) throw new Error(`batch rejected: ${res.status} ${await res.text()}`);
    } catch (err) {
      if (String(err).includes('batch rejected')) throw err;
    }
    onResend();
    if (attempt > 120) throw new Error('API did not accept a batch for 2 minutes');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/**
 * Waits until every worker's stored position (`consumer_offsets`) has reached the high-water mark
 * each of its topics' partitions has now, i.e. every group applied everything in the topics.
 * @throws Error naming what it waited for after `timeoutMs`
 */
export async function waitForWorkersCaughtUp(
  d: Pick<TestDeployment, 'config' | 'core'>,
  timeoutMs: number,
  everyMs = 500,
): Promise<void> {
  const topics = topicNames(d.config.topicPrefix);
  const admin = createKafka(d.config, 'sct-test-caught-up').admin();
  await admin.connect();
  let high: { topic: string; role: 'orders' | 'shipments'; partition: number; offset: number }[] = [];
  try {
    // Right after the topics were created (or the broker restarted) a partition may answer "not
    // the leader" for a moment: a retriable error kafkajs's admin does not retry here.
    high = await waitFor(
      'the topics answering their high-water marks',
      async () => {
        const found: typeof high = [];
        try {
          for (const role of ['orders', 'shipments'] as const)
            for (const o of await admin.fetchTopicOffsets(topics[role]))
              found.push({ topic: topics[role], role, partition: o.partition, offset: Number(o.high) });
        } catch (err) {
          if ((err as { retriable?: boolean }).retriable) return null;
          throw err;
        }
        return found;
      },
      30_000,
      250,
    );
  } finally {
    await admin.disconnect();
  }
  await waitFor(
    'every worker caught up',
    async () => {
      const { rows } = await d.core.pool.query<{
        consumer_group: string;
        topic: string;
        kafka_partition: number;
        next_offset: number;
      }>('SELECT consumer_group, topic, kafka_partition, next_offset FROM consumer_offsets');
      return high.every((h) =>
        workersConsuming(h.role).every(
          (name) =>
            (rows.find(
              (r) =>
                r.consumer_group === consumerGroup(d.config.topicPrefix, name) &&
                r.topic === h.topic &&
                r.kafka_partition === h.partition,
            )?.next_offset ?? 0) >= h.offset,
        ),
      );
    },
    timeoutMs,
    everyMs,
  );
}

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** A valid order.created event. */
export function orderCreated(
  orderId: string,
  overrides: Partial<{
    time: string;
    promisedDate: string;
    drillid: string;
    id: string;
    quantity: number;
  }> = {},
) {
  return {
    specversion: '1.0',
    id: overrides.id ?? randomUUID(),
    source: 'test',
    type: 'sct.order.created.v1',
    subject: orderId,
    time: overrides.time ?? '2024-03-01T12:00:00Z',
    ...(overrides.drillid ? { drillid: overrides.drillid } : {}),
    data: {
      customerId: 'c-1',
      warehouseId: 'w-1',
      siteTimeZone: 'America/Sao_Paulo',
      promisedDate: overrides.promisedDate ?? '2024-03-10',
      lines: [{ sku: 'SKU-1', quantity: overrides.quantity ?? 2 }],
    },
  };
}

/** Any order lifecycle event after created. */
export function orderEvent(
  orderId: string,
  kind: 'approved' | 'picked' | 'packed' | 'shipped' | 'delivered' | 'cancelled',
  time: string,
  extra: Record<string, unknown> = {},
) {
  const data: Record<string, unknown> =
    kind === 'shipped'
      ? { shipmentId: `shp-${orderId}` }
      : kind === 'delivered'
        ? { lines: [{ sku: 'SKU-1', quantity: 2 }] }
        : kind === 'cancelled'
          ? { reason: 'test' }
          : {};
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: `sct.order.${kind}.v1`,
    subject: orderId,
    time,
    data: { ...data, ...extra },
  };
}

/**
 * Publishes events straight to the deployment's topics the way the importers do (`npm run
 * import:olist` / `import:tracking`: runtime/kafka.ts `EventPublisher`, CloudEvents structured
 * mode, acks=all), with the stack's SASL credentials from `config`. For events the API refuses by
 * design, e.g. with an importer's `source` (contracts/event-sources.ts `apiSourceIssue`).
 * @param config the deployment's configuration (`kafkaBrokers`, SASL, `topicPrefix`)
 * @param events CloudEvents; each must pass `validateEvent`
 * @throws Error naming the event and field when one is not a valid event; Kafka errors as thrown
 */
export async function publishAsImporter(config: AppConfig, events: readonly unknown[]): Promise<void> {
  const valid: SupplyChainEvent[] = events.map((e, i) => {
    const r = validateEvent(e);
    if (!r.ok) throw new Error(`event ${i}: ${r.issues.map((x) => `${x.field} ${x.rule}`).join(', ')}`);
    return r.event;
  });
  const kafka = createKafka(config, 'sct-test-importer');
  const publisher = new EventPublisher(kafka, await ensureTopics(kafka, config), config.kafkaBrokers);
  try {
    await publisher.publish(valid);
  } finally {
    await publisher.close();
  }
}

/**
 * A new database `sct_test_<random>` on the configured server with every migration applied, for a
 * test that reads and writes the read models through SQL alone (no workers).
 * @returns its URL, a pool of 2 connections, and `drop()` (ends the pool, drops the database;
 *   never throws) for afterAll
 */
export async function createMigratedDatabase(): Promise<{
  databaseUrl: string;
  pool: Pool;
  drop(): Promise<void>;
}> {
  const url = new URL(loadConfig().databaseUrl);
  url.pathname = `/sct_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  await migrate({ databaseUrl }, migrationsDir(findRepoRoot()));
  const pool = createPool({ databaseUrl }, 2);
  return {
    databaseUrl,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      await dropDatabase(databaseUrl).catch(() => undefined);
    },
  };
}

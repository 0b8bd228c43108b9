/**
 * The main-process core, in plain Node: everything the desktop app does except the window. The
 * Electron shell (`electron/main/index.ts`) and the headless server (`server/headless.ts`)
 * both start it. It checks the services (naming any that is down), applies migrations, creates
 * topics, starts the embedded API on loopback and the worker supervisor, and relays change
 * notifications from Redis to the console's live stream.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { topicNames, type ChangeNotification } from '../contracts';
import { configToEnv, redactUrl, type AppConfig } from '../runtime/config';
import { howToStart } from '../runtime/service-errors';
import { createPool, migrate, pingPostgres, type Pool } from '../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../runtime/kafka';
import type { Logger } from '../runtime/logger';
import { createRedis, redisKeys, type RedisClient } from '../runtime/redis';
import { recordAudit } from './api/audit-log';
import { healthChecker } from './api/health';
import { loadScenarioLibrary } from './drills/library';
import { DrillRunner } from './drills/runner';
import { buildApiServer, type ApiDeps } from './api/server';
import { registerConsole } from './api/static-console';
import { Supervisor, type Spawner } from './supervisor';

export interface CoreOptions {
  config: AppConfig;
  log: Logger;
  migrationsDir: string;
  /** Folder of the built workers (`<name>.mjs`); omit to run without workers (tests of the API alone). */
  workersDir?: string;
  spawn?: Spawner;
  /** Folder of the built console (`out/renderer`), served at `/`; omit for an API-only core. */
  rendererDir?: string;
  /** Fixed machine token; a random 256-bit one by default. */
  token?: string;
  /**
   * How the machine token reaches its holder: `token` (the headless login link) or `desktop`
   * (the window's per-window secret from the preload). The audit log records it.
   */
  tokenMethod?: 'token' | 'desktop';
  /** Session lengths and abuse limits (tests shorten them). */
  sessions?: ApiDeps['sessions'];
  limits?: ApiDeps['limits'];
  /** Longest wait for the workers before a drill run's checks are evaluated (ms; default 120,000). */
  drillSettleTimeoutMs?: number;
}

export interface Core {
  /** Base URL of the API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  token: string;
  app: FastifyInstance;
  pool: Pool;
  supervisor: Supervisor | null;
  /** The drill runner (scenario runs). */
  drills: DrillRunner;
  /** Subscribes to the live change notifications (the same the console's `/api/live` gets); returns the unsubscribe. */
  onChange(listener: (n: ChangeNotification) => void): () => void;
  stop(): Promise<void>;
}

/**
 * Starts the core.
 * @throws ServiceUnavailableError when Kafka or PostgreSQL cannot be reached (Redis is optional:
 *   a cache, so the core starts without it and reconnects in the background)
 */
export async function startCore(opts: CoreOptions): Promise<Core> {
  const { config, log } = opts;
  // A broken scenario file stops the start with the file, field and rule named (before any connection).
  const library = loadScenarioLibrary(config.drillScenariosFile);
  const pool = createPool(config, 10);
  const redis = createRedis(config);
  const subscriber = createRedis(config);
  const kafka = createKafka(config, 'sct-main', 'interactive');
  const closeAll = async () => {
    redis.disconnect();
    subscriber.disconnect();
    await pool.end().catch(() => undefined);
  };
  let publisher: EventPublisher | null = null;
  try {
    await migrate(config, opts.migrationsDir); // creates the database when missing
    await pingPostgres(pool, config.databaseUrl);
    const topics = await ensureTopics(kafka, config);
    publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
  } catch (err) {
    await closeAll();
    throw err;
  }

  setTimeout(() => {
    if (redis.status !== 'ready') {
      log.warn(
        { redis: redactUrl(config.redisUrl) },
        `Redis is not reachable: the console works from PostgreSQL, without live updates. To fix: ${howToStart('redis')}`,
      );
    }
  }, 3_000).unref();

  const listeners = new Set<(n: ChangeNotification) => void>();
  relayChanges(subscriber, redisKeys(config.topicPrefix).changes, listeners, log);

  const supervisor =
    opts.workersDir && opts.spawn
      ? new Supervisor({ workersDir: opts.workersDir, env: workerEnv(config), spawn: opts.spawn, log })
      : null;
  const health = healthChecker({ config, pool, redis, kafka, workers: () => supervisor?.health() ?? [] });
  const drillAdmin = kafka.admin();
  let drillAdminConnected: Promise<void> | null = null;
  const drills = new DrillRunner({
    pool,
    publisher,
    log,
    library,
    health,
    prefix: config.topicPrefix,
    highWatermarks: async () => {
      drillAdminConnected ??= drillAdmin.connect().catch((err: unknown) => {
        drillAdminConnected = null;
        throw err;
      });
      await drillAdminConnected;
      const topics = topicNames(config.topicPrefix);
      const marks: { topic: string; partition: number; high: number }[] = [];
      for (const topic of [topics.orders, topics.shipments])
        for (const o of await drillAdmin.fetchTopicOffsets(topic))
          marks.push({ topic, partition: o.partition, high: Number(o.high) });
      return marks;
    },
    audit: (r) => recordAudit(pool, log, { ...r, outcome: 'ok' }),
    ...(opts.drillSettleTimeoutMs !== undefined ? { settleTimeoutMs: opts.drillSettleTimeoutMs } : {}),
  });
  try {
    await drills.init();
  } catch (err) {
    await publisher.close().catch(() => undefined);
    await closeAll();
    throw err;
  }
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const osUser = safeUserName();
  const app = await buildApiServer({
    pool,
    publisher,
    log,
    redis,
    prefix: config.topicPrefix,
    machineToken: token,
    machinePrincipal: {
      operator: `os:${osUser}`,
      displayName: osUser,
      role: 'owner',
      method: opts.tokenMethod ?? 'token',
      expiresAt: null,
    },
    apiHost: config.apiHost,
    allowedHosts: config.apiAllowedHosts,
    sessions: opts.sessions,
    limits: opts.limits,
    health,
    drills,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  if (opts.rendererDir) await registerConsole(app, opts.rendererDir);
  await app.listen({ host: config.apiHost, port: config.apiPort });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.apiPort;
  supervisor?.start();
  const pub = publisher;
  return {
    // Bound to every interface: this machine reaches it on loopback (a name the Host check accepts).
    url: `http://${['0.0.0.0', '::'].includes(config.apiHost) ? '127.0.0.1' : config.apiHost}:${port}`,
    token,
    app,
    pool,
    supervisor,
    drills,
    onChange: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop: async () => {
      // Sending stops first: an unfinished run is left `interrupted`, resumable after a restart.
      await drills.shutdown();
      await drillAdmin.disconnect().catch(() => undefined);
      await supervisor?.stop();
      await app.close();
      await pub.close();
      await closeAll();
    },
  };
}

/**
 * Environment handed to workers: the same configuration, as the variables they read
 * ({@link configToEnv}), credentials included (Kafka SASL, the passwords inside DATABASE_URL and
 * REDIS_URL). Workers get secrets only this way, never on their command line.
 */
export function workerEnv(config: AppConfig): NodeJS.ProcessEnv {
  return configToEnv(config, process.env);
}

function relayChanges(
  subscriber: RedisClient,
  channel: string,
  listeners: Set<(n: ChangeNotification) => void>,
  log: Logger,
): void {
  // A subscriber must re-subscribe after every reconnect (Redis restarts lose subscriptions).
  const subscribe = () =>
    void subscriber
      .subscribe(channel)
      .catch((err: unknown) => log.debug({ err: String(err) }, 'live channel not subscribed yet'));
  subscriber.on('ready', subscribe);
  // The client connects while the core starts up: it may be ready before this listener exists.
  if (subscriber.status === 'ready') subscribe();
  subscriber.on('message', (_channel: string, text: string) => {
    let n: ChangeNotification;
    try {
      n = JSON.parse(text) as ChangeNotification;
    } catch {
      return;
    }
    for (const l of listeners) l(n);
  });
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}

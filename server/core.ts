/**
 * The main-process core, in plain Node: everything the desktop app does except the window. The
 * Electron shell (`electron/main/index.ts`) and the headless server (`server/headless.ts`)
 * both start it. It serves the embedded API on loopback at once, whatever the state of the
 * services, and waits for Kafka and PostgreSQL (server/startup.ts: probes with backoff, the
 * console shows its connection screen meanwhile); as soon as they answer it applies the
 * migrations, creates the topics and starts the worker supervisor, without a restart. It relays
 * change notifications from Redis to the console's live stream, and answers the settings routes:
 * saved settings restart its connections and workers cleanly on the same port and token.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { FastifyInstance } from 'fastify';
import {
  topicNames,
  type ChangeNotification,
  type ConnectionTestResult,
  type EditableSettings,
  type InjectResult,
  type SettingsView,
  type StackService,
  type SupplyChainEvent,
} from '../contracts';
import {
  configToEnv,
  editableSources,
  maskedSettings,
  redactUrl,
  unmaskUrl,
  type AppConfig,
  type ResolvedConfig,
} from '../runtime/config';
import { createPool, migrate, type Pool } from '../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../runtime/kafka';
import type { Logger } from '../runtime/logger';
import { probeStack } from '../runtime/probes';
import { createRedis, redisKeys, type RedisClient } from '../runtime/redis';
import { ServiceUnavailableError } from '../runtime/service-errors';
import { recordAudit } from './api/audit-log';
import { healthChecker } from './api/health';
import { loadScenarioLibrary } from './drills/library';
import { DrillRunner } from './drills/runner';
import { buildApiServer, type ApiDeps } from './api/server';
import { registerConsole } from './api/static-console';
import { Outbox } from './outbox/outbox';
import { StartupController, type StartupOutcome } from './startup';
import { Supervisor, type Spawner } from './supervisor';

/**
 * Where the settings come from and whether they can be saved here. The desktop passes one that
 * reads and writes the app's settings file with passwords sealed by Electron's safeStorage;
 * headless passes a read-only one ({@link readOnlySettings}).
 */
export interface SettingsHost {
  /** The effective configuration and each value's source, read afresh (after a save too). */
  resolve(): ResolvedConfig;
  /**
   * Saves the settings (passwords sealed, never in plain text); null where settings are
   * read-only (headless: they come from the environment and `SCT_SETTINGS_FILE`).
   * @throws ConfigError naming the field (e.g. a password but no OS keychain)
   */
  save: ((settings: EditableSettings, current: AppConfig) => void) | null;
  /** Why saving is not possible here, for the settings screen; null when it is. */
  readOnlyReason: string | null;
  /** Where saved passwords go. */
  secretStorage: SettingsView['secretStorage'];
}

/** A read-only settings host over fixed sources (headless, tests). */
export function readOnlySettings(
  resolved: ResolvedConfig | (() => ResolvedConfig),
  reason: string,
): SettingsHost {
  return {
    resolve: typeof resolved === 'function' ? resolved : () => resolved,
    save: null,
    readOnlyReason: reason,
    secretStorage: 'none',
  };
}

export interface CoreOptions {
  /** The configuration to start with (also the one reported when `settings` is absent). */
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
  /** Settings sources and saving; default: read-only over `config`. */
  settings?: SettingsHost;
  /** Longest wait for the workers before a drill run's checks are evaluated (ms; default 120,000). */
  drillSettleTimeoutMs?: number;
  /**
   * Folder of the offline outbox of injections (server/outbox/): injections while Kafka is
   * unreachable are kept there and delivered when it is back. The desktop passes one under the
   * app's data folder, headless `SCT_OUTBOX_DIR` (runtime/config.ts {@link outboxDirFrom}).
   * Omitted or null: no outbox (such injections are refused with 503, as before).
   */
  outboxDir?: string | null;
  /** Backoff of the outbox's delivery retries (tests shorten it; default contracts/backoff.ts). */
  outboxBackoff?: { baseMs: number; maxMs: number };
}

export interface Core {
  /** Base URL of the API, e.g. `http://127.0.0.1:41234` (the same across settings restarts). */
  readonly url: string;
  readonly token: string;
  /** The current API server (a new one after a settings restart). */
  readonly app: FastifyInstance;
  readonly pool: Pool;
  readonly supervisor: Supervisor | null;
  /** The configuration in effect. */
  readonly config: AppConfig;
  /** The drill runner (scenario runs) of the current connections. */
  readonly drills: DrillRunner;
  /**
   * Subscribes to the live change notifications (the same the console's `/api/live` gets), across
   * settings restarts; returns the unsubscribe.
   */
  onChange(listener: (n: ChangeNotification) => void): () => void;
  /** Resolves once Kafka and PostgreSQL answered and the start completed (migrations, topics, workers). */
  whenReady(): Promise<void>;
  /** The outcome of the current start's first probe round (ready, or why not). */
  firstOutcome(): Promise<StartupOutcome>;
  /** Re-reads the settings and restarts the connections and workers (what a save does). */
  restart(): Promise<void>;
  /** The offline outbox, or null when this core runs without one. */
  readonly outbox: Outbox | null;
  stop(): Promise<void>;
}

/** One set of connections, API server and workers, for one configuration. */
interface Generation {
  config: AppConfig;
  pool: Pool;
  app: FastifyInstance;
  supervisor: Supervisor | null;
  startup: StartupController;
  drills: DrillRunner;
  /** Refuses until the start completed; then the generation's Kafka publisher. */
  publisher: StartupPublisher;
  stop(): Promise<void>;
}

/**
 * A publisher that refuses until the start completed (Kafka answered, topics created): an
 * injection meanwhile gets 503 `broker_unavailable`, nothing published.
 */
class StartupPublisher {
  private inner: EventPublisher | null = null;
  constructor(private readonly brokers: string[]) {}
  set(publisher: EventPublisher): void {
    this.inner = publisher;
  }
  /** Throws like {@link ready} while the start has not completed (a drill run is refused then). */
  assertReady(): void {
    this.ready();
  }
  /** The real publisher. @throws ServiceUnavailableError while the start has not completed */
  private ready(): EventPublisher {
    if (!this.inner)
      throw new ServiceUnavailableError(
        'kafka',
        this.brokers.join(','),
        'the console is still waiting for the broker',
      );
    return this.inner;
  }
  async publish(events: readonly SupplyChainEvent[]): Promise<InjectResult[]> {
    return this.ready().publish(events);
  }
  async publishToEveryPartition(
    ...args: Parameters<EventPublisher['publishToEveryPartition']>
  ): ReturnType<EventPublisher['publishToEveryPartition']> {
    return this.ready().publishToEveryPartition(...args);
  }
  async close(): Promise<void> {
    await this.inner?.close();
  }
}

/**
 * Opens the core: the API listens at once (in a waiting state while the services do not answer)
 * and the start completes in the background as soon as Kafka and PostgreSQL answer.
 * @throws only for what no waiting can fix: the API port in use (EADDRINUSE), a bad renderer folder
 */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const { log } = opts;
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const host: SettingsHost =
    opts.settings ??
    readOnlySettings(
      { config: opts.config, sources: allFrom('environment', opts.config) },
      'the settings come from the process that started the console',
    );
  let config = opts.config;
  let port = config.apiPort;
  // Change listeners of the core (desktop notifications): they outlive each generation.
  const changeListeners = new Set<(n: ChangeNotification) => void>();
  const notify = (n: ChangeNotification): void => {
    for (const l of changeListeners) l(n);
  };
  // One outbox for the core's whole life (settings restarts included); it sends through the
  // generation in effect and audits into its database.
  let current: Generation | null = null;
  const outbox = opts.outboxDir
    ? Outbox.open({
        dir: opts.outboxDir,
        log,
        topics: () => topicNames(config.topicPrefix),
        publish: (events) => {
          if (!current) throw new ServiceUnavailableError('kafka', config.kafkaBrokers.join(','), 'starting');
          return current.publisher.publish(events);
        },
        onDelivered: async (entry, placed) => {
          if (!current) return;
          await recordAudit(current.pool, log, {
            principal: { ...entry.principal, expiresAt: null },
            action: 'events.inject',
            outcome: 'ok',
            status: 202,
            detail: { outboxEntryId: entry.entryId, queuedAt: entry.queuedAt, deliveredFromOutbox: true },
            events: { events: entry.events, placed },
          });
        },
        ...(opts.outboxBackoff ? { backoff: opts.outboxBackoff } : {}),
      })
    : null;
  let gen: Generation;
  try {
    gen = await openGeneration(opts, config, token, port, host, () => restart(), notify, outbox);
  } catch (err) {
    await outbox?.close();
    throw err;
  }
  current = gen;
  port = listenPort(gen.app, port);
  outbox?.kick();
  let restarting: Promise<void> | null = null;
  let stopped = false;

  const restart = (): Promise<void> => {
    restarting ??= (async () => {
      const next = host.resolve().config;
      log.info(
        { config: { kafkaBrokers: next.kafkaBrokers, databaseUrl: redactUrl(next.databaseUrl) } },
        'settings changed: restarting the connections and workers',
      );
      gen.startup.markRestarting();
      await gen.stop();
      if (stopped) return;
      config = { ...next, apiHost: config.apiHost, apiPort: port };
      gen = await openGeneration(opts, config, token, port, host, () => restart(), notify, outbox);
      current = gen;
      outbox?.kick();
    })().finally(() => {
      restarting = null;
    });
    return restarting;
  };

  return {
    get url() {
      // Bound to every interface: this machine reaches it on loopback (a name the Host check accepts).
      return `http://${['0.0.0.0', '::'].includes(config.apiHost) ? '127.0.0.1' : config.apiHost}:${port}`;
    },
    token,
    get app() {
      return gen.app;
    },
    get pool() {
      return gen.pool;
    },
    get supervisor() {
      return gen.supervisor;
    },
    get config() {
      return config;
    },
    get drills() {
      return gen.drills;
    },
    onChange: (listener) => {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    whenReady: () => gen.startup.whenReady(),
    firstOutcome: () => gen.startup.firstOutcome(),
    restart,
    outbox,
    stop: async () => {
      stopped = true;
      await restarting?.catch(() => undefined);
      // Delivery stops first (a publish in flight finishes or fails); what is pending stays in the journal.
      await outbox?.close();
      await gen.stop();
    },
  };
}

/**
 * Starts the core and waits for the first probe round: the contract of callers that cannot wait
 * (tests, scripts). The desktop and headless consoles use {@link openCore}.
 * @throws ServiceUnavailableError when Kafka or PostgreSQL cannot be reached (Redis is optional:
 *   a cache, so the core starts without it and reconnects in the background)
 */
export async function startCore(opts: CoreOptions): Promise<Core> {
  const core = await openCore(opts);
  const outcome = await core.firstOutcome();
  if (!outcome.ready) {
    await core.stop();
    throw outcome.error;
  }
  return core;
}

async function openGeneration(
  opts: CoreOptions,
  config: AppConfig,
  token: string,
  port: number,
  host: SettingsHost,
  restart: () => Promise<void>,
  notify: (n: ChangeNotification) => void,
  outbox: Outbox | null,
): Promise<Generation> {
  const { log } = opts;
  // A broken scenario file stops the start with the file, field and rule named (before any connection).
  const library = loadScenarioLibrary(config.drillScenariosFile);
  const pool = createPool(config, 10);
  const redis = createRedis(config);
  const subscriber = createRedis(config);
  const kafka = createKafka(config, 'sct-main', 'interactive');
  const publisher = new StartupPublisher(config.kafkaBrokers);
  // The drill runner's own producer: its batches (up to 1,000 events, acks=all) neither wait behind
  // the API's requests on the shared idempotent producer (one request in flight) nor hold them up.
  const drillPublisher = new StartupPublisher(config.kafkaBrokers);
  let realPublisher: EventPublisher | null = null;
  const supervisor =
    opts.workersDir && opts.spawn
      ? new Supervisor({ workersDir: opts.workersDir, env: workerEnv(config), spawn: opts.spawn, log })
      : null;
  const addresses: Record<StackService, string> = {
    kafka: config.kafkaBrokers.join(','),
    postgres: redactUrl(config.databaseUrl),
    redis: redactUrl(config.redisUrl),
  };
  const health = healthChecker({ config, pool, redis, kafka, workers: () => supervisor?.health() ?? [] });
  const drillAdmin = kafka.admin();
  let drillAdminConnected: Promise<void> | null = null;
  const drills = new DrillRunner({
    pool,
    publisher: drillPublisher,
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
    brokerReady: () => publisher.assertReady(),
    ...(opts.drillSettleTimeoutMs !== undefined ? { settleTimeoutMs: opts.drillSettleTimeoutMs } : {}),
  });
  const startup = new StartupController(
    {
      probe: () => probeStack(config),
      // Creates the database when missing; then runs left `running` by a dead process become `interrupted`.
      migrate: async () => {
        await migrate(config, opts.migrationsDir);
        await drills.init();
      },
      createTopics: async () => {
        const topics = await ensureTopics(kafka, config);
        realPublisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
        publisher.set(realPublisher);
        drillPublisher.set(new EventPublisher(kafka, topics, config.kafkaBrokers));
      },
      startWorkers: () => supervisor?.start(),
    },
    log,
    addresses,
  );

  const listeners = new Set<(n: ChangeNotification) => void>([notify]);
  relayChanges(subscriber, redisKeys(config.topicPrefix).changes, listeners, log);
  const osUser = safeUserName();
  const settingsView = (): SettingsView => {
    const resolved = host.resolve();
    return {
      values: maskedSettings(resolved.config),
      sources: editableSources(resolved.sources),
      writable: host.save !== null,
      readOnlyReason: host.readOnlyReason,
      secretStorage: host.secretStorage,
    };
  };
  const app = await buildApiServer({
    pool,
    publisher,
    outbox,
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
    startup: () => startup.detail(),
    settings: {
      view: settingsView,
      test: (settings) => testConnection(settings, config),
      save: (settings) => {
        if (!host.save) return null;
        host.save(settings, config);
        return { settings: settingsView(), restart };
      },
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  if (opts.rendererDir) await registerConsole(app, opts.rendererDir);
  try {
    await app.listen({ host: config.apiHost, port });
  } catch (err) {
    redis.disconnect();
    subscriber.disconnect();
    await pool.end().catch(() => undefined);
    throw err;
  }
  const run = startup.run();
  // Queued injections go out as soon as the broker answered and the topics exist.
  void startup.whenReady().then(
    () => outbox?.kick(),
    () => undefined,
  );
  const generation: Generation = {
    config,
    pool,
    app,
    supervisor,
    startup,
    drills,
    publisher,
    stop: async () => {
      startup.stop();
      await run;
      // Sending stops first: an unfinished run is left `interrupted`, resumable after a restart.
      await drills.shutdown();
      await drillAdmin.disconnect().catch(() => undefined);
      await supervisor?.stop();
      // Open streams (the live SSE) would hold the close forever: end every connection.
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await publisher.close();
      await drillPublisher.close();
      redis.disconnect();
      subscriber.disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return generation;
}

/** The port the app listens on (the configured one, or the one the OS picked for 0). */
function listenPort(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

/**
 * The settings screen's *Test connection*: probes the three services with the given settings
 * (a URL sent with the masked password uses the password in effect), nothing saved.
 */
export async function testConnection(
  settings: EditableSettings,
  current: AppConfig,
): Promise<ConnectionTestResult> {
  const config: AppConfig = {
    ...current,
    kafkaBrokers: settings.kafkaBrokers,
    databaseUrl: unmaskUrl(settings.databaseUrl, current.databaseUrl),
    redisUrl: unmaskUrl(settings.redisUrl, current.redisUrl),
  };
  return { results: await probeStack(config), testedAt: new Date().toISOString() };
}

/** Every key from one source (a configuration given by the caller). */
function allFrom(source: 'environment', config: AppConfig): ResolvedConfig['sources'] {
  return Object.fromEntries(Object.keys(config).map((k) => [k, source])) as ResolvedConfig['sources'];
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

/**
 * Runtime configuration shared by the main process, the workers and the scripts, and the one
 * place that maps configuration to environment variables (both ways: {@link loadConfig} reads
 * them, {@link configToEnv} writes them for child processes).
 *
 * Sources, later wins:
 *   built-in defaults (everything on localhost, no credentials)
 *   < the local stack's Kafka credentials file (`<repo>/.stack/kafka/credentials.json`, written by
 *     `npm run stack:up`; only `kafkaSasl`, and only when KAFKA_BROKERS names the broker it was
 *     written for, see {@link readStackCredentials})
 *   < a JSON settings file (the console's settings screen writes it; `SCT_SETTINGS_FILE`)
 *   < environment variables (`KAFKA_BROKERS`, `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`,
 *     `KAFKA_SASL_PASSWORD`, `DATABASE_URL`, `REDIS_URL`, `SCT_TOPIC_PREFIX`, `SCT_API_HOST`,
 *     `SCT_API_PORT`, `SCT_LOG_LEVEL`, `SCT_DRILL_SCENARIOS`).
 *
 * Credentials: Kafka SASL/SCRAM in `kafkaSasl` (taken as a whole from the highest source that
 * sets it; `KAFKA_SASL_MECHANISM=none` or `"kafkaSasl": null` in the settings file turns it off);
 * the PostgreSQL password inside `DATABASE_URL` (`postgres://user:password@host/db`, or the
 * standard `PGPASSWORD` that node-postgres reads itself); the Redis ACL user and password inside
 * `REDIS_URL` (`redis://user:password@host:port/db`). None of them may reach a log line or an
 * error message: use {@link redactUrl} and {@link describeConfig}.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** SASL mechanisms the project's Kafka clients use (kafkajs names). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512'] as const;

/** Kafka SASL/SCRAM credentials. */
export const kafkaSaslSchema = z.strictObject({
  mechanism: z.enum(KAFKA_SASL_MECHANISMS),
  username: z.string().min(1, 'must not be empty'),
  password: z.string().min(1, 'must not be empty'),
});

export type KafkaSasl = z.infer<typeof kafkaSaslSchema>;

export const configSchema = z.strictObject({
  /** Kafka bootstrap servers, `host:port`. */
  kafkaBrokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')).min(1),
  /** SASL/SCRAM credentials for Kafka; null: connect without authentication. */
  kafkaSasl: kafkaSaslSchema.nullable(),
  /** PostgreSQL connection URL (`postgres://user[:password]@host:port/db`). */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://'),
  /** Redis connection URL (`redis://[user:password@]host:port/db`; user and password of a Redis ACL user). */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must start with redis://'),
  /** Prefix of topics, consumer groups, Redis keys; lets several deployments or tests share servers. */
  topicPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (1..40)'),
  /** Interface the embedded API binds to; loopback unless deliberately changed. */
  apiHost: z.string().min(1),
  /** TCP port of the embedded API; 0 picks a free one. */
  apiPort: z.number().int().min(0).max(65535),
  /**
   * Host names the API answers to besides its loopback names and bound address (DNS-rebinding
   * defence: any other Host header is refused), e.g. a wall screen's DNS name.
   */
  apiAllowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address')),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /**
   * A site's own drill scenarios: path of a JSON file `{ "scenarios": [...] }` (contracts/drills.ts
   * scenarioLibraryFileSchema) added to the built-in library; null: the built-in library only.
   */
  drillScenariosFile: z.string().min(1).nullable(),
});

export type AppConfig = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: AppConfig = {
  kafkaBrokers: ['127.0.0.1:9092'],
  kafkaSasl: null,
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/sct',
  redisUrl: 'redis://127.0.0.1:6379/0',
  topicPrefix: 'sct',
  apiHost: '127.0.0.1',
  apiPort: 0,
  apiAllowedHosts: [],
  logLevel: 'info',
  drillScenariosFile: null,
};

/** Thrown when configuration is invalid; the message names each key and rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Builds the effective configuration (sources and precedence: see the module comment).
 *
 * @param env environment variables (defaults to `process.env`)
 * @param settingsFile optional path of a JSON settings file with any subset of {@link AppConfig}
 * @param overrides values that win over everything (command-line flags, tests)
 * @param settingsRequired a missing settings file is an error (default: when it came from SCT_SETTINGS_FILE)
 * @param stackCredentialsFile the local stack's Kafka credentials file, the lowest source of
 *   `kafkaSasl` (default: `<repo>/.stack/kafka/credentials.json`, see {@link stackCredentialsPath});
 *   null ignores it
 * @throws ConfigError naming every invalid key (by its environment variable) and its rule; never a value
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  settingsFile: string | undefined = env.SCT_SETTINGS_FILE,
  overrides: Partial<AppConfig> = {},
  settingsRequired: boolean = settingsFile !== undefined && settingsFile === env.SCT_SETTINGS_FILE,
  stackCredentialsFile: string | null = stackCredentialsPath(),
): AppConfig {
  // A file the operator named (SCT_SETTINGS_FILE, a worker's --config) must exist; the desktop's
  // own settings file may not exist yet.
  const fromFile = settingsFile ? readSettingsFile(settingsFile, settingsRequired) : {};
  const fromEnv: Partial<AppConfig> = {};
  if (env.KAFKA_BROKERS)
    fromEnv.kafkaBrokers = env.KAFKA_BROKERS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const sasl = saslFromEnv(env);
  if (sasl !== undefined) fromEnv.kafkaSasl = sasl;
  if (env.DATABASE_URL) fromEnv.databaseUrl = env.DATABASE_URL;
  if (env.REDIS_URL) fromEnv.redisUrl = env.REDIS_URL;
  if (env.SCT_TOPIC_PREFIX) fromEnv.topicPrefix = env.SCT_TOPIC_PREFIX;
  if (env.SCT_API_HOST) fromEnv.apiHost = env.SCT_API_HOST;
  if (env.SCT_API_PORT) fromEnv.apiPort = Number(env.SCT_API_PORT);
  if (env.SCT_API_ALLOWED_HOSTS)
    fromEnv.apiAllowedHosts = env.SCT_API_ALLOWED_HOSTS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (env.SCT_LOG_LEVEL) fromEnv.logLevel = env.SCT_LOG_LEVEL as AppConfig['logLevel'];
  if (env.SCT_DRILL_SCENARIOS) fromEnv.drillScenariosFile = env.SCT_DRILL_SCENARIOS;
  const merged = { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...overrides };
  // The stack's credentials only fill kafkaSasl when no other source set it (null included).
  const saslSet = 'kafkaSasl' in fromFile || 'kafkaSasl' in fromEnv || 'kafkaSasl' in overrides;
  if (!saslSet && stackCredentialsFile && Array.isArray(merged.kafkaBrokers)) {
    merged.kafkaSasl = readStackCredentials(stackCredentialsFile, merged.kafkaBrokers);
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${settingName(i.path)}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  return parsed.data;
}

/**
 * `kafkaSasl` from `KAFKA_SASL_MECHANISM` / `KAFKA_SASL_USERNAME` / `KAFKA_SASL_PASSWORD`:
 * undefined when none is set, null for `KAFKA_SASL_MECHANISM=none`; the mechanism defaults to
 * scram-sha-256 when a username and password are given.
 * @throws ConfigError when the variables are incomplete or contradict each other
 */
function saslFromEnv(env: NodeJS.ProcessEnv): KafkaSasl | null | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const username = env.KAFKA_SASL_USERNAME;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!mechanism && !username && !password) return undefined;
  if (mechanism === 'none') {
    if (username || password)
      throw new ConfigError(
        'invalid configuration: KAFKA_SASL_MECHANISM is none, so KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must not be set',
      );
    return null;
  }
  const missing = [
    ...(username ? [] : ['KAFKA_SASL_USERNAME']),
    ...(password ? [] : ['KAFKA_SASL_PASSWORD']),
  ];
  if (missing.length > 0)
    throw new ConfigError(
      `invalid configuration: ${missing.join(' and ')}: required when any KAFKA_SASL_* variable is set (KAFKA_SASL_MECHANISM=none turns SASL off)`,
    );
  // Validated (mechanism name, non-empty values) with the rest of the configuration.
  return {
    mechanism: (mechanism || 'scram-sha-256') as KafkaSasl['mechanism'],
    username: username!,
    password: password!,
  };
}

/** Environment variable of each setting (messages name what the operator can set). */
const ENV_NAME: Record<keyof AppConfig, string> = {
  kafkaBrokers: 'KAFKA_BROKERS',
  kafkaSasl: 'KAFKA_SASL_*',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  topicPrefix: 'SCT_TOPIC_PREFIX',
  apiHost: 'SCT_API_HOST',
  apiPort: 'SCT_API_PORT',
  apiAllowedHosts: 'SCT_API_ALLOWED_HOSTS',
  logLevel: 'SCT_LOG_LEVEL',
  drillScenariosFile: 'SCT_DRILL_SCENARIOS',
};

const SASL_ENV_NAME: Record<keyof KafkaSasl, string> = {
  mechanism: 'KAFKA_SASL_MECHANISM',
  username: 'KAFKA_SASL_USERNAME',
  password: 'KAFKA_SASL_PASSWORD',
};

function settingName(issuePath: readonly PropertyKey[]): string {
  const key = String(issuePath[0] ?? '');
  const sub = String(issuePath[1] ?? '');
  if (key === 'kafkaSasl' && sub in SASL_ENV_NAME)
    return `${SASL_ENV_NAME[sub as keyof KafkaSasl]} (kafkaSasl.${sub})`;
  return key in ENV_NAME ? `${ENV_NAME[key as keyof AppConfig]} (${key})` : key || '(settings)';
}

/**
 * Writes a configuration as the environment variables {@link loadConfig} reads, on top of `base`
 * (the parent's environment): how the supervisor, the benchmark and the tests hand configuration
 * to worker and console processes. Secrets travel in the environment, never on a command line.
 * `kafkaSasl: null` becomes `KAFKA_SASL_MECHANISM=none`, so the child does not pick up other
 * credentials (for instance the local stack's file) than the parent used.
 * @returns a new object; `base` is not modified. `SCT_SETTINGS_FILE` is removed (the values are explicit).
 */
export function configToEnv(config: AppConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    SCT_TOPIC_PREFIX: config.topicPrefix,
    SCT_LOG_LEVEL: config.logLevel,
  };
  delete env.SCT_SETTINGS_FILE;
  delete env.KAFKA_SASL_USERNAME;
  delete env.KAFKA_SASL_PASSWORD;
  if (config.kafkaSasl) {
    env.KAFKA_SASL_MECHANISM = config.kafkaSasl.mechanism;
    env.KAFKA_SASL_USERNAME = config.kafkaSasl.username;
    env.KAFKA_SASL_PASSWORD = config.kafkaSasl.password;
  } else {
    env.KAFKA_SASL_MECHANISM = 'none';
  }
  return env;
}

/**
 * The configuration without secrets, for logs, messages and anything shown to the console: URLs
 * through {@link redactUrl}, the Kafka password replaced by `***` (mechanism and username kept).
 */
export function describeConfig(config: AppConfig): Omit<AppConfig, 'kafkaSasl'> & {
  kafkaSasl: { mechanism: KafkaSasl['mechanism']; username: string; password: '***' } | null;
} {
  return {
    ...config,
    kafkaSasl: config.kafkaSasl ? { ...config.kafkaSasl, password: '***' } : null,
    databaseUrl: redactUrl(config.databaseUrl),
    redisUrl: redactUrl(config.redisUrl),
  };
}

/**
 * The repo (or installed app) root: the nearest folder above `start` that holds
 * `db/migrations`; the working directory when none does.
 * @param start folder to search from (default: the entry script's folder)
 */
export function findRepoRoot(start = path.dirname(path.resolve(process.argv[1] ?? '.'))): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'db', 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/**
 * Where `npm run stack:up` keeps the local broker's generated Kafka credentials:
 * `<repo>/.stack/kafka/credentials.json` (mode 0600, git-ignored). Each worktree has its own.
 * @param repoRoot default {@link findRepoRoot}
 */
export function stackCredentialsPath(repoRoot = findRepoRoot()): string {
  return path.join(repoRoot, '.stack', 'kafka', 'credentials.json');
}

/** Contents of the local stack's credentials file. */
export const stackCredentialsSchema = kafkaSaslSchema.extend({
  /** `host:port` addresses of the stack broker these credentials belong to. */
  brokers: z.array(z.string()).min(1),
});

export type StackCredentials = z.infer<typeof stackCredentialsSchema>;

/**
 * The local stack's Kafka credentials, if the file exists and was written for one of `brokers`
 * (so they are never offered to another broker, e.g. a remote one or an older stack on another
 * port).
 * @param file path of the credentials file (see {@link stackCredentialsPath})
 * @param brokers the effective `kafkaBrokers`
 * @returns the credentials, or null when the file is missing or belongs to another broker
 * @throws ConfigError when the file exists but cannot be read or is not valid (the message names the file and the rule, never a value)
 */
export function readStackCredentials(file: string, brokers: readonly string[]): KafkaSasl | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(
      `local stack credentials ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(
      `local stack credentials ${file} is not JSON; remove it and the data (npm run stack:down && rm -rf .stack/kafka), then npm run stack:up`,
    );
  }
  const parsed = stackCredentialsSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`local stack credentials ${file} is not valid: ${details}`);
  }
  if (!brokers.some((b) => parsed.data.brokers.includes(b))) return null;
  const { mechanism, username, password } = parsed.data;
  return { mechanism, username, password };
}

function readSettingsFile(path: string, required: boolean): Partial<AppConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required) return {}; // no settings saved yet
    throw new ConfigError(
      `settings file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the mistake, which may be a password: say
    // only that it is broken.
    throw new ConfigError(
      `settings file ${path} is not valid JSON (its content is not shown: it may hold secrets)`,
    );
  }
  const parsed = configSchema.partial().safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`settings file ${path} is not valid: ${details}`);
  }
  return parsed.data;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Query parameters that carry secrets in connection URLs (`?password=...`, `?sslpassword=...`). */
const SECRET_PARAM = /pass|secret|token|key/i;

/**
 * The URL with any password replaced by `***`, for logs, messages and the console (secrets never
 * in logs): the userinfo password (`postgres://user:***@host/db`, `redis://user:***@host:6379/0`)
 * and query parameters named like a secret. The user name is kept (it is not a secret and tells
 * the operator which account was tried).
 * @returns the redacted URL, or `(unparseable url)` when `url` is not a URL (never the input itself)
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const name of [...u.searchParams.keys()]) {
      if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
    }
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

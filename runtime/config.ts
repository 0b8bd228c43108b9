/**
 * Runtime configuration shared by the main process, the workers and the scripts.
 *
 * Sources, later wins: built-in defaults (everything on localhost) < a JSON settings file (the
 * console's settings screen writes it) < environment variables (`KAFKA_BROKERS`, `DATABASE_URL`,
 * `REDIS_URL`, `SCT_TOPIC_PREFIX`, `SCT_API_HOST`, `SCT_API_PORT`, `SCT_LOG_LEVEL`).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const configSchema = z.strictObject({
  /** Kafka bootstrap servers, `host:port`. */
  kafkaBrokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')).min(1),
  /** PostgreSQL connection URL (`postgres://user@host:port/db`). */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://'),
  /** Redis connection URL (`redis://host:port/db`). */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must start with redis://'),
  /** Prefix of topics, consumer groups, Redis keys; lets several deployments or tests share servers. */
  topicPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (1..40)'),
  /** Interface the embedded API binds to; loopback unless deliberately changed. */
  apiHost: z.string().min(1),
  /** TCP port of the embedded API; 0 picks a free one. */
  apiPort: z.number().int().min(0).max(65535),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

export type AppConfig = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG: AppConfig = {
  kafkaBrokers: ['127.0.0.1:9092'],
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/sct',
  redisUrl: 'redis://127.0.0.1:6379/0',
  topicPrefix: 'sct',
  apiHost: '127.0.0.1',
  apiPort: 0,
  logLevel: 'info',
};

/** Thrown when configuration is invalid; the message names each key and rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Builds the effective configuration.
 *
 * @param env environment variables (defaults to `process.env`)
 * @param settingsFile optional path of a JSON settings file with any subset of {@link AppConfig}
 * @param overrides values that win over everything (command-line flags, tests)
 * @throws ConfigError naming every invalid key and its rule
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  settingsFile?: string,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const fromFile = settingsFile ? readSettingsFile(settingsFile) : {};
  const fromEnv: Partial<AppConfig> = {};
  if (env.KAFKA_BROKERS)
    fromEnv.kafkaBrokers = env.KAFKA_BROKERS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (env.DATABASE_URL) fromEnv.databaseUrl = env.DATABASE_URL;
  if (env.REDIS_URL) fromEnv.redisUrl = env.REDIS_URL;
  if (env.SCT_TOPIC_PREFIX) fromEnv.topicPrefix = env.SCT_TOPIC_PREFIX;
  if (env.SCT_API_HOST) fromEnv.apiHost = env.SCT_API_HOST;
  if (env.SCT_API_PORT) fromEnv.apiPort = Number(env.SCT_API_PORT);
  if (env.SCT_LOG_LEVEL) fromEnv.logLevel = env.SCT_LOG_LEVEL as AppConfig['logLevel'];
  const merged = { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...overrides };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  return parsed.data;
}

function readSettingsFile(path: string): Partial<AppConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {}; // no settings saved yet
  }
  try {
    return configSchema.partial().parse(JSON.parse(text));
  } catch (err) {
    throw new ConfigError(`settings file ${path} is not valid: ${(err as Error).message}`);
  }
}

/** The URL with any password replaced by `***`, for logs and messages (secrets never in logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

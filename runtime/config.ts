/**
 * Runtime configuration shared by the main process, the workers and the scripts.
 *
 * Sources, later wins: built-in defaults (everything on localhost) < a JSON settings file (the
 * console's settings screen writes it) < environment variables (`KAFKA_BROKERS`, `DATABASE_URL`,
 * `REDIS_URL`, `SCT_TOPIC_PREFIX`, `SCT_API_HOST`, `SCT_API_PORT`, `SCT_API_ALLOWED_HOSTS`,
 * `SCT_LOG_LEVEL`).
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
  /**
   * Host names the API answers to besides its loopback names and bound address (DNS-rebinding
   * defence: any other Host header is refused), e.g. a wall screen's DNS name.
   */
  apiAllowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name or IPv4 address')),
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
  apiAllowedHosts: [],
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
 * @param settingsRequired a missing settings file is an error (default: when it came from SCT_SETTINGS_FILE)
 * @throws ConfigError naming every invalid key (by its environment variable) and its rule
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  settingsFile: string | undefined = env.SCT_SETTINGS_FILE,
  overrides: Partial<AppConfig> = {},
  settingsRequired: boolean = settingsFile !== undefined && settingsFile === env.SCT_SETTINGS_FILE,
): AppConfig {
  // A file the operator named (SCT_SETTINGS_FILE, a worker's --config) must exist; the desktop's
  // own settings file may not exist yet.
  const fromFile = settingsFile ? readSettingsFile(settingsFile, settingsRequired) : {};
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
  if (env.SCT_API_ALLOWED_HOSTS)
    fromEnv.apiAllowedHosts = env.SCT_API_ALLOWED_HOSTS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (env.SCT_LOG_LEVEL) fromEnv.logLevel = env.SCT_LOG_LEVEL as AppConfig['logLevel'];
  const merged = { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...overrides };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${settingName(String(i.path[0] ?? ''))}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  return parsed.data;
}

/** Environment variable of each setting (messages name what the operator can set). */
const ENV_NAME: Record<keyof AppConfig, string> = {
  kafkaBrokers: 'KAFKA_BROKERS',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  topicPrefix: 'SCT_TOPIC_PREFIX',
  apiHost: 'SCT_API_HOST',
  apiPort: 'SCT_API_PORT',
  apiAllowedHosts: 'SCT_API_ALLOWED_HOSTS',
  logLevel: 'SCT_LOG_LEVEL',
};

function settingName(key: string): string {
  return key in ENV_NAME ? `${ENV_NAME[key as keyof AppConfig]} (${key})` : key || '(settings)';
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
  } catch (err) {
    throw new ConfigError(`settings file ${path} is not JSON: ${(err as Error).message}`);
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

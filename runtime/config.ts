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
 *     `SCT_API_PORT`, `SCT_LOG_LEVEL`, `SCT_SITE_TZ`, `SCT_THEME`, `SCT_DRILL_SCENARIOS`).
 * {@link resolveConfig} also says which source each value came from (the settings screen shows
 * it); the rules of the settings an operator edits live in contracts/settings.ts and are used here.
 *
 * Passwords in the settings file: the desktop's settings screen never writes one in plain text.
 * {@link saveSettingsFile} takes the password out of each URL (and the Kafka SASL password) and
 * stores it sealed by a {@link SecretStore} (Electron safeStorage: the OS keychain) under
 * `sealed.<key>`; {@link resolveConfig} unseals it with the same store. A hand-written file
 * (`SCT_SETTINGS_FILE`, a worker's `--config`) may still carry plain passwords.
 *
 * Credentials: Kafka SASL/SCRAM in `kafkaSasl` (taken as a whole from the highest source that
 * sets it; `KAFKA_SASL_MECHANISM=none` or `"kafkaSasl": null` in the settings file turns it off);
 * the PostgreSQL password inside `DATABASE_URL` (`postgres://user:password@host/db`, or the
 * standard `PGPASSWORD` that node-postgres reads itself); the Redis ACL user and password inside
 * `REDIS_URL` (`redis://user:password@host:port/db`). None of them may reach a log line or an
 * error message: use {@link redactUrl} and {@link describeConfig}.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  databaseUrlSchema,
  displaySettingsSchema,
  kafkaBrokersSchema,
  MASKED_PASSWORD,
  redisUrlSchema,
  siteTimeZoneSchema,
  topicPrefixSchema,
  type EditableSettingKey,
  type EditableSettings,
  type SettingSource,
} from '../contracts/settings';

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
  kafkaBrokers: kafkaBrokersSchema,
  /** SASL/SCRAM credentials for Kafka; null: connect without authentication. */
  kafkaSasl: kafkaSaslSchema.nullable(),
  /** PostgreSQL connection URL (`postgres://user[:password]@host:port/db`). */
  databaseUrl: databaseUrlSchema,
  /** Redis connection URL (`redis://[user:password@]host:port/db`; user and password of a Redis ACL user). */
  redisUrl: redisUrlSchema,
  /** Prefix of topics, consumer groups, Redis keys; lets several deployments or tests share servers. */
  topicPrefix: topicPrefixSchema,
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
  /** The site's IANA time zone (contracts/settings.ts). */
  siteTimeZone: siteTimeZoneSchema,
  /** The console's display options (contracts/settings.ts). */
  display: displaySettingsSchema,
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
  siteTimeZone: machineTimeZone(),
  display: { theme: 'system' },
};

/** This machine's IANA time zone (the default site zone), `UTC` when the runtime does not say. */
function machineTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * Seals and unseals secrets for the settings file: on the desktop, Electron's `safeStorage` (the
 * OS keychain: DPAPI, Keychain, libsecret/kwallet); injectable so the core, headless mode and the
 * tests work without Electron.
 */
export interface SecretStore {
  /** False when the OS offers no keychain: then no password can be saved. */
  readonly available: boolean;
  /** The sealed form of `plain`, as text (base64). @throws Error when unavailable */
  seal(plain: string): string;
  /** The plain text of a sealed value. @throws Error when it cannot be unsealed (another user, another machine) */
  unseal(sealed: string): string;
}

/** What each effective value came from (see contracts/settings.ts {@link SettingSource}). */
export type ConfigSources = Record<keyof AppConfig, SettingSource>;

/** The effective configuration and the source of each value. */
export interface ResolvedConfig {
  config: AppConfig;
  sources: ConfigSources;
}

/** Options of {@link resolveConfig}; every field has the default {@link loadConfig} uses. */
export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  settingsFile?: string;
  overrides?: Partial<AppConfig>;
  settingsRequired?: boolean;
  stackCredentialsFile?: string | null;
  /** Unseals the passwords the desktop saved (`sealed.*` in the settings file); null: none can be read. */
  secrets?: SecretStore | null;
}

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
  return resolveConfig({ env, settingsFile, overrides, settingsRequired, stackCredentialsFile }).config;
}

/**
 * {@link loadConfig} with the source of every value (environment > file > stack > default;
 * `overrides` count as environment) and the desktop's sealed passwords unsealed through
 * `secrets`.
 * @throws ConfigError naming every invalid key (by its environment variable) and its rule; never a value
 */
export function resolveConfig(options: ResolveOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const settingsFile = 'settingsFile' in options ? options.settingsFile : env.SCT_SETTINGS_FILE;
  const overrides = options.overrides ?? {};
  const settingsRequired =
    options.settingsRequired ?? (settingsFile !== undefined && settingsFile === env.SCT_SETTINGS_FILE);
  const stackCredentialsFile =
    options.stackCredentialsFile === undefined ? stackCredentialsPath() : options.stackCredentialsFile;
  // A file the operator named (SCT_SETTINGS_FILE, a worker's --config) must exist; the desktop's
  // own settings file may not exist yet.
  const fromFile = settingsFile
    ? readSettingsFile(settingsFile, settingsRequired, options.secrets ?? null)
    : {};
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
  if (env.SCT_SITE_TZ) fromEnv.siteTimeZone = env.SCT_SITE_TZ;
  if (env.SCT_THEME) fromEnv.display = { theme: env.SCT_THEME as AppConfig['display']['theme'] };
  const merged = { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...overrides };
  const sources = Object.fromEntries(
    (Object.keys(DEFAULT_CONFIG) as (keyof AppConfig)[]).map((k) => [
      k,
      k in overrides || k in fromEnv ? 'environment' : k in fromFile ? 'file' : 'default',
    ]),
  ) as ConfigSources;
  // The stack's credentials only fill kafkaSasl when no other source set it (null included).
  const saslSet = 'kafkaSasl' in fromFile || 'kafkaSasl' in fromEnv || 'kafkaSasl' in overrides;
  if (!saslSet && stackCredentialsFile && Array.isArray(merged.kafkaBrokers)) {
    merged.kafkaSasl = readStackCredentials(stackCredentialsFile, merged.kafkaBrokers);
    if (merged.kafkaSasl) sources.kafkaSasl = 'stack';
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${settingName(i.path)}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${details}`);
  }
  return { config: parsed.data, sources };
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
  siteTimeZone: 'SCT_SITE_TZ',
  display: 'SCT_THEME',
};

const SASL_ENV_NAME: Record<keyof KafkaSasl, string> = {
  mechanism: 'KAFKA_SASL_MECHANISM',
  username: 'KAFKA_SASL_USERNAME',
  password: 'KAFKA_SASL_PASSWORD',
};

function settingName(issuePath: readonly PropertyKey[]): string {
  const key = String(issuePath[0] ?? '');
  const sub = String(issuePath[1] ?? '');
  if (key === 'display' && sub) return `SCT_THEME (display.${sub})`;
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
    SCT_SITE_TZ: config.siteTimeZone,
    SCT_THEME: config.display.theme,
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

/** Keys of the settings file whose password may be stored sealed (`sealed.<key>`). */
const SEALABLE = ['databaseUrl', 'redisUrl', 'kafkaSasl'] as const;
type SealableKey = (typeof SEALABLE)[number];

const sealedSchema = z.strictObject({
  databaseUrl: z.string().min(1).optional(),
  redisUrl: z.string().min(1).optional(),
  kafkaSasl: z.string().min(1).optional(),
});

/** The settings file as stored: any subset of the configuration, plus the sealed passwords. */
interface StoredSettings {
  values: Record<string, unknown>;
  sealed: z.infer<typeof sealedSchema>;
}

/** Reads the stored file without validating the values; null when it does not exist. */
function readStoredSettings(file: string, required: boolean): StoredSettings | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return null; // no settings saved yet
    if (!required) return null;
    throw new ConfigError(
      `settings file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the mistake, which may be a password: say
    // only that it is broken.
    throw new ConfigError(
      `settings file ${file} is not valid JSON (its content is not shown: it may hold secrets)`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ConfigError(`settings file ${file} is not valid: (file): must be a JSON object`);
  const { sealed, ...values } = json as Record<string, unknown>;
  const parsedSealed = sealedSchema.safeParse(sealed ?? {});
  if (!parsedSealed.success) {
    const details = parsedSealed.error.issues
      .map((i) => `sealed.${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`settings file ${file} is not valid: ${details}`);
  }
  return { values, sealed: parsedSealed.data };
}

function readSettingsFile(file: string, required: boolean, secrets: SecretStore | null): Partial<AppConfig> {
  const stored = readStoredSettings(file, required);
  if (!stored) return {};
  const values = { ...stored.values };
  for (const key of SEALABLE) {
    const sealed = stored.sealed[key];
    if (sealed === undefined) continue;
    if (!secrets?.available)
      throw new ConfigError(
        `settings file ${file}: ${key}: its password was saved with the desktop app's OS keychain and cannot be read here; set ${ENV_NAME[key]} instead`,
      );
    let password: string;
    try {
      password = secrets.unseal(sealed);
    } catch {
      throw new ConfigError(
        `settings file ${file}: ${key}: the saved password cannot be unsealed (saved by another user or machine); enter it again in Settings`,
      );
    }
    if (key === 'kafkaSasl') {
      if (typeof values.kafkaSasl === 'object' && values.kafkaSasl !== null)
        values.kafkaSasl = { ...values.kafkaSasl, password };
    } else if (typeof values[key] === 'string') {
      values[key] = withPassword(values[key], password);
    }
  }
  const parsed = configSchema.partial().safeParse(values);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
      .join('; ');
    throw new ConfigError(`settings file ${file} is not valid: ${details}`);
  }
  return parsed.data;
}

/** `url` with its userinfo password set to `password` (percent-encoded); unparseable URLs unchanged. */
function withPassword(url: string, password: string): string {
  try {
    const u = new URL(url);
    u.password = encodeURIComponent(password);
    return u.toString();
  } catch {
    return url;
  }
}

/** The decoded userinfo password of a URL, or null when it has none (or is not a URL). */
export function urlPassword(url: string): string | null {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : null;
  } catch {
    return null;
  }
}

/** `url` without its userinfo password (the user name stays). */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * A URL the console sent back, with the masked password ({@link MASKED_PASSWORD}, meaning "keep
 * the stored one") replaced by the password of `current`'s URL. Any other password is kept as
 * typed; a URL without one stays without.
 */
export function unmaskUrl(submitted: string, current: string): string {
  if (urlPassword(submitted) !== MASKED_PASSWORD) return submitted;
  const password = urlPassword(current);
  return password === null ? withoutPassword(submitted) : withPassword(submitted, password);
}

/** The editable settings of a configuration, passwords masked: what the settings screen shows. */
export function maskedSettings(config: AppConfig): EditableSettings {
  return {
    kafkaBrokers: config.kafkaBrokers,
    databaseUrl: redactUrl(config.databaseUrl),
    redisUrl: redactUrl(config.redisUrl),
    topicPrefix: config.topicPrefix,
    siteTimeZone: config.siteTimeZone,
    display: config.display,
  };
}

/**
 * Saves the editable settings to the desktop's settings file, keeping its other keys
 * (`kafkaSasl`, `apiPort`, ...). No password is written in plain text: each URL's password (and
 * a plain Kafka SASL password already in the file) is sealed with `secrets` under
 * `sealed.<key>`; a URL sent with the masked password keeps the stored one. Written atomically
 * (temporary file, then rename), readable by its owner only (0600).
 * @param settings validated settings (contracts/settings.ts `editableSettingsSchema`)
 * @param current the effective configuration, whose passwords a masked URL keeps
 * @throws ConfigError naming the field when a password must be stored but the keychain is unavailable
 */
export function saveSettingsFile(
  file: string,
  settings: EditableSettings,
  current: AppConfig,
  secrets: SecretStore | null,
): void {
  const stored = readStoredSettings(file, false) ?? { values: {}, sealed: {} };
  const values: Record<string, unknown> = { ...stored.values, ...settings };
  const sealed: StoredSettings['sealed'] = { ...stored.sealed };
  const seal = (key: SealableKey, password: string): string => {
    if (!secrets?.available)
      throw new ConfigError(
        `${ENV_NAME[key]} (${key}): the password cannot be stored safely here (no OS keychain); leave it out of the URL and set ${ENV_NAME[key]} in the environment instead`,
      );
    return secrets.seal(password);
  };
  for (const key of ['databaseUrl', 'redisUrl'] as const) {
    const url = unmaskUrl(settings[key], current[key]);
    const password = urlPassword(url);
    if (password === null) delete sealed[key];
    else sealed[key] = seal(key, password);
    values[key] = withoutPassword(url);
  }
  const sasl = values.kafkaSasl as { password?: unknown } | null | undefined;
  if (sasl && typeof sasl.password === 'string') {
    sealed.kafkaSasl = seal('kafkaSasl', sasl.password);
    const { password: _plain, ...rest } = sasl;
    values.kafkaSasl = rest;
  }
  const out = Object.keys(sealed).length > 0 ? { ...values, sealed } : values;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The sources of the editable settings (the settings screen's "from" column). */
export function editableSources(sources: ConfigSources): Record<EditableSettingKey, SettingSource> {
  return {
    kafkaBrokers: sources.kafkaBrokers,
    databaseUrl: sources.databaseUrl,
    redisUrl: sources.redisUrl,
    topicPrefix: sources.topicPrefix,
    siteTimeZone: sources.siteTimeZone,
    display: sources.display,
  };
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

/**
 * Folder of the offline outbox of injections (server/outbox/): `SCT_OUTBOX_DIR` when set (a path;
 * `off` runs without an outbox, so injections while Kafka is down are refused with 503), else the
 * caller's default (the desktop: `<userData>/outbox`; headless: `<repo>/.stack/outbox`). Not part of
 * {@link AppConfig}: it is the machine's local storage, not a connection setting, and workers never
 * use it.
 * @returns an absolute path, or null for no outbox
 */
export function outboxDirFrom(env: NodeJS.ProcessEnv, fallback: string): string | null {
  const value = env.SCT_OUTBOX_DIR?.trim();
  if (value === 'off') return null;
  return path.resolve(value || fallback);
}

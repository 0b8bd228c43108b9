/**
 * The console's settings model, shared by the API, the runtime configuration and the settings
 * screen: the field rules of every setting an operator may edit (Kafka brokers, PostgreSQL URL,
 * Redis URL, topic prefix, site time zone, display options), where each effective value came
 * from, and the answers of the settings and connection-test routes. Pure zod: the renderer
 * validates a form with the same schemas the server (runtime/config.ts) applies, so an error
 * names the same field and rule on both sides.
 *
 * Secrets: the PostgreSQL and Redis passwords live inside their URLs. Every URL this module's
 * answers carry is masked (`postgres://sct:***@db/sct`); a URL sent back with `***` as its
 * password means "keep the stored password" ({@link MASKED_PASSWORD}).
 */
import { z } from 'zod';

/** What replaces a password in every URL shown to the console or written to a log. */
export const MASKED_PASSWORD = '***';

/** The three services of the stack (the same names as `/api/health`). */
export const STACK_SERVICES = ['kafka', 'postgres', 'redis'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

/** Human names of the services. */
export const SERVICE_LABELS: Readonly<Record<StackService, string>> = {
  kafka: 'Kafka',
  postgres: 'PostgreSQL',
  redis: 'Redis',
};

/** One Kafka bootstrap server, `host:port`. */
export const brokerAddressSchema = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port');
/** Kafka bootstrap servers: at least one `host:port`. */
export const kafkaBrokersSchema = z.array(brokerAddressSchema).min(1, 'needs at least one host:port');
/** PostgreSQL connection URL (`postgres://user[:password]@host:port/db`). */
export const databaseUrlSchema = z
  .string()
  .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must start with postgres://');
/** Redis connection URL (`redis://[user:password@]host:port/db`). */
export const redisUrlSchema = z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must start with redis://');
/** Prefix of topics, consumer groups and Redis keys. */
export const topicPrefixSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (1..40)');

/** True when the runtime knows `zone` as an IANA time zone (`America/Sao_Paulo`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The site's IANA time zone: the zone of the site days shown when an entity carries none. */
export const siteTimeZoneSchema = z
  .string()
  .refine(isTimeZone, 'must be an IANA time zone such as America/Sao_Paulo or UTC');

/** Console themes an operator may set as the default (the header's theme button still overrides it per browser). */
export const DISPLAY_THEMES = ['system', 'light', 'dark'] as const;

/** Display options: the console's default theme. */
export const displaySettingsSchema = z.strictObject({
  /** Default theme of every console window (an operator's own choice in the header wins). */
  theme: z.enum(DISPLAY_THEMES),
});
export type DisplaySettings = z.infer<typeof displaySettingsSchema>;

/** Every setting the settings screen edits, with its rule. */
export const editableSettingsSchema = z.strictObject({
  kafkaBrokers: kafkaBrokersSchema,
  databaseUrl: databaseUrlSchema,
  redisUrl: redisUrlSchema,
  topicPrefix: topicPrefixSchema,
  siteTimeZone: siteTimeZoneSchema,
  display: displaySettingsSchema,
});
export type EditableSettings = z.infer<typeof editableSettingsSchema>;
export type EditableSettingKey = keyof EditableSettings;
export const EDITABLE_SETTING_KEYS = Object.keys(editableSettingsSchema.shape) as EditableSettingKey[];

/** Environment variable of each editable setting (it wins over the settings file). */
export const SETTING_ENV_NAMES: Readonly<Record<EditableSettingKey, string>> = {
  kafkaBrokers: 'KAFKA_BROKERS',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  topicPrefix: 'SCT_TOPIC_PREFIX',
  siteTimeZone: 'SCT_SITE_TZ',
  display: 'SCT_THEME',
};

/** Labels of the settings for people (form labels, messages). */
export const SETTING_LABELS: Readonly<Record<EditableSettingKey, string>> = {
  kafkaBrokers: 'Kafka brokers',
  databaseUrl: 'PostgreSQL URL',
  redisUrl: 'Redis URL',
  topicPrefix: 'Topic prefix',
  siteTimeZone: 'Site time zone',
  display: 'Display',
};

/**
 * Where an effective value came from, highest first: `environment` > `file` (the settings file)
 * > `stack` (the local stack's Kafka credentials) > `default`.
 */
export const SETTING_SOURCES = ['environment', 'file', 'stack', 'default'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

/** `GET /api/settings`: the effective settings (passwords masked), each with its source. */
export const settingsViewSchema = z.object({
  values: editableSettingsSchema,
  sources: z.object(
    Object.fromEntries(EDITABLE_SETTING_KEYS.map((k) => [k, z.enum(SETTING_SOURCES)])) as Record<
      EditableSettingKey,
      z.ZodEnum<{ [S in SettingSource]: S }>
    >,
  ),
  /** True on the desktop: saving writes the app's settings file and restarts the connections. */
  writable: z.boolean(),
  /** Why the settings cannot be saved here (headless), for the screen. */
  readOnlyReason: z.string().nullable(),
  /** Where saved passwords go: the OS keychain (Electron safeStorage), or nowhere (read-only). */
  secretStorage: z.enum(['keychain', 'none']),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** One service's answer to a connection test (or a start-up probe). */
export const serviceProbeSchema = z.object({
  name: z.enum(STACK_SERVICES),
  /** The address tried, password masked. */
  address: z.string(),
  reached: z.boolean(),
  /** The server's version (`PostgreSQL 16.4`, `Redis 7.0.15`, `Kafka cluster <id>, 1 broker`), when reached. */
  version: z.string().nullable(),
  /** Round trip of the probe in ms, when reached. */
  latencyMs: z.number().nullable(),
  /** What failed, in plain words with the fix, when not reached. */
  error: z.string().nullable(),
});
export type ServiceProbe = z.infer<typeof serviceProbeSchema>;

/** `POST /api/settings/test`: one result per service, Kafka, PostgreSQL, Redis in that order. */
export const connectionTestResultSchema = z.object({
  results: z.array(serviceProbeSchema),
  testedAt: z.string(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/** `POST /api/settings`: the saved settings; the core restarts its connections and workers after answering. */
export const settingsSavedSchema = z.object({
  settings: settingsViewSchema,
  restarting: z.boolean(),
});
export type SettingsSaved = z.infer<typeof settingsSavedSchema>;

/**
 * The About box's text: app and runtime versions, and the stack the app is configured for with
 * every secret masked (URL passwords and secret-named query parameters through `redactUrl`, the
 * Kafka SASL password never named). Pure, so the masking is unit tested.
 */
import { redactUrl, type AppConfig } from '../../runtime/config';

/** The versions shown: the app's (package.json) and `process.versions`' electron, chrome, node, v8. */
export interface AboutVersions {
  app: string;
  electron?: string;
  chrome?: string;
  node?: string;
  v8?: string;
}

/** Title line and detail lines of the About box. */
export interface AboutText {
  message: string;
  detail: string;
}

/** Builds the About text for `config` (the configuration the core was started with). */
export function aboutText(
  productName: string,
  versions: AboutVersions,
  config: Pick<AppConfig, 'kafkaBrokers' | 'kafkaSasl' | 'databaseUrl' | 'redisUrl' | 'topicPrefix'>,
  apiUrl: string | null,
): AboutText {
  const runtime = (['electron', 'chrome', 'node', 'v8'] as const)
    .filter((k) => versions[k])
    .map((k) => `${k[0]!.toUpperCase()}${k.slice(1)} ${versions[k]}`)
    .join(' · ');
  const sasl = config.kafkaSasl
    ? ` (SASL ${config.kafkaSasl.mechanism}, user ${config.kafkaSasl.username})`
    : '';
  return {
    message: `${productName} ${versions.app}`,
    detail: [
      runtime,
      '',
      'Configured stack',
      `Kafka brokers: ${config.kafkaBrokers.join(', ')}${sasl}`,
      `PostgreSQL: ${redactUrl(config.databaseUrl)}`,
      `Redis: ${redactUrl(config.redisUrl)}`,
      `Topic prefix: ${config.topicPrefix}`,
      `Embedded API: ${apiUrl ?? 'not started'}`,
    ].join('\n'),
  };
}

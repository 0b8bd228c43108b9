/**
 * Structured logging (pino) with secrets redacted: tokens, passwords, Kafka SASL credentials
 * and connection URLs (which may carry the PostgreSQL or Redis password) never reach a log line
 * when logged as fields. Text is not scanned: messages must be built from redacted values
 * (`redactUrl`, `describeConfig` in config.ts).
 *
 * Format ({@link logFormat}): one readable line per event on a terminal (pino-pretty: time, level,
 * component, message, fields), JSON lines when the output is not a terminal (files, pipes, log
 * collectors) or when `LOG_FORMAT=json`; `LOG_FORMAT=pretty` forces the readable form. Redaction
 * happens before either.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * `pretty` or `json`: `LOG_FORMAT` when it is one of them, else `pretty` on a terminal and `json`
 * otherwise.
 * @param env environment (LOG_FORMAT)
 * @param isTty whether stdout is a terminal
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTty = Boolean(process.stdout.isTTY),
): 'pretty' | 'json' {
  const asked = env.LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return isTty ? 'pretty' : 'json';
}

/** pino-pretty's one-line form: `14:03:12 INFO (main): Kafka answers {"service":"kafka",...}`. */
export function prettyStream(destination?: DestinationStream): DestinationStream {
  return pretty({
    sync: true,
    singleLine: true,
    colorize: destination === undefined && Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    messageFormat: '({name}) {msg}',
    ...(destination ? { destination } : {}),
  });
}

/**
 * @param name component name (`main`, `order-processor`, ...), added to every line
 * @param level pino level; `silent` in tests that do not want output
 * @param destination where lines go (default stdout); tests pass a stream to read them back
 */
export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: [
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'password',
        '*.password',
        'databaseUrl',
        '*.databaseUrl',
        'redisUrl',
        '*.redisUrl',
        // Kafka SASL credentials (config objects, kafkajs options) and child-process environments.
        'kafkaSasl',
        '*.kafkaSasl',
        'sasl',
        '*.sasl',
        'KAFKA_SASL_PASSWORD',
        '*.KAFKA_SASL_PASSWORD',
        'DATABASE_URL',
        '*.DATABASE_URL',
        'REDIS_URL',
        '*.REDIS_URL',
        // ioredis errors carry the failed command, e.g. `HELLO 3 AUTH <user> <password>` for a
        // refused login: its arguments never reach a log line.
        'command.args',
        '*.command.args',
      ],
      censor: '***',
    },
  };
  // Tests pass their own stream and read JSON back; a process's own output follows logFormat.
  if (destination) return pino(options, destination);
  return logFormat() === 'pretty' ? pino(options, prettyStream()) : pino(options);
}

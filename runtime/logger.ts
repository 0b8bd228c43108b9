/**
 * Structured JSON logging (pino) with secrets redacted: tokens, passwords, Kafka SASL credentials
 * and connection URLs (which may carry the PostgreSQL or Redis password) never reach a log line
 * when logged as fields. Text is not scanned: messages must be built from redacted values
 * (`redactUrl`, `describeConfig` in config.ts).
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

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
  return destination ? pino(options, destination) : pino(options);
}

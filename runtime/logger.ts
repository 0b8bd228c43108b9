/**
 * Structured JSON logging (pino) with secrets redacted: tokens, passwords and connection URLs
 * never reach a log line.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * @param name component name (`main`, `order-processor`, ...), added to every line
 * @param level pino level; `silent` in tests that do not want output
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
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
      ],
      censor: '***',
    },
  });
}

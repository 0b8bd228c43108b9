/**
 * Friendly "service unreachable" errors: which service, which address was tried, how to start
 * it. The console, workers and scripts print these instead of a stack trace.
 */
export type ServiceName = 'kafka' | 'postgres' | 'redis';

const HOW_TO_START: Record<ServiceName, string> = {
  kafka:
    'start the local broker with `npm run stack:up` (or `docker compose up -d kafka`), or set KAFKA_BROKERS',
  postgres:
    'start PostgreSQL (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or `docker compose up -d postgres`), or set DATABASE_URL',
  redis:
    'start Redis (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379`, or `docker compose up -d redis`), or set REDIS_URL',
};

const LABEL: Record<ServiceName, string> = { kafka: 'Kafka', postgres: 'PostgreSQL', redis: 'Redis' };

/**
 * A dependency could not be reached or refused the login. `message` is safe to show to an
 * operator: callers pass an address without password (`redactUrl`) and the client library's
 * message, which names users but never passwords.
 * @param hint what to do instead of "start it" (e.g. which credentials to check)
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly cause_: string,
    hint: string = HOW_TO_START[service],
  ) {
    super(`${LABEL[service]} is not reachable at ${address} (${cause_}). To fix: ${hint}.`);
  }
}

/** Short human hint of how to start a service. */
export function howToStart(service: ServiceName): string {
  return HOW_TO_START[service];
}

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

/** What to check when a service answered but refused the login (starting it would not help). */
const HOW_TO_LOG_IN: Record<ServiceName, string> = {
  kafka:
    'check the SASL user and password (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD, or the settings screen)',
  postgres:
    'check the user and password in DATABASE_URL (or PGPASSWORD / ~/.pgpass) and that the role exists and may connect (pg_hba.conf)',
  redis: 'check the user and password in REDIS_URL against the Redis ACL (`ACL LIST`)',
};

/**
 * True when a client library's message says the service answered and refused the login:
 * PostgreSQL's `password authentication failed`, `role "x" does not exist`, `no pg_hba.conf entry`;
 * Redis's `WRONGPASS` / `NOAUTH`; Kafka's `SASL authentication failed`.
 */
export function isLoginRefusal(cause: string): boolean {
  return /password authentication failed|role "[^"]*" does not exist|no pg_hba\.conf entry|WRONGPASS|NOAUTH|invalid username-password|SASL authentication failed/i.test(
    cause,
  );
}

/**
 * A dependency could not be reached or refused the login. `message` is safe to show to an
 * operator: callers pass an address without password (`redactUrl`) and the client library's
 * message, which names users but never passwords.
 * @param hint what to do instead of the default: "start it", or for a refused login (see
 *   {@link isLoginRefusal}) which credentials to check
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly cause_: string,
    hint?: string,
  ) {
    // A refused login is no outage: say so, and what to check instead of "start it" (QA).
    const refused = isLoginRefusal(cause_);
    const fix = hint ?? (refused ? HOW_TO_LOG_IN[service] : HOW_TO_START[service]);
    super(
      `${LABEL[service]} ${refused ? 'refused the login' : 'is not reachable'} at ${address} (${cause_}). To fix: ${fix}.`,
    );
  }
}

/** Short human hint of how to start a service. */
export function howToStart(service: ServiceName): string {
  return HOW_TO_START[service];
}

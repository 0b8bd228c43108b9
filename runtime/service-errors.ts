/**
 * Friendly "service unreachable" errors: which service, which address was tried, how to start
 * it. The console, workers and scripts print these instead of a stack trace.
 */
import { classifyServiceCause, type ServiceProblemKind } from '../contracts/service-problems';

export { classifyServiceCause, type ServiceProblemKind } from '../contracts/service-problems';

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

/** What to check when the login was accepted but a command was refused (missing ACL rights). */
const HOW_TO_GRANT: Record<ServiceName, string> = {
  kafka:
    'grant the SASL user of KAFKA_SASL_USERNAME the ACLs on the topics and consumer groups of SCT_TOPIC_PREFIX',
  postgres: 'grant the role in DATABASE_URL the privileges on the database (or use its owner)',
  redis:
    'give the ACL user of REDIS_URL the commands, keys and channels the console uses (`ACL SETUSER <user> on +@all ~* &*`, or at least the prefix SCT_TOPIC_PREFIX), or use another user',
};

/** True when a client library's message says the service answered and refused the login. */
export function isLoginRefusal(cause: string): boolean {
  return classifyServiceCause(cause) === 'login';
}

/**
 * The fix for a service's failure with this cause: which credentials to check for a refused
 * login, which rights to grant for a refused command, else how to start the service.
 */
export function howToFix(service: ServiceName, cause: string): string {
  const kind = classifyServiceCause(cause);
  if (kind === 'login') return HOW_TO_LOG_IN[service];
  if (kind === 'permission') return HOW_TO_GRANT[service];
  return HOW_TO_START[service];
}

const WHAT_HAPPENED: Record<ServiceProblemKind, string> = {
  unreachable: 'is not reachable',
  login: 'refused the login',
  permission: 'refused a command (the login was accepted)',
};

/**
 * A dependency could not be reached, refused the login, or refused a command. `message` is safe
 * to show to an operator: callers pass an address without password (`redactUrl`) and the client
 * library's message, which names users but never passwords.
 * @param hint what to do instead of the default of {@link howToFix}
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  /** How the failure reads ({@link classifyServiceCause} of the cause). */
  readonly kind: ServiceProblemKind;
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly cause_: string,
    hint?: string,
  ) {
    // A refused login is no outage: say so, and what to check instead of "start it" (QA).
    const kind = classifyServiceCause(cause_);
    super(
      `${LABEL[service]} ${WHAT_HAPPENED[kind]} at ${address} (${cause_}). To fix: ${hint ?? howToFix(service, cause_)}.`,
    );
    this.kind = kind;
  }
}

/** Short human hint of how to start a service. */
export function howToStart(service: ServiceName): string {
  return HOW_TO_START[service];
}

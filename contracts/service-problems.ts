/**
 * How a service's failure reads, from the client library's message (or an operator message that
 * quotes it): the one classification the core's errors (runtime/service-errors.ts) and the
 * console's connection screen use.
 */

/**
 * How a service's failure reads: `unreachable` (nothing answered, or the connection broke),
 * `login` (it answered and refused the credentials) or `permission` (the login was accepted but a
 * command was refused).
 */
export type ServiceProblemKind = 'unreachable' | 'login' | 'permission';

/**
 * Messages of a refused login: PostgreSQL's `password authentication failed`, `role "x" does not
 * exist`, `no pg_hba.conf entry`; Redis's `WRONGPASS` / `NOAUTH` (and `invalid username-password
 * pair`); Kafka's `SASL authentication failed`.
 */
const LOGIN_REFUSED =
  /password authentication failed|role "[^"]*" does not exist|no pg_hba\.conf entry|WRONGPASS|NOAUTH|invalid username-password|SASL authentication failed|Authentication failed during authentication/i;

/**
 * Messages of a refused command after a good login: Redis's `NOPERM` (an ACL user lacking a
 * command, key or channel: `User x has no permissions to run the 'ping' command`); Kafka's
 * authorization errors (`TOPIC_AUTHORIZATION_FAILED`, `not authorized`).
 */
const PERMISSION_REFUSED = /NOPERM|has no permissions to|AUTHORIZATION_FAILED|not authorized to access/i;

/**
 * How a client library's message reads (see {@link ServiceProblemKind}); a login refusal wins
 * over a permission refusal, anything else is `unreachable`.
 */
export function classifyServiceCause(cause: string): ServiceProblemKind {
  if (LOGIN_REFUSED.test(cause)) return 'login';
  if (PERMISSION_REFUSED.test(cause)) return 'permission';
  return 'unreachable';
}

/**
 * How an API call fails: {@link ApiRequestError} carries the HTTP status and the server's
 * `ApiError` body (stable code, message, field issues), or a code of the console's own for what
 * never got a usable answer (`network_error`, `timeout`, `not_connected`, `bad_response`).
 */
import type { ApiError } from '../../../contracts/api';
import type { FieldIssue } from '../../../contracts/events';

/**
 * A failed API call. `status` is the HTTP status (0 = network failure or timeout), `code` the
 * server's stable error code (`ApiError.error`), `issues` the field-level problems (may be empty).
 */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[];
  /** Batch injects: index of the first rejected event. */
  readonly index: number | undefined;
  /** Seconds until a retry may succeed (429 `retry-after`), when the server said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: ApiError, retryAfterSeconds?: number) {
    super(body.message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = body.error;
    this.issues = body.issues ?? [];
    this.index = body.index;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

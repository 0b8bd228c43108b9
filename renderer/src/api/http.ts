/**
 * The console's one HTTP call: `apiCall('GET /api/orders/:id', { params, query, body, signal })`
 * over the route table (contracts/routes.ts). The key names the route; its row gives the input
 * types, the path, and the schema each answer is checked with, so the result is typed by the row
 * and proven by the schema: an answer that breaks it is an {@link ApiRequestError} (`bad_response`)
 * naming the route and the field, never a crash in a screen later.
 *
 * Every call sends `Authorization: Bearer <token>` of the connection in use (api/connection.ts),
 * except to the public sign-in route. Statuses the row lists in `responses` are answers (a
 * re-drive's 404/422 too); any other is thrown as {@link ApiRequestError} carrying the server's
 * `ApiError` body (code, message, field issues). A 401 ends the session (connection.ts).
 */
import { apiErrorSchema, type ApiError } from '../../../contracts/api';
import { toFieldIssues } from '../../../contracts/events';
import {
  apiRoute,
  type ApiRoute,
  type JsonRouteKey,
  type RouteBody,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
} from '../../../contracts/routes';
import { activeConnection, browserBaseUrl, errorText, tokenRefused } from './connection';
import { ApiRequestError } from './errors';

/** Default request timeout in milliseconds. */
export const REQUEST_TIMEOUT_MS = 20_000;

type QueryValue = string | number | boolean | null | undefined;

/** What {@link apiCall} sends for route `K`: the fields its row has, and an abort signal. */
export type CallInput<K extends JsonRouteKey> = { signal?: AbortSignal | undefined } & Field<
  'params',
  RouteParams<K>
> &
  Field<'query', RouteQuery<K>, true> &
  Field<'body', RouteBody<K>>;
type Field<N extends string, T, Optional = false> = [T] extends [undefined]
  ? { [P in N]?: undefined }
  : Optional extends true
    ? { [P in N]?: T }
    : { [P in N]: T };

/** The input argument: optional when the route needs neither params nor a body. */
type CallArgs<K extends JsonRouteKey> = [RouteParams<K>, RouteBody<K>] extends [undefined, undefined]
  ? [input?: CallInput<K>]
  : [input: CallInput<K>];

/**
 * Calls one route of the table and checks its answer with the route's schema.
 * @returns the parsed answer (for a 204, `undefined`)
 * @throws ApiRequestError for a status the route does not answer with (the server's ApiError),
 *   status 0 for a network failure, timeout or missing connection, `bad_response` for an answer
 *   that is not JSON or breaks the route's schema; the caller's abort is rethrown as is
 */
export async function apiCall<K extends JsonRouteKey>(
  key: K,
  ...[input]: CallArgs<K>
): Promise<RouteResponse<K>> {
  const route: ApiRoute = apiRoute(key);
  const call = (input ?? {}) as {
    params?: Record<string, string>;
    query?: Record<string, QueryValue>;
    body?: unknown;
    signal?: AbortSignal;
  };
  const isPublic = route.access === 'public';
  const conn = activeConnection();
  if (!conn && !isPublic)
    throw new ApiRequestError(0, {
      error: 'not_connected',
      message: 'The console is not connected to its API yet.',
    });
  const baseUrl = isPublic ? browserBaseUrl() : conn!.baseUrl;
  const url = `${baseUrl}${fillPath(route.path, call.params)}${toQueryString(call.query)}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (!isPublic) headers.Authorization = `Bearer ${conn!.token}`;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;

  let res: Response;
  try {
    res = await fetch(url, {
      method: route.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    if (call.signal?.aborted) throw err;
    const timedOut = timeout.aborted;
    throw new ApiRequestError(0, {
      error: timedOut ? 'timeout' : 'network_error',
      message: timedOut
        ? `The console API at ${baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`
        : `Cannot reach the console API at ${baseUrl} (${errorText(err)}).`,
    });
  }

  // A refused sign-in is an answer about the credentials, not the end of the session in use.
  if (res.status === 401 && !isPublic && conn) tokenRefused(conn);
  const schema = route.responses[res.status as keyof ApiRoute['responses']];
  if (!schema) {
    if (!res.ok) throw new ApiRequestError(res.status, await readErrorBody(res), retryAfter(res));
    throw badResponse(
      res.status,
      `The API answered ${key} with HTTP ${res.status}, which the route does not list.`,
    );
  }
  let body: unknown;
  try {
    body = res.status === 204 ? undefined : await res.json();
  } catch (err) {
    if (call.signal?.aborted) throw err;
    throw badResponse(res.status, `The API answered ${key} with a body that is not JSON.`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    const first = issues[0];
    throw badResponse(
      res.status,
      `The API answered ${key} with a body that breaks its schema${first ? `: ${first.field} ${first.message}` : ''}.`,
      issues,
    );
  }
  return parsed.data as RouteResponse<K>;
}

/** Builds `?a=1&b=true`, skipping null/undefined/empty values. */
export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** A table path with its `:name` parameters filled in, percent-encoded. */
function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`path parameter ${name} of ${path} is missing`);
    return encodeURIComponent(value);
  });
}

function badResponse(status: number, message: string, issues?: ApiError['issues']): ApiRequestError {
  return new ApiRequestError(status, { error: 'bad_response', message, ...(issues ? { issues } : {}) });
}

/** The `retry-after` header in seconds (its delta-seconds form), or undefined. */
function retryAfter(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** The server's ApiError body, or one describing the status (with a short, readable text body). */
async function readErrorBody(res: Response): Promise<ApiError> {
  const fallback: ApiError = {
    error: `http_${res.status}`,
    message: `${res.status} ${res.statusText || 'request failed'}`,
  };
  let text = '';
  try {
    text = await res.text();
    const body = apiErrorSchema.safeParse(JSON.parse(text));
    if (body.success) return body.data;
  } catch {
    // not JSON: keep the fallback, with the text if it is short and readable
  }
  if (text && text.length < 300 && !text.trimStart().startsWith('<'))
    fallback.message = `${fallback.message}: ${text}`;
  return fallback;
}

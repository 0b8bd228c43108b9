/**
 * The console's API client: the ONLY renderer module that touches the network.
 *
 * Connection:
 * - desktop: `window.sctDesktop.getApiConnection()` (preload bridge, contracts/ipc.ts) gives the
 *   loopback base URL and the per-window secret;
 * - browser/headless: base URL = `location.origin`; the token comes from `#token=<t>` on first
 *   load (then kept in sessionStorage and removed from the address bar) or from sessionStorage.
 *
 * Browser sign-in: {@link signIn} sends an operator's username and password to the one public
 * route (`POST /api/auth/login`); the session token it answers with is kept like the machine
 * token (sessionStorage, this tab only) and sent the same way. {@link getSession} tells who the
 * token belongs to (operator or machine owner, role, how), {@link signOutOfApi} ends it.
 *
 * Every request sends `Authorization: Bearer <token>`. Non-2xx answers are thrown as
 * {@link ApiRequestError} carrying the server's {@link ApiError} body (code, message, field issues).
 * Live updates come from `GET /api/live` (server-sent events) read with fetch + ReadableStream,
 * since `EventSource` cannot send headers; the stream reconnects with backoff when it drops.
 */
import type {
  ApiError,
  ChangeNotification,
  DeadLetterKey,
  DeadLetterListQuery,
  DeadLetterPage,
  DeadLetterRedriveResult,
  DriftReport,
  EntitySummary,
  InjectResult,
  KpiDailyPoint,
  KpiQuery,
  KpiSummary,
  OrderDetail,
  OrderListQuery,
  OrderPage,
  ShipmentDetail,
  StackHealth,
} from '../../../contracts/api';
import type { AuditListQuery, AuditPage } from '../../../contracts/audit';
import { SESSION_TOKEN_PREFIX, type LoginResult, type Principal } from '../../../contracts/auth';
import type { FieldIssue } from '../../../contracts/events';
import type { ApiConnection } from '../../../contracts/ipc';
import { backoffDelay, type BackoffOptions } from '../../../contracts/backoff';
import { parseChangeNotification } from './notifications';
import { SseParser } from './sse';
import { readTokenLink, resolveBrowserToken, TOKEN_STORAGE_KEY } from './token';

/** How the console reached its API. */
export type ConnectionMode = 'desktop' | 'browser';

/** Outcome of {@link initConnection}/{@link submitToken}. */
export type ConnectionResolution =
  | { kind: 'ready'; mode: ConnectionMode; baseUrl: string }
  | { kind: 'needs-token'; reason: 'missing' | 'rejected' }
  | { kind: 'failed'; message: string };

interface ActiveConnection extends ApiConnection {
  mode: ConnectionMode;
}

let active: ActiveConnection | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Default request timeout in milliseconds. */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * Establishes the API connection once at startup (desktop bridge first, then the browser token).
 * Also strips `#token=...` from the address bar so it never reaches history, screenshots or the router.
 */
export async function initConnection(): Promise<ConnectionResolution> {
  const bridge = window.sctDesktop;
  if (bridge) {
    try {
      const conn = await bridge.getApiConnection();
      active = { baseUrl: trimSlash(conn.baseUrl), token: conn.token, mode: 'desktop' };
      return { kind: 'ready', mode: 'desktop', baseUrl: active.baseUrl };
    } catch (err) {
      return {
        kind: 'failed',
        message: `The desktop shell did not hand over the API connection: ${errorText(err)}`,
      };
    }
  }
  const storage = safeSessionStorage();
  const { token, replaceHash } = resolveBrowserToken(window.location.hash, storage);
  if (replaceHash !== null) {
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${window.location.search}${replaceHash}`,
    );
  }
  if (!token) return { kind: 'needs-token', reason: 'missing' };
  active = { baseUrl: trimSlash(window.location.origin), token, mode: 'browser' };
  return { kind: 'ready', mode: 'browser', baseUrl: active.baseUrl };
}

/** Browser mode: uses a token the operator pasted (stored in sessionStorage for this tab). */
export function submitToken(token: string): ConnectionResolution {
  const trimmed = token.trim();
  if (!trimmed) return { kind: 'needs-token', reason: 'missing' };
  safeSessionStorage().setItem(TOKEN_STORAGE_KEY, trimmed);
  active = { baseUrl: trimSlash(window.location.origin), token: trimmed, mode: 'browser' };
  return { kind: 'ready', mode: 'browser', baseUrl: active.baseUrl };
}

/**
 * Browser mode: handles a `#token=...` link that arrived after start-up (a `hashchange`: the
 * printed URL opened in this tab while it shows the token screen or the console). Strips the
 * token from the address bar; signs in with it when it differs from the token in use.
 * Returns null when the hash is no token link (or in the desktop console), `unchanged` when it
 * carries the token already in use (or none), else the new connection.
 */
export function takeTokenLink(): ConnectionResolution | 'unchanged' | null {
  if (window.sctDesktop) return null;
  const link = readTokenLink(window.location.hash, active?.mode === 'browser' ? active.token : null);
  if (!link) return null;
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${window.location.search}${link.replaceHash}`,
  );
  if (!link.changed || !link.token) return 'unchanged';
  return submitToken(link.token);
}

/** Browser mode: forgets the stored token (after a 401 or on "sign out"). */
export function forgetToken(): void {
  safeSessionStorage().removeItem(TOKEN_STORAGE_KEY);
  if (active?.mode === 'browser') active = null;
}

/** True when the browser console holds an operator session token (not the machine token). */
export function holdsSessionToken(): boolean {
  return active?.mode === 'browser' && active.token.startsWith(SESSION_TOKEN_PREFIX);
}

/** The current connection mode, or null before {@link initConnection} succeeded. */
export function connectionMode(): ConnectionMode | null {
  return active?.mode ?? null;
}

/** The API base URL in use (for display), or null. */
export function apiBaseUrl(): string | null {
  return active?.baseUrl ?? null;
}

/** Registers a callback run when the API answers 401 (token wrong or expired). Returns an unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

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

/** True when `err` is an aborted request (a superseded fetch), which callers silently ignore. */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Non-2xx statuses whose JSON body is a normal answer (not thrown). */
  accept?: readonly number[];
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

function requireConnection(): ActiveConnection {
  if (!active)
    throw new ApiRequestError(0, {
      error: 'not_connected',
      message: 'The console is not connected to its API yet.',
    });
  return active;
}

async function request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
  const conn = requireConnection();
  const url = `${conn.baseUrl}/api${path}${toQueryString(options.query)}`;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${conn.token}`,
    Accept: 'application/json',
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const timedOut = timeout.aborted;
    throw new ApiRequestError(0, {
      error: timedOut ? 'timeout' : 'network_error',
      message: timedOut
        ? `The console API at ${conn.baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`
        : `Cannot reach the console API at ${conn.baseUrl} (${errorText(err)}).`,
    });
  }

  if (res.status === 401) {
    if (conn.mode === 'browser') forgetToken();
    for (const listener of unauthorizedListeners) listener();
  }
  if (!res.ok && !options.accept?.includes(res.status))
    throw new ApiRequestError(res.status, await readErrorBody(res), retryAfter(res));
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ApiRequestError(res.status, {
      error: 'bad_response',
      message: `The API answered ${method} ${path} with a body that is not JSON.`,
    });
  }
}

/** The `retry-after` header in seconds (its delta-seconds form), or undefined. */
function retryAfter(res: Response): number | undefined {
  const value = res.headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

async function readErrorBody(res: Response): Promise<ApiError> {
  const fallback: ApiError = {
    error: `http_${res.status}`,
    message: `${res.status} ${res.statusText || 'request failed'}`,
  };
  let text = '';
  try {
    text = await res.text();
    const body: unknown = JSON.parse(text);
    if (isApiError(body)) return body;
  } catch {
    // not JSON: keep the fallback, with the text if it is short and readable
  }
  if (text && text.length < 300 && !text.trimStart().startsWith('<'))
    fallback.message = `${fallback.message}: ${text}`;
  return fallback;
}

/** Narrows an unknown JSON body to {@link ApiError} (error + message strings, optional issues). */
export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.error !== 'string' || typeof v.message !== 'string') return false;
  if (v.issues === undefined) return true;
  return (
    Array.isArray(v.issues) &&
    v.issues.every(
      (i: unknown) =>
        typeof i === 'object' &&
        i !== null &&
        typeof (i as Record<string, unknown>).field === 'string' &&
        typeof (i as Record<string, unknown>).message === 'string',
    )
  );
}

// ---------------------------------------------------------------------------------------------
// Sign-in (contracts/auth.ts)
// ---------------------------------------------------------------------------------------------

/**
 * Browser mode: `POST /api/auth/login` with an operator's username and password (no bearer
 * token: the one public route). On success the session token is stored for this tab and used for
 * every request, like a pasted machine token. A failure is thrown as {@link ApiRequestError}:
 * 401 `invalid_credentials`, 429 `rate_limited` (with `retryAfterSeconds`), 0 when unreachable.
 * It never triggers the "session ended" listeners: nothing was signed in yet.
 */
export async function signIn(username: string, password: string): Promise<LoginResult> {
  const baseUrl = trimSlash(window.location.origin);
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: timeout,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    throw new ApiRequestError(0, {
      error: timeout.aborted ? 'timeout' : 'network_error',
      message: timeout.aborted
        ? `The console API at ${baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`
        : `Cannot reach the console API at ${baseUrl} (${errorText(err)}).`,
    });
  }
  if (!res.ok) throw new ApiRequestError(res.status, await readErrorBody(res), retryAfter(res));
  const result = (await res.json()) as LoginResult;
  submitToken(result.token);
  return result;
}

/** `GET /api/auth/session`: who the token in use belongs to (name, role, how, when it ends). */
export function getSession(signal?: AbortSignal): Promise<Principal> {
  return request<Principal>('GET', '/auth/session', { signal });
}

/**
 * `POST /api/auth/logout`: ends an operator session on the server (for the machine token it is
 * only recorded), then forgets the token in this tab. A failure to reach the server still
 * forgets the token: the operator asked to sign out.
 */
export async function signOutOfApi(): Promise<void> {
  try {
    if (active) await request<void>('POST', '/auth/logout', { body: {} });
  } catch {
    // expired already, or the API is down: the token is forgotten all the same
  } finally {
    forgetToken();
  }
}

// ---------------------------------------------------------------------------------------------
// Routes (contracts/api.ts)
// ---------------------------------------------------------------------------------------------

/** `POST /api/events`: one CloudEvent; resolves with where Kafka stored it (202). */
export function injectEvent(event: unknown, signal?: AbortSignal): Promise<InjectResult> {
  return request<InjectResult>('POST', '/events', { body: event, signal });
}

/** `POST /api/events/batch`: up to 1,000 CloudEvents; one {@link InjectResult} per event, in order. */
export function injectBatch(events: unknown[], signal?: AbortSignal): Promise<InjectResult[]> {
  return request<InjectResult[]>('POST', '/events/batch', { body: { events }, signal });
}

/** Orders-list query as the console sets it (all optional; the server applies defaults). */
export type OrdersQuery = Partial<OrderListQuery>;

/** `GET /api/orders`: one page of orders (filter by status, created-day range, id; sort; page). */
export function listOrders(query: OrdersQuery, signal?: AbortSignal): Promise<OrderPage> {
  return request<OrderPage>('GET', '/orders', { query: { ...query }, signal });
}

/** `GET /api/orders/:orderId`: order with lines and event history (404 until materialized). */
export function getOrder(orderId: string, signal?: AbortSignal): Promise<OrderDetail> {
  return request<OrderDetail>('GET', `/orders/${encodeURIComponent(orderId)}`, { signal });
}

/** `GET /api/shipments/:shipmentId`: shipment with its timeline. */
export function getShipment(shipmentId: string, signal?: AbortSignal): Promise<ShipmentDetail> {
  return request<ShipmentDetail>('GET', `/shipments/${encodeURIComponent(shipmentId)}`, { signal });
}

/** `GET /api/lookup/:entityId`: is this id an order or a shipment (Redis first, PostgreSQL fallback)? */
export function lookupEntity(entityId: string, signal?: AbortSignal): Promise<EntitySummary> {
  return request<EntitySummary>('GET', `/lookup/${encodeURIComponent(entityId)}`, { signal });
}

/** KPI range as the console sets it: site-time days `YYYY-MM-DD`, inclusive; drills off by default. */
export type KpiRange = Partial<KpiQuery>;

/** `GET /api/kpi/summary`: KPI summary over a day range. */
export function getKpiSummary(range: KpiRange, signal?: AbortSignal): Promise<KpiSummary> {
  return request<KpiSummary>('GET', '/kpi/summary', { query: { ...range }, signal });
}

/** `GET /api/kpi/daily`: per-day counts (created, shipped, delivered, on time, late). */
export function getKpiDaily(range: KpiRange, signal?: AbortSignal): Promise<KpiDailyPoint[]> {
  return request<KpiDailyPoint[]>('GET', '/kpi/daily', { query: { ...range }, signal });
}

/** Dead-letter list query as the console sets it (the server applies defaults). */
export type DeadLettersQuery = Partial<DeadLetterListQuery>;

/** `GET /api/dead-letters`: one page of dead letters (one row per source message), newest first. */
export function listDeadLetters(query: DeadLettersQuery, signal?: AbortSignal): Promise<DeadLetterPage> {
  return request<DeadLetterPage>('GET', '/dead-letters', { query: { ...query }, signal });
}

/**
 * `POST /api/dead-letters/redrive`: re-publishes dead letters (1..500 keys). Resolves with the
 * per-key outcomes also when nothing was re-driven (422 still invalid, 404 unknown).
 */
export function redriveDeadLetters(
  keys: DeadLetterKey[],
  reason?: string,
  signal?: AbortSignal,
): Promise<DeadLetterRedriveResult> {
  return request<DeadLetterRedriveResult>('POST', '/dead-letters/redrive', {
    body: reason === undefined ? { keys } : { keys, reason },
    signal,
    accept: [404, 422],
  });
}

/** Audit-log query as the console sets it (the server applies defaults). */
export type AuditQuery = Partial<AuditListQuery>;

/** `GET /api/audit`: one page of the audit log, newest first (filter by operator and action). */
export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  return request<AuditPage>('GET', '/audit', { query: { ...query }, signal });
}

/** `GET /api/health`: Kafka/PostgreSQL/Redis reachability and worker states. */
export function getHealth(signal?: AbortSignal): Promise<StackHealth> {
  return request<StackHealth>('GET', '/health', { signal });
}

/** `GET /api/drift/last`: the newest drift check (`npm run replay`), or null when none has run. */
export function getLastDrift(signal?: AbortSignal): Promise<DriftReport | null> {
  return request<DriftReport | null>('GET', '/drift/last', { signal });
}

// ---------------------------------------------------------------------------------------------
// Live stream
// ---------------------------------------------------------------------------------------------

/** State of the live channel: connecting (first try), open, reconnecting (after a drop), stopped. */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'stopped';

/** Callbacks of {@link openLiveStream}. */
export interface LiveHandlers {
  /** A worker committed changes. */
  onChange(change: ChangeNotification): void;
  /** The stream (re)opened; `reconnected` is true after a drop, when changes may have been missed. */
  onOpen(reconnected: boolean): void;
  /** Status transitions; `retryInMs` is set while waiting to reconnect. */
  onStatus(status: LiveStatus, detail: { retryInMs?: number; error?: string }): void;
}

/** Tuning of {@link openLiveStream}, in milliseconds. */
export interface LiveOptions {
  /** Reconnect when no byte (event or `:` heartbeat) arrived for this long. */
  idleTimeoutMs: number;
  /** Reconnection backoff (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
}

/**
 * Opens `GET /api/live` and keeps it open: parses SSE frames, hands `change` events to
 * `onChange`, reconnects with exponential backoff (1 s .. 30 s, jittered, or the server's
 * `retry:`) when the stream ends, errors or goes silent. Stops on 401 or {@link LiveSubscription.close}.
 */
export function openLiveStream(
  handlers: LiveHandlers,
  options: LiveOptions = { idleTimeoutMs: 45_000 },
): LiveSubscription {
  const stop = new AbortController();
  const parser = new SseParser();
  let everOpened = false;
  let consecutiveFailures = 0;
  let lastError: string | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  const runOnce = async (): Promise<'retry' | 'stop'> => {
    const conn = active;
    if (!conn) return 'stop';
    const attempt = new AbortController();
    const onStop = (): void => attempt.abort();
    stop.signal.addEventListener('abort', onStop, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdle = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => attempt.abort(), options.idleTimeoutMs);
    };
    try {
      armIdle();
      const res = await fetch(`${conn.baseUrl}/api/live`, {
        headers: { Authorization: `Bearer ${conn.token}`, Accept: 'text/event-stream' },
        signal: attempt.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (res.status === 401) {
        if (conn.mode === 'browser') forgetToken();
        for (const listener of unauthorizedListeners) listener();
        return 'stop';
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      handlers.onStatus('open', {});
      handlers.onOpen(everOpened);
      everOpened = true;
      consecutiveFailures = 0;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      parser.end();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdle();
        for (const frame of parser.push(decoder.decode(value, { stream: true }))) {
          if (frame.event !== 'change') continue;
          const change = parseChangeNotification(frame.data);
          if (change) handlers.onChange(change);
        }
      }
      return 'retry';
    } catch (err) {
      if (stop.signal.aborted) return 'stop';
      lastError = attempt.signal.aborted ? 'no heartbeat' : errorText(err);
      return 'retry';
    } finally {
      clearTimeout(idleTimer);
      stop.signal.removeEventListener('abort', onStop);
      parser.end();
    }
  };

  void (async () => {
    handlers.onStatus('connecting', {});
    while (!stop.signal.aborted) {
      const outcome = await runOnce();
      if (outcome === 'stop' || stop.signal.aborted) break;
      consecutiveFailures++;
      const delay = Math.max(parser.retryMs ?? 0, backoffDelay(consecutiveFailures, options.backoff));
      handlers.onStatus('reconnecting', { retryInMs: delay, ...(lastError ? { error: lastError } : {}) });
      lastError = undefined;
      await sleep(delay);
    }
    handlers.onStatus('stopped', {});
  })();

  return { close: () => stop.abort() };
}

/** Handle of an open live stream. */
export interface LiveSubscription {
  /** Stops the stream and any pending reconnection. */
  close(): void;
}

// ---------------------------------------------------------------------------------------------

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function safeSessionStorage(): Storage | MemoryStorage {
  try {
    const s = window.sessionStorage;
    s.getItem(TOKEN_STORAGE_KEY);
    return s;
  } catch {
    return memoryStorage; // storage disabled (privacy mode, opaque origin): keep the token in memory
  }
}

class MemoryStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const memoryStorage = new MemoryStorage();

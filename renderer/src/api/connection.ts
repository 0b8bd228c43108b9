/**
 * The console's API connection: where the API is and which bearer token it is called with.
 *
 * - desktop: `window.sctDesktop.getApiConnection()` (preload bridge, contracts/ipc.ts) gives the
 *   loopback base URL and the per-window secret;
 * - browser/headless: base URL = `location.origin`; the token comes from `#token=<t>` on first
 *   load (then kept in sessionStorage and removed from the address bar), from sessionStorage, from
 *   a pasted machine token, or from an operator's sign-in (api/session.ts).
 *
 * A 401 from any call ends the browser token and tells the {@link onUnauthorized} listeners (the
 * connection store shows the sign-in screen). HTTP calls: api/http.ts; the live stream: api/live.ts.
 */
import { SESSION_TOKEN_PREFIX } from '../../../contracts/auth';
import type { ApiConnection } from '../../../contracts/ipc';
import { readTokenLink, resolveBrowserToken, TOKEN_STORAGE_KEY } from './token';

/** How the console reached its API. */
export type ConnectionMode = 'desktop' | 'browser';

/** Outcome of {@link initConnection}/{@link submitToken}. */
export type ConnectionResolution =
  | { kind: 'ready'; mode: ConnectionMode; baseUrl: string }
  | { kind: 'needs-token'; reason: 'missing' | 'rejected' }
  | { kind: 'failed'; message: string };

/** The connection in use: base URL, bearer token and how it was obtained. */
export interface ActiveConnection extends ApiConnection {
  mode: ConnectionMode;
}

let active: ActiveConnection | null = null;
const unauthorizedListeners = new Set<() => void>();

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
  active = { baseUrl: browserBaseUrl(), token, mode: 'browser' };
  return { kind: 'ready', mode: 'browser', baseUrl: active.baseUrl };
}

/** Browser mode: uses a token the operator pasted or signed in for (stored in sessionStorage for this tab). */
export function submitToken(token: string): ConnectionResolution {
  const trimmed = token.trim();
  if (!trimmed) return { kind: 'needs-token', reason: 'missing' };
  safeSessionStorage().setItem(TOKEN_STORAGE_KEY, trimmed);
  active = { baseUrl: browserBaseUrl(), token: trimmed, mode: 'browser' };
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

/** The connection in use, or null before {@link initConnection} succeeded (or after a sign-out). */
export function activeConnection(): ActiveConnection | null {
  return active;
}

/** The current connection mode, or null before {@link initConnection} succeeded. */
export function connectionMode(): ConnectionMode | null {
  return active?.mode ?? null;
}

/** The API base URL in use (for display), or null. */
export function apiBaseUrl(): string | null {
  return active?.baseUrl ?? null;
}

/** The base URL of the browser console's API: its own origin. */
export function browserBaseUrl(): string {
  return trimSlash(window.location.origin);
}

/** Registers a callback run when the API answers 401 (token wrong or expired). Returns an unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The API refused `conn`'s token (401): a browser token is forgotten, and the listeners told. */
export function tokenRefused(conn: ActiveConnection): void {
  if (conn.mode === 'browser') forgetToken();
  for (const listener of unauthorizedListeners) listener();
}

/** The message of a thrown value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
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

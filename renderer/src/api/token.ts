/**
 * Console-token handling for the headless/browser console (the desktop gets its secret from the
 * preload bridge instead). The server opens the console as `<origin>/#token=<token>`; the token
 * is kept in sessionStorage (per tab, gone when the tab closes) and removed from the address bar.
 * Pure helpers: the storage is passed in, so Node tests can use a fake.
 */

/** sessionStorage key holding the console token. */
export const TOKEN_STORAGE_KEY = 'sct.console-token';

/** The subset of `Storage` used here. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Extracts a token from a location hash of the form `#token=<t>` (optionally `&route=/orders`).
 *
 * @param hash `location.hash`, with or without the leading `#`
 * @returns the token (null when the hash carries none) and the hash to show instead (`#/` or the
 *   given route); when there is no token, `hash` is returned unchanged
 */
export function takeTokenFromHash(hash: string): { token: string | null; hash: string } {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.startsWith('token=')) return { token: null, hash };
  const params = new URLSearchParams(body);
  const token = params.get('token')?.trim() || null;
  const route = params.get('route');
  const nextHash = route && route.startsWith('/') ? `#${route}` : '#/';
  return { token, hash: nextHash };
}

/**
 * Resolves the browser console's token: a token in the hash wins (and is stored), otherwise the
 * stored one. Returns the token and, when the hash held one, the hash to replace it with.
 */
export function resolveBrowserToken(
  hash: string,
  storage: TokenStorage,
): { token: string | null; replaceHash: string | null } {
  const fromHash = takeTokenFromHash(hash);
  if (fromHash.token) {
    storage.setItem(TOKEN_STORAGE_KEY, fromHash.token);
    return { token: fromHash.token, replaceHash: fromHash.hash };
  }
  const stored = storage.getItem(TOKEN_STORAGE_KEY);
  // `#token=` with an empty value still must not stay in the address bar.
  const replaceHash = fromHash.hash !== hash ? fromHash.hash : null;
  return { token: stored && stored.trim() ? stored : null, replaceHash };
}

/** A `#token=...` link opened in a tab that is already running (see {@link readTokenLink}). */
export interface TokenLink {
  /** The token it carries; null for an empty `#token=`. */
  token: string | null;
  /** The hash to show instead (`#/` or the link's route). */
  replaceHash: string;
  /** True when it carries a token other than `currentToken` (so the console must sign in with it). */
  changed: boolean;
}

/**
 * Reads a login link that arrived by `hashchange` (the printed URL opened in a tab that already
 * shows the token screen or the console). Null when the hash is no `#token=` link.
 *
 * @param currentToken the token the console is using now, or null when signed out
 */
export function readTokenLink(hash: string, currentToken: string | null): TokenLink | null {
  const { token, hash: replaceHash } = takeTokenFromHash(hash);
  if (replaceHash === hash) return null;
  return { token, replaceHash, changed: token !== null && token !== currentToken };
}

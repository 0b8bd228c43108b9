/** React binding of the hash router: the current {@link Route}, re-rendered on `hashchange`. */
import { useSyncExternalStore } from 'react';
import { parseHash, type Route } from './hash';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): string {
  return window.location.hash;
}

/** The current route; components re-render when the hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot);
  // parseHash is cheap; memoising by hash string keeps the object stable enough for effects keyed by ids.
  return parseHash(hash);
}

/** Navigates to a hash (`#/orders/123`), adding a history entry. */
export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

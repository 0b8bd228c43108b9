/**
 * Keeps a screen's view (a zustand store) and the URL hash in step, for the orders list and the
 * dashboard: a hash with a query loads that view (a bookmark, a reload, a KPI link); the bare hash
 * (the nav link) shows the view last used and writes it into the URL; every change of the view
 * replaces the hash (replaceState: no history entry per keystroke or click).
 */
import { useEffect } from 'react';

/** How a view is read from and written to the hash. */
export interface ViewInUrl<V> {
  /** The store holding the view (zustand's `getState` / `subscribe`). */
  store: { getState(): V; subscribe(listener: (view: V) => void): () => void };
  /** Replaces the whole view. */
  load(view: V): void;
  /** The hash query of a view ('' for the default view). */
  toSearch(view: V): string;
  /** The view a hash query describes. */
  fromSearch(search: string): V;
  /** The full hash of a query. */
  href(search: string): string;
}

/** Binds the view of `binding` to the hash query `search` of the current route. */
export function useViewInUrl<V>(search: string, binding: ViewInUrl<V>): void {
  const { store, load, toSearch, fromSearch, href } = binding;
  useEffect(() => {
    const current = toSearch(store.getState());
    if (search === '') {
      if (current !== '') window.history.replaceState(window.history.state, '', href(current));
    } else if (new URLSearchParams(search).toString() !== current) load(fromSearch(search));
  }, [search, store, load, toSearch, fromSearch, href]);
  useEffect(
    () =>
      store.subscribe((view) => {
        const next = href(toSearch(view));
        if (window.location.hash !== next) window.history.replaceState(window.history.state, '', next);
      }),
    [store, toSearch, href],
  );
}

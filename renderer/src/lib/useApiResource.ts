/**
 * Data loading for screens: fetches when `key` changes, keeps showing the previous data while a
 * new answer is on its way (no flicker), cancels superseded requests, and refetches when a live
 * change notification matches the screen's filter (debounced 300 ms, at most 2 s apart). A resync
 * (`null`: stream reconnected, Redis-down poll tick, Redis back) refetches at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError } from '../api/client';
import type { ChangeFilter } from '../api/notifications';
import { subscribeToChanges } from '../state/live';
import { createDebouncer } from './debounce';

/** Live refetch debounce (ms) and the longest it may hold a refetch back during a burst (ms). */
export const LIVE_DEBOUNCE_MS = 300;
export const LIVE_MAX_WAIT_MS = 2_000;

/** What a screen renders from. `data` is the last successful answer (possibly for an older key). */
export interface Resource<T> {
  data: T | null;
  /** Key the current `data` was loaded for; compare with the current key to detect stale data. */
  dataKey: string | null;
  error: Error | null;
  /** True while any request is in flight. */
  loading: boolean;
  /** Epoch ms of the last successful load. */
  updatedAt: number | null;
  /** Fetches again now. */
  reload(): void;
}

interface State<T> {
  data: T | null;
  dataKey: string | null;
  error: Error | null;
  /** Key the current `error` belongs to (errors of an older key are not shown). */
  errorKey: string | null;
  /** A live or manual refetch of the current key is in flight. */
  refreshing: boolean;
  updatedAt: number | null;
}

/**
 * @param key identifies what is loaded (route id + query); a new key triggers a fetch
 * @param load performs the request; must honour the abort signal
 * @param liveFilter which change notifications should refetch this resource (null = none)
 */
export function useApiResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  liveFilter: ChangeFilter | null,
): Resource<T> {
  const [state, setState] = useState<State<T>>({
    data: null,
    dataKey: null,
    error: null,
    errorKey: null,
    refreshing: false,
    updatedAt: null,
  });
  const loadRef = useRef(load);
  const filterRef = useRef(liveFilter);
  const controllerRef = useRef<AbortController | null>(null);
  const keyRef = useRef(key);

  useEffect(() => {
    loadRef.current = load;
    filterRef.current = liveFilter;
  });

  // Starts a request for the current key; state changes only when it settles (no sync setState).
  const fetchNow = useCallback((): void => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    const requestKey = keyRef.current;
    loadRef.current(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        setState({
          data,
          dataKey: requestKey,
          error: null,
          errorKey: null,
          refreshing: false,
          updatedAt: Date.now(),
        });
      },
      (err: unknown) => {
        if (controller.signal.aborted || isAbortError(err)) return;
        const error = err instanceof Error ? err : new Error(String(err));
        setState((s) => ({ ...s, error, errorKey: requestKey, refreshing: false }));
      },
    );
  }, []);

  const refresh = useCallback((): void => {
    setState((s) => (s.refreshing ? s : { ...s, refreshing: true }));
    fetchNow();
  }, [fetchNow]);

  useEffect(() => {
    keyRef.current = key;
    fetchNow();
    return () => controllerRef.current?.abort();
  }, [key, fetchNow]);

  useEffect(() => {
    const debouncer = createDebouncer(refresh, LIVE_DEBOUNCE_MS, LIVE_MAX_WAIT_MS);
    const unsubscribe = subscribeToChanges((change) => {
      const filter = filterRef.current;
      if (!filter || !filter(change)) return;
      if (change === null) {
        debouncer.cancel();
        refresh();
      } else debouncer.trigger();
    });
    return () => {
      unsubscribe();
      debouncer.cancel();
    };
  }, [refresh]);

  const settled = state.dataKey === key || state.errorKey === key;
  return {
    data: state.data,
    dataKey: state.dataKey,
    error: state.errorKey === key ? state.error : null,
    loading: state.refreshing || !settled,
    updatedAt: state.updatedAt,
    reload: refresh,
  };
}

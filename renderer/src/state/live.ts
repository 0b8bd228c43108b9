/**
 * Live-update store: the state of the `/api/live` stream (for the header indicator) and a tiny
 * pub/sub that screens use to refetch what they show when a worker commits changes.
 * A `null` change means "resync": changes may have been missed (the stream reconnected, Redis is
 * down and the screens poll, or Redis came back after an outage), so refetch now.
 */
import { create } from 'zustand';
import type { ChangeNotification } from '../../../contracts/api';
import { openLiveStream, type LiveStatus } from '../api/client';
import { createRedisFallback, redisStateOf } from '../lib/liveStatus';
import { useHealth } from './health';

interface LiveState {
  status: LiveStatus;
  /** Epoch ms of the last change notification, or null. */
  lastChangeAt: number | null;
  /** Notifications received since start. */
  changeCount: number;
  /** While reconnecting: delay before the next attempt (ms) and the last error. */
  retryInMs: number | null;
  error: string | null;
}

/** The live-stream store (indicator state). */
export const useLive = create<LiveState>()(() => ({
  status: 'connecting',
  lastChangeAt: null,
  changeCount: 0,
  retryInMs: null,
  error: null,
}));

type ChangeListener = (change: ChangeNotification | null) => void;
const listeners = new Set<ChangeListener>();

/** Subscribes to change notifications (`null` = resync after a reconnect). Returns an unsubscribe. */
export function subscribeToChanges(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function publish(change: ChangeNotification | null): void {
  for (const listener of [...listeners]) listener(change);
}

/** Opens the live stream and feeds the store and the subscribers. Returns a stop function. */
export function startLive(): () => void {
  const subscription = openLiveStream({
    onChange(change) {
      useLive.setState((s) => ({ lastChangeAt: Date.now(), changeCount: s.changeCount + 1 }));
      publish(change);
    },
    onOpen(reconnected) {
      if (reconnected) publish(null);
    },
    onStatus(status, detail) {
      useLive.setState({ status, retryInMs: detail.retryInMs ?? null, error: detail.error ?? null });
    },
  });
  return () => subscription.close();
}

/**
 * Keeps the screens current through Redis outages (change notifications travel through Redis
 * pub/sub): while the health store reports Redis down, a resync every 5 s (the screens poll);
 * when it reports Redis up again, one resync at once. Returns a stop function.
 */
export function startRedisFallback(): () => void {
  const fallback = createRedisFallback(() => publish(null));
  fallback.update(redisStateOf(useHealth.getState().health));
  const unsubscribe = useHealth.subscribe((s, prev) => {
    if (s.health !== prev.health) fallback.update(redisStateOf(s.health));
  });
  return () => {
    unsubscribe();
    fallback.stop();
  };
}

/**
 * Live-stream store: the state of the `/api/live` stream for the header indicator (status,
 * change count, last change, reconnect delay). What the notifications make stale is the query
 * layer's business (query/liveSync.ts), which opens the stream through {@link startLive}.
 */
import { create } from 'zustand';
import type { ChangeNotification } from '../../../contracts/api';
import { openLiveStream, type LiveStatus } from '../api/live';

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

/** Where {@link startLive} delivers what the stream says. */
export interface LiveSink {
  /** A worker committed changes. */
  change(change: ChangeNotification): void;
  /** The stream reopened after a drop: changes may have been missed, refetch what is shown. */
  resync(): void;
}

/** Opens the live stream, feeds the indicator store and `sink`. Returns a stop function. */
export function startLive(sink: LiveSink): () => void {
  const subscription = openLiveStream({
    onChange(change) {
      useLive.setState((s) => ({ lastChangeAt: Date.now(), changeCount: s.changeCount + 1 }));
      sink.change(change);
    },
    onOpen(reconnected) {
      if (reconnected) sink.resync();
    },
    onStatus(status, detail) {
      useLive.setState({ status, retryInMs: detail.retryInMs ?? null, error: detail.error ?? null });
    },
  });
  return () => subscription.close();
}

/**
 * The live stream: `GET /api/live` (server-sent events) read with fetch + ReadableStream, since
 * `EventSource` cannot send the bearer token; the frames are parsed by `eventsource-parser` (the
 * WHATWG server-sent events rules, chunk boundaries anywhere). Each `change` event's data is parsed with the
 * contracts' schema (api/notifications.ts: an invalid one is ignored); the stream reconnects with
 * backoff when it drops, errors or goes silent, and stops on 401 (the session ended).
 */
import { createParser } from 'eventsource-parser';
import type { ChangeNotification } from '../../../contracts/api';
import { backoffDelay, type BackoffOptions } from '../../../contracts/backoff';
import { activeConnection, errorText, tokenRefused } from './connection';
import { parseChangeNotification } from './notifications';

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
  /** Reconnection time the server asked for with `retry:` (ms), if any. */
  let serverRetryMs: number | undefined;
  const parser = createParser({
    onEvent: (message) => {
      if (message.event !== 'change') return;
      const change = parseChangeNotification(message.data);
      if (change) handlers.onChange(change);
    },
    onRetry: (ms) => (serverRetryMs = ms),
  });
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
    const conn = activeConnection();
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
        tokenRefused(conn);
        return 'stop';
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      handlers.onStatus('open', {});
      handlers.onOpen(everOpened);
      everOpened = true;
      consecutiveFailures = 0;
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      parser.reset();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdle();
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return 'retry';
    } catch (err) {
      if (stop.signal.aborted) return 'stop';
      lastError = attempt.signal.aborted ? 'no heartbeat' : errorText(err);
      return 'retry';
    } finally {
      clearTimeout(idleTimer);
      stop.signal.removeEventListener('abort', onStop);
      parser.reset();
    }
  };

  void (async () => {
    handlers.onStatus('connecting', {});
    while (!stop.signal.aborted) {
      const outcome = await runOnce();
      if (outcome === 'stop' || stop.signal.aborted) break;
      consecutiveFailures++;
      const delay = Math.max(serverRetryMs ?? 0, backoffDelay(consecutiveFailures, options.backoff));
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

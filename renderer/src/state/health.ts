/**
 * Stack-health store: polls `GET /api/health` every 5 s while the console is connected and keeps
 * the last answer (services up/down with address, worker states) for the status strip and the
 * outage banner.
 */
import { create } from 'zustand';
import type { StackHealth } from '../../../contracts/api';
import { getHealth } from '../api/client';

/** Poll period in milliseconds. */
export const HEALTH_POLL_MS = 5_000;

interface HealthState {
  health: StackHealth | null;
  /** Message of the last failed poll (API unreachable), null after a success. */
  error: string | null;
  /** Epoch ms of the last successful poll. */
  okAt: number | null;
}

/** The health store. */
export const useHealth = create<HealthState>()(() => ({ health: null, error: null, okAt: null }));

/** Starts polling (immediately, then every {@link HEALTH_POLL_MS}); returns a stop function. */
export function startHealthPolling(): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const poll = async (): Promise<void> => {
    controller = new AbortController();
    try {
      const health = await getHealth(controller.signal);
      if (!stopped) useHealth.setState({ health, error: null, okAt: Date.now() });
    } catch (err) {
      if (!stopped) useHealth.setState({ error: err instanceof Error ? err.message : String(err) });
    }
    if (!stopped) timer = setTimeout(() => void poll(), HEALTH_POLL_MS);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
  };
}

/** Human name of a backing service. */
export function serviceLabel(name: 'kafka' | 'postgres' | 'redis'): string {
  return name === 'kafka' ? 'Kafka' : name === 'postgres' ? 'PostgreSQL' : 'Redis';
}

/**
 * The core's start-up state: while Kafka or PostgreSQL do not answer, the core serves the API and
 * the console on a connection screen and keeps probing; as soon as both answer it applies the
 * migrations, creates the topics and starts the workers. Two views of the same state:
 *
 * - {@link startupSummarySchema} (`GET /api/startup`, before sign-in): only the phase and whether
 *   each service answers now (after the start, the latest health check's answer; see
 *   {@link summarizeStartup}). Nothing an unauthenticated page could use to map the network (no
 *   addresses, user names, error texts or versions): the same up/down a failed sign-in would show.
 * - {@link startupDetailSchema} (`GET /api/startup/detail`, `read`): the address tried (password
 *   masked), what failed in plain words with the fix, the version and latency, and when the next
 *   attempt is.
 */
import { z } from 'zod';
import { serviceProbeSchema, STACK_SERVICES, type StackService } from './settings';

/**
 * - `connecting`: waiting for Kafka and PostgreSQL to answer (probing with backoff);
 * - `migrating`, `creating_topics`, `starting_workers`: the start, step by step;
 * - `ready`: the start completed (a later outage shows in the services' states of
 *   `GET /api/startup`, from the health checks, and in `/api/health`);
 * - `restarting`: new settings were saved, the connections and workers are being restarted.
 */
export const STARTUP_PHASES = [
  'connecting',
  'migrating',
  'creating_topics',
  'starting_workers',
  'ready',
  'restarting',
] as const;
export type StartupPhase = (typeof STARTUP_PHASES)[number];

/** `checking`: no answer yet; `up`: answered the last probe; `down`: did not. */
export const STARTUP_SERVICE_STATES = ['checking', 'up', 'down'] as const;

export const startupSummarySchema = z.object({
  phase: z.enum(STARTUP_PHASES),
  services: z.array(
    z.object({
      name: z.enum(STACK_SERVICES),
      state: z.enum(STARTUP_SERVICE_STATES),
      /** False for Redis: a cache, the console starts without it. */
      required: z.boolean(),
    }),
  ),
});
export type StartupSummary = z.infer<typeof startupSummarySchema>;

export const startupDetailSchema = z.object({
  phase: z.enum(STARTUP_PHASES),
  services: z.array(
    serviceProbeSchema.extend({
      state: z.enum(STARTUP_SERVICE_STATES),
      required: z.boolean(),
      /** When this service was last probed (UTC ISO), null before the first probe. */
      checkedAt: z.string().nullable(),
    }),
  ),
  /** Probe rounds so far (1 = the first). */
  attempt: z.number().int(),
  /** When the next probe round starts (UTC ISO), null when not waiting. */
  nextAttemptAt: z.string().nullable(),
  /** When the current phase began (UTC ISO). */
  since: z.string(),
  /** A failed start step (a migration, the topics) in plain words, null when none. */
  problem: z.string().nullable(),
});
export type StartupDetail = z.infer<typeof startupDetailSchema>;

/** The services' current states of the health check (`GET /api/health`), as far as they are used here. */
export interface CurrentServiceStates {
  services: readonly { name: StackService; state: 'up' | 'degraded' | 'down' }[];
}

/**
 * The public summary of a detailed state (what `GET /api/startup` may tell anyone). Once the
 * start completed (`ready`) the start-up probes stop, so each service's state comes from
 * `current`, the latest health check, when given: `down` when it does not answer now, else `up`
 * (`degraded` Redis answers, slowly). Before `ready` the start-up probes are the current state.
 */
export function summarizeStartup(
  detail: StartupDetail,
  current: CurrentServiceStates | null = null,
): StartupSummary {
  const now =
    detail.phase === 'ready' && current ? new Map(current.services.map((s) => [s.name, s.state])) : null;
  return {
    phase: detail.phase,
    services: detail.services.map(({ name, state, required }) => {
      const health = now?.get(name);
      return { name, state: health === undefined ? state : health === 'down' ? 'down' : 'up', required };
    }),
  };
}

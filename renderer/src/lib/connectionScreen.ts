/**
 * The connection screen's state machine: what the console shows while the core waits for its
 * services, runs its start steps, or restarts after new settings, driven by the answers (and
 * failures) of `GET /api/startup/detail` (contracts/startup.ts). Pure: the gate component
 * (components/ConnectionGate.tsx) polls and feeds {@link nextConnectionView}; everything else
 * here is wording.
 *
 * | view              | when                                                     | shows              |
 * |-------------------|----------------------------------------------------------|--------------------|
 * | `checking`        | no answer yet                                            | "Checking…"        |
 * | `waiting`         | the core answers, phase `connecting`                     | connection screen  |
 * | `starting`        | migrating, creating topics, starting workers, restarting | connection screen  |
 * | `ready`           | phase `ready` (brief API failures tolerated)             | the console        |
 * | `api-unreachable` | the core itself does not answer                          | connection screen  |
 *
 * Once `ready`, a single failed poll keeps the console (the outage banner covers a short blip);
 * {@link API_FAILURES_BEFORE_SCREEN} failures in a row bring the connection screen back.
 */
import {
  classifyServiceCause,
  type ServiceProbe,
  type StartupDetail,
  type StartupPhase,
} from '../../../contracts';

export type ConnectionView =
  | { kind: 'checking' }
  | { kind: 'waiting'; detail: StartupDetail }
  | { kind: 'starting'; detail: StartupDetail }
  | { kind: 'ready'; detail: StartupDetail; apiFailures: number }
  | { kind: 'api-unreachable'; message: string; failures: number; last: StartupDetail | null };

export type ConnectionEvent =
  /** A start-up state answered by the core. */
  | { type: 'answer'; detail: StartupDetail }
  /** The poll failed: the core did not answer (restarting, stopped, network). */
  | { type: 'api-error'; message: string }
  /** Settings were saved: the core restarts its connections. */
  | { type: 'settings-saved' };

/** Failed polls in a row that take a ready console back to the connection screen. */
export const API_FAILURES_BEFORE_SCREEN = 3;

export const INITIAL_CONNECTION_VIEW: ConnectionView = { kind: 'checking' };

function lastDetail(view: ConnectionView): StartupDetail | null {
  switch (view.kind) {
    case 'checking':
      return null;
    case 'api-unreachable':
      return view.last;
    default:
      return view.detail;
  }
}

/** The next view after an event (pure; never throws). */
export function nextConnectionView(view: ConnectionView, event: ConnectionEvent): ConnectionView {
  switch (event.type) {
    case 'answer': {
      const { detail } = event;
      if (detail.phase === 'ready') return { kind: 'ready', detail, apiFailures: 0 };
      if (detail.phase === 'connecting') return { kind: 'waiting', detail };
      return { kind: 'starting', detail };
    }
    case 'api-error': {
      if (view.kind === 'ready') {
        const apiFailures = view.apiFailures + 1;
        if (apiFailures < API_FAILURES_BEFORE_SCREEN) return { ...view, apiFailures };
        return { kind: 'api-unreachable', message: event.message, failures: apiFailures, last: view.detail };
      }
      const failures = view.kind === 'api-unreachable' ? view.failures + 1 : 1;
      return { kind: 'api-unreachable', message: event.message, failures, last: lastDetail(view) };
    }
    case 'settings-saved': {
      const last = lastDetail(view);
      return last ? { kind: 'starting', detail: { ...last, phase: 'restarting' } } : { kind: 'checking' };
    }
  }
}

/** True when the console itself is shown (else the connection screen). */
export function showsConsole(view: ConnectionView): boolean {
  return view.kind === 'ready';
}

/** How often to poll the start-up state (ms): every second while waiting, every 5 s once ready. */
export function startupPollMs(view: ConnectionView): number {
  return view.kind === 'ready' ? 5_000 : 1_000;
}

/** What each phase is called on the connection screen. */
export const PHASE_TEXT: Readonly<Record<StartupPhase, string>> = {
  connecting: 'Waiting for the services',
  migrating: 'Applying database migrations',
  creating_topics: 'Creating Kafka topics',
  starting_workers: 'Starting the workers',
  ready: 'Ready',
  restarting: 'Applying new settings: restarting the connections',
};

/** The connection screen's headline for a view. */
export function connectionHeadline(view: ConnectionView): string {
  switch (view.kind) {
    case 'checking':
      return 'Checking the console’s connections…';
    case 'waiting': {
      const down = view.detail.services.filter((s) => s.required && s.state === 'down');
      return down.length > 0
        ? `The console cannot reach ${down.map((s) => SERVICE_NAMES[s.name]).join(' and ')} yet`
        : 'Checking the services…';
    }
    case 'starting':
      return `${PHASE_TEXT[view.detail.phase]}…`;
    case 'ready':
      return 'Ready';
    case 'api-unreachable':
      return 'The console’s core does not answer';
  }
}

const SERVICE_NAMES: Readonly<Record<ServiceProbe['name'], string>> = {
  kafka: 'Kafka',
  postgres: 'PostgreSQL',
  redis: 'Redis',
};

/** One service's line on the connection screen: label, tone and the text after the address. */
export interface ServiceLine {
  label: string;
  tone: 'ok' | 'warn' | 'danger' | 'muted';
  status: string;
  detail: string | null;
}

/** How a service of the start-up state reads on the connection screen. */
export function serviceLine(s: StartupDetail['services'][number]): ServiceLine {
  const label = SERVICE_NAMES[s.name];
  if (s.state === 'checking') return { label, tone: 'muted', status: 'checking…', detail: null };
  if (s.state === 'up')
    return {
      label,
      tone: 'ok',
      status: 'reached',
      detail:
        [s.version, s.latencyMs !== null ? `${s.latencyMs} ms` : null].filter(Boolean).join(' · ') || null,
    };
  // A refused login or command is no outage: the badge says which (the error names the fix).
  const kind = s.error === null ? 'unreachable' : classifyServiceCause(s.error);
  const what =
    kind === 'login' ? 'login refused' : kind === 'permission' ? 'command refused' : 'not reachable';
  return {
    label,
    tone: s.required ? 'danger' : 'warn',
    status: s.required ? what : `${what} (optional: the console works without it)`,
    detail: s.error,
  };
}

/** "next attempt in 4 s" (whole seconds, at least 1), or null when none is planned. */
export function nextAttemptText(detail: StartupDetail, nowMs: number): string | null {
  if (!detail.nextAttemptAt) return null;
  const seconds = Math.max(1, Math.ceil((Date.parse(detail.nextAttemptAt) - nowMs) / 1000));
  return `next attempt in ${seconds} s (attempt ${detail.attempt} so far)`;
}

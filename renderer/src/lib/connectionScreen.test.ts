import { describe, expect, it } from 'vitest';
import type { StartupDetail } from '../../../contracts';
import {
  API_FAILURES_BEFORE_SCREEN,
  connectionHeadline,
  INITIAL_CONNECTION_VIEW,
  nextAttemptText,
  nextConnectionView,
  serviceLine,
  showsConsole,
  startupPollMs,
  type ConnectionView,
} from './connectionScreen';

function detail(phase: StartupDetail['phase'], postgres: 'up' | 'down' | 'checking' = 'down'): StartupDetail {
  return {
    phase,
    services: [
      {
        name: 'kafka',
        state: 'up',
        required: true,
        address: '127.0.0.1:19700',
        reached: true,
        version: 'Kafka cluster x, 1 broker',
        latencyMs: 12,
        error: null,
        checkedAt: null,
      },
      {
        name: 'postgres',
        state: postgres,
        required: true,
        address: 'postgres://postgres@127.0.0.1:5499/sct',
        reached: postgres === 'up',
        version: null,
        latencyMs: null,
        error:
          postgres === 'down'
            ? 'PostgreSQL is not reachable at postgres://postgres@127.0.0.1:5499/sct (connection refused (nothing listens at that address)). To fix: start PostgreSQL'
            : null,
        checkedAt: null,
      },
      {
        name: 'redis',
        state: 'down',
        required: false,
        address: 'redis://127.0.0.1:6390/0',
        reached: false,
        version: null,
        latencyMs: null,
        error: 'Redis is not reachable',
        checkedAt: null,
      },
    ],
    attempt: 2,
    nextAttemptAt: '2026-12-03T10:00:04.000Z',
    since: '2026-12-03T10:00:00.000Z',
    problem: null,
  };
}

const run = (
  events: Parameters<typeof nextConnectionView>[1][],
  from: ConnectionView = INITIAL_CONNECTION_VIEW,
) => events.reduce(nextConnectionView, from);

describe('connection screen state machine', () => {
  it('waits, starts and opens the console as the core reports its phases', () => {
    let view = run([{ type: 'answer', detail: detail('connecting') }]);
    expect(view.kind).toBe('waiting');
    expect(showsConsole(view)).toBe(false);
    expect(connectionHeadline(view)).toBe('The console cannot reach PostgreSQL yet');
    view = nextConnectionView(view, { type: 'answer', detail: detail('migrating', 'up') });
    expect(view.kind).toBe('starting');
    expect(connectionHeadline(view)).toBe('Applying database migrations…');
    view = nextConnectionView(view, { type: 'answer', detail: detail('ready', 'up') });
    expect(showsConsole(view)).toBe(true);
    expect(startupPollMs(view)).toBeGreaterThan(startupPollMs(INITIAL_CONNECTION_VIEW));
  });

  it('keeps a ready console through brief API failures, and shows the screen after several', () => {
    let view = run([{ type: 'answer', detail: detail('ready', 'up') }]);
    for (let i = 1; i < API_FAILURES_BEFORE_SCREEN; i++) {
      view = nextConnectionView(view, { type: 'api-error', message: 'Failed to fetch' });
      expect(showsConsole(view)).toBe(true);
    }
    view = nextConnectionView(view, { type: 'api-error', message: 'Failed to fetch' });
    expect(view).toMatchObject({
      kind: 'api-unreachable',
      failures: API_FAILURES_BEFORE_SCREEN,
      message: 'Failed to fetch',
    });
    expect(connectionHeadline(view)).toBe('The console’s core does not answer');
    // The core answers again: straight back to the console.
    expect(nextConnectionView(view, { type: 'answer', detail: detail('ready', 'up') }).kind).toBe('ready');
  });

  it('shows the connection screen at once when the API never answered, counting failures', () => {
    const view = run([
      { type: 'api-error', message: 'Failed to fetch' },
      { type: 'api-error', message: 'Failed to fetch' },
    ]);
    expect(view).toMatchObject({ kind: 'api-unreachable', failures: 2, last: null });
  });

  it('goes to restarting when settings were saved, and back to waiting when the new services are down', () => {
    let view = run([{ type: 'answer', detail: detail('ready', 'up') }, { type: 'settings-saved' }]);
    expect(view).toMatchObject({ kind: 'starting', detail: { phase: 'restarting' } });
    expect(showsConsole(view)).toBe(false);
    view = nextConnectionView(view, { type: 'api-error', message: 'connection refused' });
    expect(view).toMatchObject({ kind: 'api-unreachable', last: { phase: 'restarting' } });
    view = nextConnectionView(view, { type: 'answer', detail: detail('connecting') });
    expect(view.kind).toBe('waiting');
    expect(run([{ type: 'settings-saved' }])).toEqual({ kind: 'checking' });
  });

  it('words each service: reached with version and latency, required and optional failures', () => {
    const [kafka, postgres, redis] = detail('connecting').services;
    expect(serviceLine(kafka!)).toEqual({
      label: 'Kafka',
      tone: 'ok',
      status: 'reached',
      detail: 'Kafka cluster x, 1 broker · 12 ms',
    });
    expect(serviceLine(postgres!)).toMatchObject({
      label: 'PostgreSQL',
      tone: 'danger',
      status: 'not reachable',
      detail: expect.stringContaining('connection refused'),
    });
    expect(serviceLine(redis!)).toMatchObject({ tone: 'warn', status: expect.stringContaining('optional') });
    expect(nextAttemptText(detail('connecting'), Date.parse('2026-12-03T10:00:01.200Z'))).toBe(
      'next attempt in 3 s (attempt 2 so far)',
    );
    expect(nextAttemptText({ ...detail('connecting'), nextAttemptAt: null }, 0)).toBeNull();
  });

  it('names a refused login or command as such, not "not reachable" (QA: Redis WRONGPASS)', () => {
    const redis = detail('connecting').services.find((s) => s.name === 'redis')!;
    const wrongPass = {
      ...redis,
      state: 'down' as const,
      error:
        'Redis refused the login at redis://u:***@127.0.0.1:6379/13 (WRONGPASS invalid username-password pair or user is disabled.). To fix: check the user and password in REDIS_URL against the Redis ACL (`ACL LIST`).',
    };
    expect(serviceLine(wrongPass)).toMatchObject({
      tone: 'warn',
      status: 'login refused (optional: the console works without it)',
    });
    const noPerm = {
      ...wrongPass,
      error:
        "Redis refused a command (the login was accepted) at x (NOPERM User u has no permissions to run the 'ping' command).",
    };
    expect(serviceLine(noPerm).status).toBe('command refused (optional: the console works without it)');
    const postgres = detail('connecting').services.find((s) => s.name === 'postgres')!;
    expect(
      serviceLine({
        ...postgres,
        error: 'PostgreSQL refused the login at x (password authentication failed for user "sct").',
      }).status,
    ).toBe('login refused');
  });
});

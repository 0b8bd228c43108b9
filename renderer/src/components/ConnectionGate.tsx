/**
 * The connection gate: between signing in and the console. It polls the core's start-up state
 * (`GET /api/startup/detail`, every second while waiting) through the pure state machine of
 * lib/connectionScreen.ts and shows the console only once the core is ready; until then the
 * connection screen names each service, the address tried and what failed (with the fix), and
 * offers the settings (to point the console at the right stack and test it). The core completes
 * its start by itself as soon as Kafka and PostgreSQL answer: no restart.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useReducer, useState, type ReactNode } from 'react';
import {
  connectionHeadline,
  INITIAL_CONNECTION_VIEW,
  nextAttemptText,
  nextConnectionView,
  PHASE_TEXT,
  serviceLine,
  showsConsole,
  startupPollMs,
  type ConnectionView,
} from '../lib/connectionScreen';
import { startupQuery } from '../query/settings';
import { Settings } from '../screens/Settings';

const DOT = { ok: ' dot--ok', warn: ' dot--warn', danger: ' dot--bad', muted: '' } as const;

/** Re-renders every second (the "next attempt in" countdown). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** The connection screen (`connection-screen`, one `connection-service-<name>` per service). */
function ConnectionScreen({ view }: { view: ConnectionView }): ReactNode {
  const [showSettings, setShowSettings] = useState(false);
  const now = useNow();
  const detail = view.kind === 'api-unreachable' ? view.last : view.kind === 'checking' ? null : view.detail;
  const next = view.kind === 'waiting' ? nextAttemptText(view.detail, now) : null;
  return (
    <div className="connection" data-testid="connection-screen" data-view={view.kind}>
      <section className="panel connection__card" aria-labelledby="connection-title">
        <div className="gate__brand">
          <span className="nav__logo" aria-hidden="true">
            SCT
          </span>
          <div>
            <h1 id="connection-title" data-testid="connection-headline">
              {connectionHeadline(view)}
            </h1>
            <div className="muted">
              Supply Chain Event Tracker
              {detail ? ` · ${PHASE_TEXT[detail.phase]}` : ''}
            </div>
          </div>
        </div>
        {view.kind === 'api-unreachable' && (
          <div className="notice notice--error" role="alert">
            The console’s core did not answer ({view.message}; {view.failures} tries). It may be restarting
            with new settings; this screen keeps trying.
          </div>
        )}
        {detail && (
          <ul className="connection__services" aria-label="Services">
            {detail.services.map((s) => {
              const line = serviceLine(s);
              return (
                <li
                  key={s.name}
                  className="connection__service"
                  data-testid={`connection-service-${s.name}`}
                  data-state={s.state}
                >
                  <span className={`dot${DOT[line.tone]}`} aria-hidden="true" />
                  <div className="connection__service-text">
                    <div>
                      <strong>{line.label}</strong> <span className="mono muted">{s.address}</span>{' '}
                      <span className={`chip chip--${line.tone}`}>{line.status}</span>
                    </div>
                    {line.detail && (
                      <div className={line.tone === 'ok' ? 'muted' : 'connection__error'}>{line.detail}</div>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {detail?.problem && (
          <div className="notice notice--error" role="alert" data-testid="connection-problem">
            {detail.problem}
          </div>
        )}
        <p className="muted" role="status" aria-live="polite">
          {next ? `Trying again by itself: ${next}. ` : ''}
          The console opens as soon as Kafka and PostgreSQL answer; no restart needed.
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            aria-expanded={showSettings}
            aria-controls="connection-settings"
            onClick={() => setShowSettings((v) => !v)}
            data-testid="connection-open-settings"
          >
            {showSettings ? 'Hide settings' : 'Settings and connection test'}
          </button>
        </div>
      </section>
      {showSettings && (
        <section className="panel connection__settings" id="connection-settings" aria-label="Settings">
          <Settings />
        </section>
      )}
    </div>
  );
}

/** Shows `children` (the console) once the core is ready, else the connection screen. */
export function ConnectionGate({ children }: { children: ReactNode }): ReactNode {
  const [view, dispatch] = useReducer(nextConnectionView, INITIAL_CONNECTION_VIEW);
  const query = useQuery(startupQuery(startupPollMs(view)));
  useEffect(() => {
    if (query.data) dispatch({ type: 'answer', detail: query.data });
  }, [query.data, query.dataUpdatedAt]);
  useEffect(() => {
    if (query.error) dispatch({ type: 'api-error', message: query.error.message });
  }, [query.error, query.errorUpdatedAt]);
  if (showsConsole(view)) return children;
  return <ConnectionScreen view={view} />;
}

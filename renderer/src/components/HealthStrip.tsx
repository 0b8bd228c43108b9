/**
 * Stack health: the footer status strip (Kafka / PostgreSQL / Redis up, degraded (amber, labelled)
 * or down with the address tried, then each worker's state) and the outage banner shown above every screen when something is down.
 */
import type { ReactNode } from 'react';
import type { ServiceHealth, WorkerHealth } from '../../../contracts/api';
import { formatInstant, serviceLabel } from '../lib/format';
import { consumerProblem, lagText, lagTone, lastExitText, stripLagLabel } from '../lib/pipeline';
import { useHealth } from '../query/health';

const WORKER_OK: ReadonlySet<WorkerHealth['state']> = new Set(['running']);
const WORKER_BAD: ReadonlySet<WorkerHealth['state']> = new Set(['crashed', 'stopped']);

/** Green only when the process runs AND its consumer consumes; a consumer that cannot join is amber. */
function workerTone(worker: WorkerHealth): 'up' | 'down' | 'pending' {
  if (WORKER_BAD.has(worker.state)) return 'down';
  return WORKER_OK.has(worker.state) && !consumerProblem(worker) ? 'up' : 'pending';
}

function ServiceItem({ service }: { service: ServiceHealth }): ReactNode {
  return (
    <span
      className={`strip__item strip__item--${service.state}`}
      data-testid={`health-${service.name}`}
      data-state={service.state}
      title={service.detail || `${serviceLabel(service.name)} ${service.state}`}
    >
      <span className="dot" aria-hidden="true" />
      <span className="strip__name">{serviceLabel(service.name)}</span>
      {service.state === 'degraded' && <span className="strip__state">degraded</span>}
      <span className="strip__addr mono" title={service.address}>
        {service.address}
      </span>
    </span>
  );
}

function WorkerItem({ worker }: { worker: WorkerHealth }): ReactNode {
  const tone = workerTone(worker);
  const problem = consumerProblem(worker);
  const lag = stripLagLabel(worker);
  const title = [
    `${worker.name}: ${worker.state}`,
    worker.pid !== null ? `pid ${worker.pid}` : null,
    `${worker.restarts} restart${worker.restarts === 1 ? '' : 's'}`,
    lastExitText(worker),
    problem,
    lagText(worker),
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span
      className={`strip__item strip__item--${tone}`}
      data-testid={`worker-${worker.name}`}
      data-state={worker.state}
      title={title}
    >
      <span className="dot" aria-hidden="true" />
      <span className="strip__name">{worker.name}</span>
      {worker.state !== 'running' && <span className="strip__state">{worker.state}</span>}
      {problem && <span className="strip__state">not consuming</span>}
      {worker.restarts > 0 && <span className="strip__restarts">↻{worker.restarts}</span>}
      {lag !== null && (
        <span className={`strip__lag strip__lag--${lagTone(worker)}`} data-testid="worker-lag">
          · {lag}
        </span>
      )}
    </span>
  );
}

/** The footer status strip (`data-testid="health-strip"`). */
export function HealthStrip(): ReactNode {
  const { health, error, okAt } = useHealth();
  return (
    <footer
      className={`strip${error ? ' strip--stale' : ''}`}
      data-testid="health-strip"
      data-api={error ? 'down' : 'up'}
    >
      {error && (
        <span
          className="strip__item strip__item--down"
          data-testid="health-api"
          data-state="down"
          title={error}
        >
          <span className="dot" aria-hidden="true" />
          <span className="strip__name">Console API unreachable</span>
        </span>
      )}
      {error && health && <span className="strip__item muted">last known:</span>}
      {health?.services.map((s) => (
        <ServiceItem key={s.name} service={s} />
      ))}
      {health && health.workers.length > 0 && <span className="strip__sep" aria-hidden="true" />}
      {health?.workers.map((w) => (
        <WorkerItem key={w.name} worker={w} />
      ))}
      {!health && !error && <span className="strip__item muted">Checking services…</span>}
      <span className="strip__spacer" />
      {okAt !== null && (
        <span className="strip__checked muted" title="Last successful health check (polled every 5 s)">
          checked {formatInstant(new Date(okAt).toISOString()).slice(11)}
        </span>
      )}
    </footer>
  );
}

/** The outage banner: one line per service down / worker crashed, or the API itself unreachable. */
export function OutageBanner(): ReactNode {
  const { health, error } = useHealth();
  const down = health?.services.filter((s) => s.state === 'down') ?? [];
  const crashed = health?.workers.filter((w) => w.state === 'crashed' || w.state === 'stopped') ?? [];
  if (!error && down.length === 0 && crashed.length === 0) return null;
  return (
    <div className="outage" role="alert" data-testid="outage-banner">
      <strong className="outage__title">Outage</strong>
      <ul className="outage__list">
        {error && <li>The console API does not answer: {error}</li>}
        {down.map((s) => (
          <li key={s.name}>
            <strong>{serviceLabel(s.name)}</strong> is down at <span className="mono">{s.address}</span>
            {s.detail ? ` — ${s.detail}` : ''}
          </li>
        ))}
        {crashed.map((w) => (
          <li key={w.name}>
            Worker <strong>{w.name}</strong> is {w.state}
            {lastExitText(w) !== null ? ` (${lastExitText(w)})` : ''}
            {w.restarts > 0 ? `, ${w.restarts} restarts` : ''}
          </li>
        ))}
      </ul>
      {health && <span className="outage__checked muted">as of {formatInstant(health.checkedAt)}</span>}
    </div>
  );
}

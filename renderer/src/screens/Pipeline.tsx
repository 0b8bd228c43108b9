/**
 * Pipeline: what a supervisor watches all shift under the console. The three backing services
 * (up/down, address, how to fix), each worker (process state, restarts, last event time applied,
 * consumer lag in events and seconds, per partition), and the last drift check (a replay of the
 * topics compared with the live read models, KPI totals and the Redis cache).
 *
 * Services and workers come from the shell's health store (polled every 5 s); when the API stops
 * answering, the last known states stay on screen, marked as such. The drift report is fetched on
 * open, every 30 s and after the live stream reconnects.
 */
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import type { DriftReport, PartitionLag, ServiceHealth, WorkerHealth } from '../../../contracts/api';
import { Instant } from '../components/Badges';
import { ErrorNotice, Loading } from '../components/Notice';
import { EMPTY, formatCount, formatInstant, serviceLabel } from '../lib/format';
import {
  cacheDown,
  codeSpans,
  digestDrift,
  formatAgo,
  formatElapsed,
  formatLagEvents,
  formatLagSeconds,
  formatRate,
  hasLag,
  lagMissingReason,
  lagTone,
  lastExitFailed,
  lastExitText,
  outageImpact,
  partitionLabel,
  serviceRole,
  sortedPartitions,
  splitFix,
  stalledFor,
  stalledPartitions,
  stallingOutages,
  consumerProblem,
  tableEntity,
  topicLabel,
  totalLagEvents,
  workerCardTone,
  workerStateTone,
  worstPartitionText,
  type PipelineTone,
} from '../lib/pipeline';
import { hrefs } from '../router/hash';
import { HEALTH_POLL_MS, useHealth } from '../query/health';
import { useLastDrift } from '../query/screens';

const CHIP_OF_TONE: Record<PipelineTone, string> = {
  ok: 'chip--ok',
  warn: 'chip--warn',
  bad: 'chip--danger',
  unknown: 'chip--neutral',
};

/** Current time, refreshed every `periodMs` (for "3 min ago"). */
function useNow(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** Text with `backtick` spans set in code. */
function WithCode({ text }: { text: string }): ReactNode {
  return (
    <>
      {codeSpans(text).map((s, i) =>
        s.code ? (
          <code key={i} className="mono pipe-code">
            {s.text}
          </code>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/** An event time in local time, with the UTC instant in the tooltip. */
function EventTime({ value }: { value: string | null | undefined }): ReactNode {
  if (!value) return <span className="muted">{EMPTY}</span>;
  const d = new Date(value);
  const utc = Number.isNaN(d.getTime()) ? value : d.toISOString();
  return (
    <time className="num" dateTime={value} title={`${utc} (UTC, event time)`}>
      {formatInstant(value)}
    </time>
  );
}

function ServiceCard({ service }: { service: ServiceHealth }): ReactNode {
  const up = service.state === 'up';
  const degraded = service.state === 'degraded';
  const { problem, fix } = splitFix(service.detail);
  return (
    <article
      className={`pipe-card pipe-card--${up ? 'ok' : degraded ? 'warn' : 'bad'}`}
      data-testid="pipeline-service"
      data-service={service.name}
      data-state={service.state}
    >
      <header className="pipe-card__head">
        <span className={`dot${degraded ? ' dot--warn' : ''}`} aria-hidden="true" />
        <h3>{serviceLabel(service.name)}</h3>
        <span className={`chip ${up ? 'chip--ok' : degraded ? 'chip--warn' : 'chip--danger'}`}>
          {service.state}
        </span>
      </header>
      <div className="mono pipe-card__addr" title={service.address}>
        {service.address}
      </div>
      {up ? (
        <div className="small muted">{serviceRole(service.name)}</div>
      ) : (
        <div className="pipe-down">
          <div className="pipe-down__impact">{outageImpact(service.name)}</div>
          {problem && <div className="small pipe-down__problem">{problem}</div>}
          {fix && (
            <div className="small pipe-down__fix">
              <strong>To fix:</strong> <WithCode text={fix} />
            </div>
          )}
        </div>
      )}
    </article>
  );
}

function PartitionTable({ partitions, now }: { partitions: PartitionLag[]; now: number }): ReactNode {
  return (
    <table className="table pipe-parts">
      <thead>
        <tr>
          <th>Topic</th>
          <th className="num-col" title="Partition">
            Part.
          </th>
          <th className="num-col" title="Next offset the worker will apply (its stored position)">
            Next offset
          </th>
          <th className="num-col" title="High-water mark: offset of the next appended message">
            High-water
          </th>
          <th className="num-col" title="Messages appended but not applied yet">
            Lag
          </th>
          <th className="num-col" title="Seconds since the last applied message was appended, while behind">
            Lag time
          </th>
        </tr>
      </thead>
      <tbody>
        {partitions.map((p) => (
          <Fragment key={`${p.topic}/${p.partition}`}>
            <tr
              className={
                p.stalledSince
                  ? 'pipe-parts__row--stalled'
                  : p.lagEvents > 0
                    ? 'pipe-parts__row--lag'
                    : undefined
              }
              data-testid="pipeline-partition"
              data-topic={p.topic}
              data-partition={p.partition}
              data-lag={p.lagEvents}
              data-stalled={p.stalledSince ? 'true' : 'false'}
              title={
                p.lastEventTime
                  ? `Last event applied: ${formatInstant(p.lastEventTime)} (${p.lastEventTime})`
                  : 'No event applied on this partition yet'
              }
            >
              <td className="mono pipe-parts__topic" title={p.topic}>
                {topicLabel(p.topic)}
              </td>
              <td className="num num-col">{p.partition}</td>
              <td className="num num-col">{formatCount(p.nextOffset)}</td>
              <td className="num num-col">{formatCount(p.highWatermark)}</td>
              <td className="num num-col pipe-parts__lag">{formatLagEvents(p.lagEvents)}</td>
              <td className="num num-col">{formatLagSeconds(p.lagSeconds)}</td>
            </tr>
            {p.stalledSince && (
              <tr className="pipe-parts__stall" data-testid="pipeline-partition-stall">
                <td colSpan={6}>
                  <span className="chip chip--danger">stalled</span>{' '}
                  <span title={`Since ${formatInstant(p.stalledSince)} (${p.stalledSince})`}>
                    for {stalledFor(p, now)}
                  </span>
                  : <span className="pipe-parts__reason">{p.stallReason ?? 'reason unknown'}</span>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function WorkerCard({
  worker,
  services,
  stalledBy,
  now,
}: {
  worker: WorkerHealth;
  services: ServiceHealth[];
  stalledBy: ServiceHealth[];
  now: number;
}): ReactNode {
  const tone = workerCardTone(worker, stalledBy.length > 0);
  const stateTone = workerStateTone(worker.state);
  const measured = hasLag(worker);
  const partitions = sortedPartitions(worker.partitions);
  const worst = worstPartitionText(worker.partitions);
  const lag = lagTone(worker);
  const stalledParts = stalledPartitions(worker.partitions);
  return (
    <article
      className={`pipe-card pipe-card--${tone}`}
      data-testid="pipeline-worker"
      data-worker={worker.name}
      data-state={worker.state}
    >
      <header className="pipe-card__head">
        <span className={`dot dot--${stateTone}`} aria-hidden="true" />
        <h3 className="mono">{worker.name}</h3>
        <span className={`chip ${CHIP_OF_TONE[stateTone]}`}>{worker.state}</span>
      </header>
      {stalledBy.length > 0 && (
        <div className="pipe-card__alert" role="status">
          Stalled: {stalledBy.map((s) => serviceLabel(s.name)).join(' and ')}{' '}
          {stalledBy.length === 1 ? 'is' : 'are'} down. No event is applied until{' '}
          {stalledBy.length === 1 ? 'it is' : 'they are'} back.
        </div>
      )}
      {consumerProblem(worker) && stalledBy.length === 0 && (
        <div className="pipe-card__alert" role="status" data-testid="pipeline-not-consuming">
          Not consuming: {consumerProblem(worker)}.
        </div>
      )}
      {stalledParts.map((p) => (
        <div
          key={`${p.topic}/${p.partition}`}
          className="pipe-card__alert"
          role="status"
          data-testid="pipeline-stall"
          data-partition={p.partition}
        >
          Partition <span className="mono">{partitionLabel(p)}</span> stalled for {stalledFor(p, now)}:{' '}
          {p.stallReason ?? 'reason unknown'}. Its batch is retried with backoff; the other partitions go on.
        </div>
      ))}
      <dl className="pipe-facts">
        <div className="kv pipe-facts__third">
          <dt>PID</dt>
          <dd className="num">{worker.pid ?? EMPTY}</dd>
        </div>
        <div className="kv pipe-facts__third">
          <dt>Restarts</dt>
          <dd className={`num${worker.restarts > 0 ? ' text-warn' : ''}`}>{formatCount(worker.restarts)}</dd>
        </div>
        <div className="kv pipe-facts__third">
          <dt title="How the worker's last run ended: its exit code, or the signal that killed it">
            Last exit
          </dt>
          <dd
            className={`num${lastExitFailed(worker) ? ' text-bad' : ''}`}
            data-testid="pipeline-worker-exit"
          >
            {lastExitText(worker) ?? EMPTY}
          </dd>
        </div>
        <div className="kv pipe-facts__half">
          <dt title="Event time (when it happened) of the latest event this worker applied">
            Last event applied
          </dt>
          <dd>
            <EventTime value={worker.lastEventTime} />
          </dd>
        </div>
        <div className="kv pipe-facts__quarter">
          <dt title="Events appended to the topics but not applied yet">Lag</dt>
          <dd className={`num pipe-lag pipe-lag--${lag}`} data-testid="pipeline-worker-lag">
            {formatLagEvents(worker.lagEvents)}
          </dd>
        </div>
        <div className="kv pipe-facts__quarter">
          <dt title="How far behind in time: the largest over the partitions">Lag time</dt>
          <dd className={`num pipe-lag pipe-lag--${lag}`}>{formatLagSeconds(worker.lagSeconds)}</dd>
        </div>
      </dl>
      {worst && (
        <div className="small pipe-worst">
          Furthest behind: <span className="mono">{worst}</span>
        </div>
      )}
      {partitions.length > 0 ? (
        <PartitionTable partitions={partitions} now={now} />
      ) : (
        <div className="small muted pipe-card__none">
          {measured ? 'No partitions to consume yet.' : lagMissingReason(services)}
        </div>
      )}
    </article>
  );
}

function DriftNone(): ReactNode {
  return (
    <section className="panel" data-testid="drift-none">
      <div className="panel__header">
        <h2>Last drift check</h2>
        <span className="chip chip--neutral">none yet</span>
      </div>
      <p className="pipe-text">
        No drift check has run on this deployment yet. A check rebuilds every read model from the Kafka topics
        into a scratch schema and compares it with the live PostgreSQL tables, the KPI totals and the Redis
        cache.
      </p>
      <p className="pipe-text">
        Run one from the project folder with <code className="mono pipe-code">npm run replay</code> (same
        configuration as this console; exit code 1 when drift is found). The result appears here within 30 s.
      </p>
    </section>
  );
}

function SampleKey({ table, value }: { table: string; value: string }): ReactNode {
  const kind = tableEntity(table);
  if (!kind) return <span className="mono">{value}</span>;
  return (
    <a className="mono" href={kind === 'order' ? hrefs.order(value) : hrefs.shipment(value)}>
      {value}
    </a>
  );
}

function DriftPanel({ report, now }: { report: DriftReport; now: number }): ReactNode {
  const digest = digestDrift(report);
  return (
    <section
      className={`panel pipe-drift pipe-drift--${report.ok ? 'ok' : 'bad'}`}
      data-testid="drift-report"
      data-ok={report.ok ? 'true' : 'false'}
    >
      <div className="panel__header">
        <h2>Last drift check</h2>
        <span className={`pipe-verdict pipe-verdict--${report.ok ? 'ok' : 'bad'}`}>
          {report.ok ? 'OK · no drift' : 'DRIFT FOUND'}
        </span>
        <span className="muted">{digest.summary}</span>
        <span className="toolbar__spacer" />
        <span className="muted">
          {report.id !== undefined ? `#${report.id} · ` : ''}ran <Instant value={report.finishedAt} /> (
          {formatAgo(report.finishedAt, now)}) · took {formatElapsed(report.startedAt, report.finishedAt)}
        </span>
      </div>
      {report.streamMoved && (
        <div className="notice pipe-moved" role="note">
          <div className="notice__title">The stream moved during the check</div>
          <div>
            Live traffic went past the replayed positions while the check ran: the differences below may be
            that traffic rather than drift. Run <code className="mono pipe-code">npm run replay</code> again
            when the pipeline is quiet.
          </div>
        </div>
      )}
      <dl className="kvs pipe-drift__facts">
        <div className="kv">
          <dt>Replayed messages</dt>
          <dd className="num">{formatCount(report.replayedMessages)}</dd>
        </div>
        <div className="kv">
          <dt>Replay speed</dt>
          <dd className="num">{formatRate(report.replayEventsPerSecond)}</dd>
        </div>
        <div className="kv">
          <dt>Redis cache entries</dt>
          <dd className="num">
            {formatCount(report.redis.checked)} checked ·{' '}
            <span className={report.redis.stale > 0 ? 'text-bad' : 'text-ok'}>
              {formatCount(report.redis.stale)} stale
            </span>
          </dd>
        </div>
        <div className="kv">
          <dt>KPI fields that differ</dt>
          <dd>
            {report.kpiDifferences.length === 0 ? (
              <span className="text-ok">none</span>
            ) : (
              <span className="pipe-chips">
                {report.kpiDifferences.map((k) => (
                  <span key={k} className="chip chip--danger pipe-chip--field">
                    {k}
                  </span>
                ))}
              </span>
            )}
          </dd>
        </div>
        <div className="kv">
          <dt>Replay schema</dt>
          <dd className="mono">{report.replaySchema}</dd>
        </div>
      </dl>
      <table className="table pipe-drift__tables">
        <thead>
          <tr>
            <th>Read-model table</th>
            <th className="num-col">Differing entities</th>
            <th>Sample keys</th>
          </tr>
        </thead>
        <tbody>
          {report.tables.map((t) => (
            <tr
              key={t.table}
              className={t.differingKeys > 0 ? 'pipe-drift__row--bad' : undefined}
              data-testid="drift-table"
              data-table={t.table}
              data-differing={t.differingKeys}
            >
              <td className="mono">{t.table}</td>
              <td className="num num-col">{t.differingKeys === 0 ? 'same' : formatCount(t.differingKeys)}</td>
              <td>
                <div className="pipe-drift__keys">
                  {t.sampleKeys.length === 0 ? (
                    <span className="muted">{EMPTY}</span>
                  ) : (
                    t.sampleKeys.map((k) => <SampleKey key={k} table={t.table} value={k} />)
                  )}
                  {t.differingKeys > t.sampleKeys.length && t.sampleKeys.length > 0 && (
                    <span className="muted">+{formatCount(t.differingKeys - t.sampleKeys.length)} more</span>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.redis.sampleKeys.length > 0 && (
        <div className="small pipe-drift__redis">
          Stale cache entries, e.g.{' '}
          {report.redis.sampleKeys.map((k) => (
            <code key={k} className="mono pipe-code">
              {k}
            </code>
          ))}
        </div>
      )}
      <div className="small muted">
        Check again with <code className="mono pipe-code">npm run replay</code>; this report refreshes every
        30 s.
      </div>
    </section>
  );
}

/** The Pipeline screen (`pipeline`). */
export function Pipeline(): ReactNode {
  const { health, error, okAt } = useHealth();
  const now = useNow(HEALTH_POLL_MS);
  const drift = useLastDrift();
  const reload = (): void => void drift.refetch();
  const driftLoaded = drift.data !== undefined;

  const services = health?.services ?? [];
  const workers = health?.workers ?? [];
  const stalledBy = stallingOutages(services);
  const running = workers.filter((w) => w.state === 'running').length;
  const totalLag = totalLagEvents(workers);
  const anyDown = services.some((s) => s.state === 'down');

  return (
    <div
      className={`screen pipe${error ? ' pipe--stale' : ''}`}
      data-testid="pipeline"
      data-api={error ? 'down' : 'up'}
      data-outage={anyDown ? 'true' : 'false'}
    >
      {error && health && (
        <div className="notice pipe-stale-note" role="status">
          <div className="notice__title">Showing the last known states</div>
          <div>
            The console API stopped answering; services and workers below are as of{' '}
            <Instant value={health.checkedAt} /> ({formatAgo(health.checkedAt, now)}).
          </div>
        </div>
      )}

      <section className="panel">
        <div className="panel__header">
          <h2>Services</h2>
          {anyDown ? (
            <span className="text-bad">
              {services
                .filter((s) => s.state === 'down')
                .map((s) => serviceLabel(s.name))
                .join(', ')}{' '}
              down
            </span>
          ) : services.some((s) => s.state === 'degraded') ? (
            <span className="text-warn">
              {services
                .filter((s) => s.state === 'degraded')
                .map((s) => serviceLabel(s.name))
                .join(', ')}{' '}
              degraded
            </span>
          ) : (
            services.length > 0 && <span className="text-ok">all up</span>
          )}
          <span className="toolbar__spacer" />
          {okAt !== null && (
            <span className="muted" title="Health is checked every 5 s">
              checked {formatInstant(new Date(okAt).toISOString()).slice(11)}
            </span>
          )}
        </div>
        {!health && !error && <Loading label="Checking services…" />}
        {!health && error && <div className="placeholder text-bad">No health answer yet: {error}</div>}
        <div className="pipe-grid pipe-grid--services">
          {services.map((s) => (
            <ServiceCard key={s.name} service={s} />
          ))}
        </div>
      </section>

      <section className="panel">
        <div className="panel__header">
          <h2>Workers</h2>
          {workers.length > 0 && (
            <span className={running === workers.length ? 'muted' : 'text-bad'}>
              {running} of {workers.length} running
            </span>
          )}
          {totalLag !== null && (
            <span className={totalLag > 0 ? 'text-warn' : 'muted'}>
              · total lag {formatLagEvents(totalLag)} event{totalLag === 1 ? '' : 's'}
            </span>
          )}
          {cacheDown(services) && (
            <span className="text-warn">
              · Redis {services.find((s) => s.name === 'redis')?.state}: events still applied, cache and live
              updates paused
            </span>
          )}
        </div>
        {health && workers.length === 0 && (
          <div className="placeholder">
            No workers are supervised by this console (they may run on other servers).
          </div>
        )}
        <div className="pipe-grid pipe-grid--workers">
          {workers.map((w) => (
            <WorkerCard key={w.name} worker={w} services={services} stalledBy={stalledBy} now={now} />
          ))}
        </div>
      </section>

      {drift.error && !(error && driftLoaded) && (
        <ErrorNotice
          error={drift.error}
          onRetry={reload}
          title={
            driftLoaded ? 'The drift report could not be refreshed' : 'The drift report could not be loaded'
          }
        />
      )}
      {!driftLoaded && !drift.error && <Loading label="Loading the last drift check…" />}
      {driftLoaded && (drift.data ? <DriftPanel report={drift.data} now={now} /> : <DriftNone />)}
    </div>
  );
}

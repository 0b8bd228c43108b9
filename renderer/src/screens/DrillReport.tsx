/**
 * The drill report of one run (`#/drills/runs/<runId>`): scenario, hypothesis, parameters,
 * progress, the timeline of the run, the check results with their figures, and the operator's
 * notes (saved with the run, audited). Printable (print CSS hides the console around it) and
 * downloadable as a self-contained HTML file (lib/drills.ts `drillReportHtml`). Times in the
 * viewer's local zone, named.
 *
 * Purge: removes the drill as a whole (a control event on Kafka; the workers remove its orders,
 * shipments, KPI counts and cache entries). The confirmation names what will go, counted from
 * the read models (`GET /api/drills/:drillId/purge`), and takes an optional reason (audited).
 * Once purged, the report says when, by whom and why (the server's `purged`, also an entry of the
 * timeline) and the purge button is disabled with that reason.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { DrillPurgePreview } from '../../../contracts/drill-purge';
import type { DrillReport } from '../../../contracts/drills';
import { saveBlob } from '../api/download';
import { DrillBadge, Instant } from '../components/Badges';
import { Dialog } from '../components/Dialog';
import { ErrorNotice, Loading } from '../components/Notice';
import { drillsRefusal } from '../lib/access';
import {
  drillReportHtml,
  parameterValueText,
  progressText,
  purgeBlockedReason,
  reportFileName,
  RUN_STATE_LABELS,
} from '../lib/drills';
import { EMPTY, formatCount, shortEventType } from '../lib/format';
import {
  useDrillNote,
  useDrillPurgePreview,
  useDrillReport,
  usePurgeDrill,
  useScenarios,
} from '../query/drills';
import { hrefs } from '../router/hash';
import { useAbilities } from '../state/access';
import { CheckResults } from './Drills';

/** The list of what a purge removes, in operator words (`drill-purge-what`). */
export function PurgeWhat({ p }: { p: DrillPurgePreview }): ReactNode {
  return (
    <ul className="drills__purge-what" data-testid="drill-purge-what">
      <li>
        {formatCount(p.orders)} orders ({formatCount(p.orderLines)} lines, {formatCount(p.orderEvents)}{' '}
        history events)
      </li>
      <li>
        {formatCount(p.shipments)} shipments ({formatCount(p.shipmentCheckpoints)} timeline entries)
      </li>
      <li>
        {formatCount(p.orderFacts)} KPI facts; the drill&apos;s share of the daily KPI counts on{' '}
        {formatCount(p.kpiDaily.days)} day{p.kpiDaily.days === 1 ? '' : 's'} (
        {formatCount(p.kpiDaily.created)} created, {formatCount(p.kpiDaily.delivered)} delivered)
      </li>
      <li>{formatCount(p.redisEntries)} cached summaries in Redis</li>
      {p.liveEntitiesTouched > 0 && (
        <li className="text-warn">
          {formatCount(p.liveEntitiesTouched)} live entities carry an event of this drill: they are real
          traffic and stay as they are.
        </li>
      )}
    </ul>
  );
}

/** The purge confirmation (`drill-purge-dialog`). */
function PurgeDialog({ drillId, onClose }: { drillId: string; onClose(): void }): ReactNode {
  const preview = useDrillPurgePreview(drillId, true);
  const purge = usePurgeDrill();
  const [reason, setReason] = useState('');
  const busy = purge.isPending;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    purge.mutate({ drillId, reason });
  };
  return (
    <Dialog
      title={`Purge drill ${drillId}?`}
      description="Everything this drill created is removed from every read model, the KPI counts and the cache. Real traffic is never touched. This cannot be undone."
      onCancel={busy ? null : onClose}
      testId="drill-purge-dialog"
      tone="warn"
    >
      {purge.data ? (
        <div data-testid="drill-purge-done">
          <p>
            Purge published ({purge.data.records.length} control records on Kafka); the workers are removing
            the drill&apos;s rows now.
          </p>
          <div className="dialog__actions">
            <button type="button" className="btn btn--small" onClick={onClose} data-autofocus>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form className="dialog__form" onSubmit={submit} noValidate>
          {preview.error && (
            <ErrorNotice error={preview.error} title="What the purge removes could not be counted" />
          )}
          {!preview.data && !preview.error && <Loading label="Counting what the purge removes…" />}
          {preview.data && (
            <>
              <div>This removes:</div>
              <PurgeWhat p={preview.data} />
              {preview.data.alreadyPurged && (
                <div className="notice" data-testid="drill-purge-already">
                  This drill was already purged: purging again changes nothing.
                </div>
              )}
            </>
          )}
          <label className="form-row__label" htmlFor="drill-purge-reason">
            Reason (optional, recorded in the audit log)
          </label>
          <textarea
            id="drill-purge-reason"
            className="input"
            rows={2}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="drill-purge-reason"
            disabled={busy}
          />
          {purge.error && <ErrorNotice error={purge.error} title="The purge was not published" />}
          <div className="dialog__actions">
            <button type="button" className="btn btn--small btn--ghost" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn btn--small dl-confirm__go"
              disabled={busy || !preview.data}
              data-testid="drill-purge-confirm"
              data-autofocus
            >
              {busy ? 'Purging…' : `Purge ${drillId}`}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** The operator's notes, saved with the run (`drill-notes`, `drill-notes-save`). */
function Notes({
  report,
  notes,
  setNotes,
}: {
  report: DrillReport;
  notes: string;
  setNotes(v: string): void;
}): ReactNode {
  const save = useDrillNote();
  const { drills } = useAbilities();
  const saved = report.run.note ?? '';
  return (
    <section className="panel drill-report__section">
      <header className="panel__header">
        <h2>Operator notes</h2>
        {notes !== saved && <span className="muted small no-print">not saved</span>}
      </header>
      <textarea
        className="input drill-report__notes no-print"
        rows={4}
        maxLength={2000}
        value={notes}
        onChange={(e) => setNotes(e.target.value)}
        aria-label="Operator notes"
        data-testid="drill-notes"
        readOnly={!drills}
      />
      <div className="print-only drill-report__notes-print">{notes || EMPTY}</div>
      <div className="form-actions no-print">
        <button
          type="button"
          className="btn btn--small"
          disabled={!drills || save.isPending || notes === saved}
          onClick={() => save.mutate({ id: report.run.id, note: notes })}
          data-testid="drill-notes-save"
        >
          {save.isPending ? 'Saving…' : 'Save notes'}
        </button>
        {save.error && <ErrorNotice error={save.error} title="The notes were not saved" />}
      </div>
    </section>
  );
}

/** The drill report page (`drill-report`). */
export function DrillReportPage({ runId }: { runId: string }): ReactNode {
  const report = useDrillReport(runId);
  const scenarios = useScenarios();
  const abilities = useAbilities();
  const [notes, setNotes] = useState<string | null>(null);
  const [purging, setPurging] = useState(false);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (report.error) return <ErrorNotice error={report.error} title="The drill report could not be loaded" />;
  if (!report.data) return <Loading label="Loading the drill report…" />;
  const r = report.data;
  const run = r.run;
  const noteText = notes ?? run.note ?? '';
  // A purged drill (the server says so: `purged`) has nothing left to remove.
  const blocked = purgeBlockedReason(run, r.purged);
  // Parameters by their scenario's labels ("Warehouse", not `warehouseId`); the name if unknown.
  const specs = scenarios.data?.scenarios.find((s) => s.id === run.scenarioId)?.parameters ?? [];
  const labelOf = (name: string) => specs.find((p) => p.name === name)?.label ?? name;
  return (
    <div
      className="screen drill-report"
      data-testid="drill-report"
      data-run-id={run.id}
      data-state={run.state}
    >
      <div className="toolbar no-print">
        <a href={hrefs.drills()} className="btn btn--small btn--ghost">
          ← Drills
        </a>
        <span className="toolbar__spacer" />
        <button
          type="button"
          className="btn btn--small"
          onClick={() => window.print()}
          data-testid="drill-report-print"
        >
          Print
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() =>
            saveBlob(
              new Blob([drillReportHtml(r, zone, noteText)], { type: 'text/html' }),
              reportFileName(run),
            )
          }
          data-testid="drill-report-download"
        >
          Download HTML
        </button>
        <a
          className="btn btn--small btn--ghost"
          href={hrefs.audit(`drillId=${encodeURIComponent(run.drillId)}`)}
        >
          Audit entries
        </a>
        <button
          type="button"
          className="btn btn--small btn--danger"
          onClick={() => setPurging(true)}
          disabled={!abilities.drills || blocked !== null}
          title={
            !abilities.drills
              ? drillsRefusal(abilities.role)
              : (blocked ?? 'Remove everything this drill created')
          }
          data-testid="drill-purge"
        >
          Purge drill…
        </button>
        {abilities.drills && blocked && (
          <span className="muted small" data-testid="drill-purge-blocked">
            {blocked}
          </span>
        )}
      </div>

      <section className="panel drill-report__section">
        <header className="panel__header">
          <h2>
            Drill report · {run.scenarioName} <DrillBadge drillId={run.drillId} />
          </h2>
          <span className="muted">times in {zone}</span>
        </header>
        <dl className="kvs">
          <div className="kv">
            <dt>Drill id</dt>
            <dd className="mono">{run.drillId}</dd>
          </div>
          <div className="kv">
            <dt>State</dt>
            <dd data-testid="drill-report-state">
              {RUN_STATE_LABELS[run.state]}
              {run.haltReason ? ` — ${run.haltReason}` : ''}
            </dd>
          </div>
          <div className="kv">
            <dt>Started by</dt>
            <dd className="mono">{run.startedBy}</dd>
          </div>
          <div className="kv">
            <dt>Started · ended</dt>
            <dd>
              <Instant value={run.startedAt} /> · <Instant value={run.endedAt} />
            </dd>
          </div>
          <div className="kv">
            <dt>Progress</dt>
            <dd className="num">{progressText(run)}</dd>
          </div>
          <div className="kv">
            <dt>Entities</dt>
            <dd>
              {formatCount(r.entities.orders)} orders, {formatCount(r.entities.shipments)} shipments
            </dd>
          </div>
          {r.purged && (
            <div className="kv" data-testid="drill-report-purged">
              <dt>Purged</dt>
              <dd>
                <Instant value={r.purged.at} /> by <span className="mono">{r.purged.operator}</span>
                {r.purged.reason ? ` — ${r.purged.reason}` : ''}
              </dd>
            </div>
          )}
        </dl>
        <p>{r.scenario.description}</p>
        <p className="drills__hypothesis">
          <strong>Hypothesis:</strong> {run.hypothesis}
        </p>
      </section>

      <div className="drill-report__grid">
        <section className="panel drill-report__section">
          <header className="panel__header">
            <h2>Parameters</h2>
          </header>
          <table className="table table--kv" data-testid="drill-report-parameters">
            <tbody>
              {Object.entries(run.parameters).map(([k, v]) => (
                <tr key={k}>
                  <th title={k}>{labelOf(k)}</th>
                  <td className="mono">{parameterValueText(k, v, labelOf(k))}</td>
                </tr>
              ))}
              <tr>
                <th>seed</th>
                <td className="mono">{run.seed}</td>
              </tr>
            </tbody>
          </table>
        </section>
        <section className="panel drill-report__section">
          <header className="panel__header">
            <h2>Events by type</h2>
          </header>
          <table className="table">
            <tbody>
              {Object.entries(r.countsByType).map(([k, v]) => (
                <tr key={k}>
                  <td className="mono" title={k}>
                    {shortEventType(k)}
                  </td>
                  <td className="num-col num">{formatCount(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section className="panel drill-report__section">
        <header className="panel__header">
          <h2>Timeline of the run</h2>
        </header>
        <table className="table" data-testid="drill-report-timeline">
          <thead>
            <tr>
              <th>Time ({zone})</th>
              <th>What</th>
              <th>Operator</th>
              <th className="num-col">Sent</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {r.timeline.map((t, i) => (
              <tr key={`${t.at}:${i}`} data-testid="drill-report-timeline-entry" data-kind={t.kind}>
                <td>
                  <Instant value={t.at} />
                </td>
                <td>{t.kind}</td>
                <td className="mono">{t.operator ?? EMPTY}</td>
                <td className="num-col num">{formatCount(t.sent)}</td>
                <td>{t.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel drill-report__section">
        <header className="panel__header">
          <h2>Check results</h2>
        </header>
        {run.checks ? (
          <CheckResults run={run} />
        ) : (
          <div className="muted">Checks are evaluated when the run ends.</div>
        )}
      </section>

      <Notes report={r} notes={noteText} setNotes={setNotes} />
      {purging && <PurgeDialog drillId={run.drillId} onClose={() => setPurging(false)} />}
    </div>
  );
}

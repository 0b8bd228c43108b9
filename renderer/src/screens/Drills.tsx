/**
 * Drills: the scenario library (name, description, hypothesis, parameters with defaults and
 * limits), a preview of what a scenario will inject (counts by event type, entities, the first
 * events in full, the expected outcome), and runs: start, pause, resume and stop with progress
 * (sent of total, rate, elapsed, remaining), the check results (pass or fail with the figures)
 * when a run ends, and the recent runs with a link to each report.
 *
 * Parameters are checked before anything is sent (lib/drills.ts: each value's kind by the
 * contract's schema, the scenario's min..max); the server checks them again and its refusal names
 * the field. A run can start only from a preview of the same scenario, parameters and seed, so
 * the operator has seen what it sends. A role without the `drills` permission sees the library
 * and previews, with the run controls disabled and the reason in their tooltip.
 *
 * The run shown is the one just started, else the active run (running, paused or interrupted:
 * it survives a reload, since it comes from the server), else the newest.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { DrillPreview, DrillRun, ScenarioSummary } from '../../../contracts/drills';
import { ApiRequestError } from '../api/errors';
import { DrillBadge, Instant } from '../components/Badges';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { drillsRefusal } from '../lib/access';
import {
  checkDrillForm,
  checkFiguresText,
  checkParameters,
  checksSummary,
  defaultParameterValues,
  progressShare,
  hypothesisBeforePreview,
  progressText,
  RUN_STATE_LABELS,
  unitText,
  type ParameterIssue,
  type ParameterValues,
} from '../lib/drills';
import { EMPTY, formatCount, formatDuration, shortEventType } from '../lib/format';
import {
  isActiveRun,
  useActiveRuns,
  useDrillControl,
  useDrillPreview,
  useDrillRun,
  useRecentRuns,
  useScenarios,
  useStartDrill,
  type DrillControl,
} from '../query/drills';
import { hrefs } from '../router/hash';
import { useAbilities } from '../state/access';

const FIELD_PREFIX = 'drill-param-';

/** The scenario library as a list of selectable cards (`drill-scenario`). */
function Library({
  scenarios,
  selected,
  onSelect,
}: {
  scenarios: ScenarioSummary[];
  selected: string | null;
  onSelect(id: string): void;
}): ReactNode {
  return (
    <section className="panel drills__library" aria-label="Scenario library">
      <header className="panel__header">
        <h2>Scenario library</h2>
        <span className="muted">{scenarios.length} scenarios</span>
      </header>
      <ul className="drills__scenarios" role="list">
        {scenarios.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={`drills__scenario${s.id === selected ? ' drills__scenario--selected' : ''}`}
              aria-pressed={s.id === selected}
              onClick={() => onSelect(s.id)}
              data-testid="drill-scenario"
              data-scenario-id={s.id}
            >
              <span className="drills__scenario-name">{s.name}</span>
              <span className="drills__scenario-desc muted small">{s.description}</span>
              {s.origin === 'site' && <span className="chip chip--info">site</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One parameter field with its label, unit, limits, help and issue. */
function ParameterField({
  spec,
  value,
  issue,
  onChange,
}: {
  spec: ScenarioSummary['parameters'][number];
  value: string;
  issue: ParameterIssue | undefined;
  onChange(v: string): void;
}): ReactNode {
  const id = `${FIELD_PREFIX}${spec.name}`;
  const limits =
    spec.min !== null && spec.max !== null ? `${formatCount(spec.min)}..${formatCount(spec.max)}` : null;
  const hint = [unitText(spec.unit), limits ? `allowed ${limits}` : null, `default ${String(spec.default)}`]
    .filter(Boolean)
    .join(' · ');
  const listId = spec.suggestions.length > 0 ? `${id}-list` : undefined;
  return (
    <div className={`drills__param${issue ? ' form-row--invalid' : ''}`}>
      <label htmlFor={id} className="form-row__label">
        {spec.label}
      </label>
      <input
        id={id}
        className={`input${spec.kind === 'integer' ? ' num' : ' input--mono'}${issue ? ' input--invalid' : ''}`}
        type={spec.kind === 'integer' ? 'number' : 'text'}
        inputMode={spec.kind === 'integer' ? 'numeric' : undefined}
        min={spec.min ?? undefined}
        max={spec.max ?? undefined}
        step={spec.kind === 'integer' ? 1 : undefined}
        value={value}
        list={listId}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={issue ? true : undefined}
        aria-describedby={`${id}-hint${issue ? ` ${id}-error` : ''}`}
        data-testid={`drill-param-${spec.name}`}
        spellCheck={false}
        autoComplete="off"
      />
      {listId && (
        <datalist id={listId}>
          {spec.suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      <div className="form-row__hint small muted" id={`${id}-hint`} title={spec.help ?? undefined}>
        {hint}
        {spec.help ? ` — ${spec.help}` : ''}
      </div>
      {issue && (
        <div
          className="field-error"
          id={`${id}-error`}
          data-testid="drill-param-error"
          data-field={issue.field}
        >
          {issue.message}
        </div>
      )}
    </div>
  );
}

/** The preview of a scenario: what it will inject and the expected outcome (`drill-preview`). */
/**
 * A scenario's hypothesis (`drill-hypothesis`): the preview's, with its figures, once a current
 * preview exists; before that the expected figures show as `…` with a note that a preview
 * computes them (never the raw `{expected.late}` placeholders).
 */
function Hypothesis({
  text,
  values,
  computed,
}: {
  text: string;
  values: ParameterValues;
  computed: string | undefined;
}): ReactNode {
  const before = hypothesisBeforePreview(text, values);
  return (
    <p className="drills__hypothesis" data-testid="drill-hypothesis">
      <strong>Hypothesis:</strong> {computed ?? before.text}
      {computed === undefined && before.uncomputed && (
        <span className="muted small"> (…: press Preview to compute)</span>
      )}
    </p>
  );
}

function PreviewPanel({ preview }: { preview: DrillPreview }): ReactNode {
  const counts = Object.entries(preview.countsByType).sort((a, b) => b[1] - a[1]);
  const e = preview.entities;
  return (
    <section className="panel" data-testid="drill-preview" data-total={preview.totalEvents}>
      <header className="panel__header">
        <h2>Preview</h2>
        <span className="muted">nothing has been sent</span>
      </header>
      <p className="drills__hypothesis" data-testid="drill-preview-hypothesis">
        <strong>Hypothesis:</strong> {preview.hypothesis}
      </p>
      <dl className="kvs">
        <div className="kv">
          <dt>Events</dt>
          <dd className="num" data-testid="drill-preview-total">
            {formatCount(preview.totalEvents)}
          </dd>
        </div>
        <div className="kv">
          <dt>Takes about</dt>
          <dd>{formatDuration(preview.estimatedDurationMs)}</dd>
        </div>
        <div className="kv">
          <dt>Entities</dt>
          <dd>
            {formatCount(e.orders)} orders, {formatCount(e.shipments)} shipments
          </dd>
        </div>
        <div className="kv">
          <dt>Warehouse · carrier</dt>
          <dd className="mono">
            {e.warehouseId ?? EMPTY} · {e.carrier ?? EMPTY}
          </dd>
        </div>
        <div className="kv">
          <dt>Event times from ({Intl.DateTimeFormat().resolvedOptions().timeZone})</dt>
          <dd>
            <Instant value={preview.eventTimeFrom} />
          </dd>
        </div>
        <div className="kv">
          <dt>to</dt>
          <dd>
            <Instant value={preview.eventTimeTo} />
          </dd>
        </div>
      </dl>
      <div className="drills__preview-grid">
        <table className="table" data-testid="drill-preview-counts">
          <caption className="drills__caption">Events by type</caption>
          <thead>
            <tr>
              <th>Type</th>
              <th className="num-col">Events</th>
            </tr>
          </thead>
          <tbody>
            {counts.map(([type, n]) => (
              <tr key={type}>
                <td className="mono" title={type}>
                  {shortEventType(type)}
                </td>
                <td className="num-col num">{formatCount(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="table" data-testid="drill-preview-expected">
          <caption className="drills__caption">Expected outcome</caption>
          <thead>
            <tr>
              <th>Check</th>
              <th className="num-col">Expected</th>
            </tr>
          </thead>
          <tbody>
            {preview.expectedOutcome.map((o) => (
              <tr key={o.checkId}>
                <td>{o.label}</td>
                <td className="num-col num">
                  {formatCount(o.expected)}
                  {o.tolerance > 0 ? ` ± ${formatCount(o.tolerance)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="small muted drills__ids">
        First entities:{' '}
        <span className="mono">{[...e.orderIds, ...e.shipmentIds].slice(0, 6).join(', ')}</span>
      </div>
      <details className="drills__events" data-testid="drill-preview-events">
        <summary>First {preview.firstEvents.length} events in full (CloudEvents JSON)</summary>
        <pre className="code code--preview">{JSON.stringify(preview.firstEvents, null, 2)}</pre>
      </details>
    </section>
  );
}

/** The check results of an ended run (`drill-checks`, one `drill-check` per check). */
export function CheckResults({ run }: { run: DrillRun }): ReactNode {
  if (!run.checks) return null;
  return (
    <div className="drills__checks" data-testid="drill-checks" data-passed={String(run.passed)}>
      <div className={`drills__verdict ${run.passed ? 'text-ok' : 'text-bad'}`}>
        {run.passed ? 'Hypothesis held' : 'Hypothesis did not hold'}: {checksSummary(run)}
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Result</th>
            <th>Check</th>
            <th>Figures</th>
          </tr>
        </thead>
        <tbody>
          {run.checks.map((c) => (
            <tr
              key={c.checkId}
              data-testid="drill-check"
              data-check-id={c.checkId}
              data-passed={String(c.passed)}
            >
              <td>
                <span className={`chip chip--${c.passed ? 'ok' : 'danger'}`}>
                  {c.passed ? 'pass' : 'fail'}
                </span>
              </td>
              <td>{c.label}</td>
              <td className="small">
                <span className="num">{checkFiguresText(c)}</span>
                {c.figures &&
                  Object.entries(c.figures).map(([k, f]) => (
                    <div key={k} className="muted">
                      {k}: {f.before ?? EMPTY} → {f.after ?? EMPTY}
                    </div>
                  ))}
                {c.detail && <div className="muted">{c.detail}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The run shown: state, progress, controls, then the check results (`drill-run`). */
function RunPanel({
  runId,
  canRun,
  refusal,
}: {
  runId: string;
  canRun: boolean;
  refusal: string;
}): ReactNode {
  const query = useDrillRun(runId);
  const control = useDrillControl();
  const run = query.data;
  if (!run)
    return query.error ? <ErrorNotice error={query.error} title="The run could not be loaded" /> : null;
  const active = isActiveRun(run);
  const act = (action: DrillControl): void => control.mutate({ id: run.id, action });
  const busy = control.isPending;
  return (
    <section
      className="panel drills__run"
      data-testid="drill-run"
      data-run-id={run.id}
      data-drill-id={run.drillId}
      data-state={run.state}
      data-sent={run.progress.sent}
      data-total={run.progress.total}
    >
      <header className="panel__header">
        <h2>
          Run · {run.scenarioName} <DrillBadge drillId={run.drillId} />
        </h2>
        <span className="mono muted">{run.drillId}</span>
      </header>
      <div className="drills__run-state">
        <span
          className={`chip chip--${active ? 'progress' : run.passed === false ? 'danger' : 'ok'}`}
          data-testid="drill-run-state"
        >
          {RUN_STATE_LABELS[run.state]}
        </span>
        <progress
          className="drill-progress drill-progress--wide"
          max={1}
          value={progressShare(run)}
          aria-label="Run progress"
        />
        <span className="num" data-testid="drill-run-progress">
          {progressText(run)}
        </span>
      </div>
      {run.haltReason && (
        <div className="notice notice--error" role="alert">
          Halted: {run.haltReason}
        </div>
      )}
      {run.error && <div className="notice notice--error">Error: {run.error}</div>}
      <div className="form-actions">
        {run.state === 'running' && (
          <button
            type="button"
            className="btn"
            onClick={() => act('pause')}
            disabled={!canRun || busy}
            title={canRun ? 'Pause sending; resume later' : refusal}
            data-testid="drill-pause"
          >
            Pause
          </button>
        )}
        {(run.state === 'paused' || run.state === 'interrupted' || run.state === 'halted') && (
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => act('resume')}
            disabled={!canRun || busy}
            title={canRun ? 'Continue from the next unsent event' : refusal}
            data-testid="drill-resume"
          >
            Resume
          </button>
        )}
        {active && (
          <button
            type="button"
            className="btn btn--danger"
            onClick={() => act('stop')}
            disabled={!canRun || busy}
            title={canRun ? 'Stop for good and evaluate the checks' : refusal}
            data-testid="drill-stop"
          >
            Stop
          </button>
        )}
        <a className="btn btn--ghost" href={hrefs.drillRun(run.id)} data-testid="drill-open-report">
          Open report
        </a>
        <a className="btn btn--ghost" href={hrefs.audit(`drillId=${encodeURIComponent(run.drillId)}`)}>
          Audit entries
        </a>
      </div>
      {control.error && <ErrorNotice error={control.error} title="The run did not change" />}
      {active && !run.checks && <div className="muted small">Checks are evaluated when the run ends.</div>}
      <CheckResults run={run} />
    </section>
  );
}

/** The recent runs (`drill-runs`, one `drill-runs-row` per run). */
function RecentRuns({ onShow }: { onShow(id: string): void }): ReactNode {
  const runs = useRecentRuns();
  const items = runs.data?.items ?? [];
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Recent runs</h2>
      </header>
      {runs.error && <ErrorNotice error={runs.error} title="The runs could not be loaded" />}
      {runs.data && items.length === 0 && <Empty>No drill has run yet.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="drill-runs">
            <thead>
              <tr>
                <th>Started</th>
                <th>Scenario</th>
                <th>Drill id</th>
                <th>By</th>
                <th>State</th>
                <th>Checks</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-testid="drill-runs-row" data-state={r.state}>
                  <td>
                    <Instant value={r.startedAt} />
                  </td>
                  <td>{r.scenarioName}</td>
                  <td className="mono">{r.drillId}</td>
                  <td className="mono">{r.startedBy}</td>
                  <td>{RUN_STATE_LABELS[r.state]}</td>
                  <td className={r.passed === false ? 'text-bad' : r.passed ? 'text-ok' : ''}>
                    {checksSummary(r)}
                  </td>
                  <td className="drills__row-actions">
                    <button type="button" className="btn btn--small btn--ghost" onClick={() => onShow(r.id)}>
                      Show
                    </button>
                    <a className="btn btn--small btn--ghost" href={hrefs.drillRun(r.id)}>
                      Report
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The Drills screen (`drills`). */
export function Drills(): ReactNode {
  const abilities = useAbilities();
  const refusal = drillsRefusal(abilities.role);
  const scenarios = useScenarios();
  const active = useActiveRuns();
  const recent = useRecentRuns();
  const list = useMemo(() => scenarios.data?.scenarios ?? [], [scenarios.data]);
  const [chosen, setChosen] = useState<string | null>(null);
  const scenario = list.find((s) => s.id === chosen) ?? list[0] ?? null;
  const [values, setValues] = useState<Record<string, ParameterValues>>({});
  const [seed, setSeed] = useState('1');
  const [issues, setIssues] = useState<ParameterIssue[]>([]);
  const [note, setNote] = useState('');
  const preview = useDrillPreview();
  const start = useStartDrill();
  const [shownRun, setShownRun] = useState<string | null>(null);

  const form = scenario ? (values[scenario.id] ?? defaultParameterValues(scenario)) : {};
  const seedValue = Number(seed);
  const seedOk = /^\d+$/.test(seed.trim()) && seedValue <= 2 ** 31 - 1;
  const checked = scenario ? checkParameters(scenario, form) : null;
  // The whole form (parameters, seed, note) in one check: every problem shows at once.
  const checkedForm = scenario ? checkDrillForm(scenario, form, { seed, note }) : null;
  // The preview on screen matches the form: same scenario, parameters and seed.
  const previewCurrent =
    preview.data !== undefined &&
    scenario !== null &&
    checked?.ok === true &&
    preview.data.scenarioId === scenario.id &&
    preview.data.seed === seedValue &&
    JSON.stringify(preview.data.parameters) === JSON.stringify(checked.parameters);
  const activeRun = active.data?.items[0] ?? null;
  const runId = shownRun ?? activeRun?.id ?? recent.data?.items[0]?.id ?? null;
  const serverIssues =
    preview.error instanceof ApiRequestError
      ? preview.error.issues
      : start.error instanceof ApiRequestError
        ? start.error.issues
        : [];
  const shownIssues = issues.length > 0 ? issues : serverIssues;
  const seedIssue = shownIssues.find((i) => i.field === 'seed');
  const noteIssue = shownIssues.find((i) => i.field === 'note');

  const setValue = (name: string, v: string): void => {
    if (!scenario) return;
    setValues((all) => ({ ...all, [scenario.id]: { ...form, [name]: v } }));
    setIssues([]);
  };

  const doPreview = (e?: FormEvent): void => {
    e?.preventDefault();
    if (!scenario || !checkedForm) return;
    if (!checkedForm.ok) {
      setIssues(checkedForm.issues);
      return;
    }
    setIssues([]);
    start.reset();
    const { parameters, seed: seedNumber } = checkedForm.form;
    preview.mutate({ scenarioId: scenario.id, parameters, seed: seedNumber, sample: 10 });
  };

  const doStart = (): void => {
    if (!scenario || !checkedForm || !previewCurrent) return;
    if (!checkedForm.ok) {
      setIssues(checkedForm.issues);
      return;
    }
    const { parameters, seed: seedNumber, note: noteText } = checkedForm.form;
    start.mutate(
      {
        scenarioId: scenario.id,
        parameters,
        seed: seedNumber,
        halt: { maxLagSeconds: 30, maxLagEvents: 100_000, onUnhealthy: true },
        ...(noteText ? { note: noteText } : {}),
      },
      { onSuccess: (run) => setShownRun(run.id) },
    );
  };

  if (scenarios.error)
    return (
      <div className="screen" data-testid="drills">
        <ErrorNotice
          error={scenarios.error}
          title="The scenario library could not be loaded"
          onRetry={() => void scenarios.refetch()}
        />
      </div>
    );
  if (!scenarios.data) return <Loading label="Loading the scenario library…" />;

  return (
    <div className="screen drills" data-testid="drills">
      <div className="drills__top">
        <Library
          scenarios={list}
          selected={scenario?.id ?? null}
          onSelect={(id) => {
            setChosen(id);
            setIssues([]);
            preview.reset();
          }}
        />
        {scenario && (
          <form
            className="panel drills__scenario-form"
            onSubmit={doPreview}
            noValidate
            data-testid="drill-form"
            data-scenario-id={scenario.id}
          >
            <header className="panel__header">
              <h2>{scenario.name}</h2>
              <span className="muted mono">{scenario.id}</span>
            </header>
            <p>{scenario.description}</p>
            <Hypothesis
              text={scenario.hypothesis}
              values={form}
              computed={previewCurrent ? preview.data?.hypothesis : undefined}
            />
            <fieldset className="form-section">
              <legend>Parameters</legend>
              <div className="drills__params">
                {scenario.parameters.map((p) => (
                  <ParameterField
                    key={`${scenario.id}:${p.name}`}
                    spec={p}
                    value={form[p.name] ?? ''}
                    issue={shownIssues.find((i) => i.field === `parameters.${p.name}`)}
                    onChange={(v) => setValue(p.name, v)}
                  />
                ))}
                <div className="drills__param">
                  <label htmlFor={`${FIELD_PREFIX}seed`} className="form-row__label">
                    Seed
                  </label>
                  <input
                    id={`${FIELD_PREFIX}seed`}
                    className={`input num${seedOk && !seedIssue ? '' : ' input--invalid'}`}
                    type="number"
                    min={0}
                    step={1}
                    value={seed}
                    onChange={(e) => {
                      setSeed(e.target.value);
                      setIssues([]);
                    }}
                    aria-invalid={seedIssue ? true : undefined}
                    data-testid="drill-param-seed"
                  />
                  <div className="form-row__hint small muted">same seed and parameters = same events</div>
                  {seedIssue && (
                    <div className="field-error" data-testid="drill-param-error" data-field="seed">
                      {seedIssue.message}
                    </div>
                  )}
                </div>
              </div>
            </fieldset>
            <div className="drills__param drills__note">
              <label htmlFor="drill-note" className="form-row__label">
                Note for the report (optional)
              </label>
              <textarea
                id="drill-note"
                className={`input${noteIssue ? ' input--invalid' : ''}`}
                rows={2}
                maxLength={2000}
                value={note}
                onChange={(e) => {
                  setNote(e.target.value);
                  setIssues([]);
                }}
                placeholder="why this drill, who watches what"
                aria-invalid={noteIssue ? true : undefined}
                data-testid="drill-note"
              />
              {noteIssue && (
                <div className="field-error" data-testid="drill-param-error" data-field="note">
                  {noteIssue.message}
                </div>
              )}
            </div>
            {shownIssues.length > 0 && (
              <div className="notice notice--error" role="alert" data-testid="drill-form-error">
                {shownIssues.length} problem{shownIssues.length === 1 ? '' : 's'} to fix:{' '}
                {shownIssues.map((i) => i.message).join('; ')}
              </div>
            )}
            {preview.error &&
              !(preview.error instanceof ApiRequestError && preview.error.issues.length > 0) && (
                <ErrorNotice error={preview.error} title="The preview failed" />
              )}
            {start.error && <ErrorNotice error={start.error} title="The run did not start" />}
            <div className="form-actions">
              <button
                type="submit"
                className="btn"
                disabled={preview.isPending}
                data-testid="drill-preview-button"
              >
                {preview.isPending ? 'Previewing…' : 'Preview'}
              </button>
              <button
                type="button"
                className="btn btn--primary"
                onClick={doStart}
                disabled={!abilities.drills || !previewCurrent || start.isPending || activeRun !== null}
                title={
                  !abilities.drills
                    ? refusal
                    : activeRun
                      ? `Drill ${activeRun.drillId} is still ${activeRun.state}: stop it first`
                      : previewCurrent
                        ? 'Start sending these events as drill traffic'
                        : 'Preview these parameters first'
                }
                data-testid="drill-start"
              >
                {start.isPending ? 'Starting…' : 'Run drill'}
              </button>
              {!previewCurrent && (
                <span className="muted small">
                  Preview first: a run sends exactly what the preview shows.
                </span>
              )}
            </div>
          </form>
        )}
      </div>
      {preview.data && previewCurrent && <PreviewPanel preview={preview.data} />}
      {runId && <RunPanel key={runId} runId={runId} canRun={abilities.drills} refusal={refusal} />}
      <RecentRuns onShow={setShownRun} />
    </div>
  );
}

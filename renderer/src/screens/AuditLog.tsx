/**
 * Audit log: who did what and how it ended, newest first (`GET /api/audit`): sign-ins and
 * sign-outs, injections and re-drives, each with the operator, role, sign-in method, outcome,
 * HTTP status, item count, drill ids and the reason given (drill runs, pauses, stops and purges
 * too, once the drills API records them). Filters by operator (exact username, or click a name),
 * action, drill id (or click one), outcome and time range (local time, zone named); the filters
 * and page live in the URL hash (`#/audit?drillId=..`), so a view can be bookmarked. Pages of 50;
 * Export CSV downloads every matching entry, streamed by the server. Refreshes on a live resync
 * and on demand.
 */
import { CsvExportButton } from '../components/CsvExportButton';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditEntry,
  type AuditOutcome,
} from '../../../contracts/audit';
import { downloadAuditCsv } from '../api/download';
import { ROLE_LABELS } from '../../../contracts/auth';
import { Instant } from '../components/Badges';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { Pager } from '../components/Pager';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_OUTCOME_TONES,
  auditErrorCode,
  auditItemsText,
  AUDIT_VIEW_DEFAULT,
  auditViewFromSearch,
  auditViewSearch,
  AUTH_METHOD_LABELS,
  isAuditFiltered,
  toAuditFilterQuery,
  toAuditQuery,
  type AuditView,
} from '../lib/audit';
import { EMPTY, formatCount, localInputToUtc, toLocalInputValue } from '../lib/format';
import { hrefs } from '../router/hash';
import { navigate } from '../router/useRoute';
import { useAuditPage } from '../query/screens';

const PAGE_SIZE = 50;

function Row({
  entry,
  onOperator,
  onDrill,
}: {
  entry: AuditEntry;
  onOperator(operator: string): void;
  onDrill(drillId: string): void;
}): ReactNode {
  const error = auditErrorCode(entry);
  return (
    <tr
      className="audit-row"
      data-testid="audit-row"
      data-action={entry.action}
      data-operator={entry.operator}
      data-outcome={entry.outcome}
    >
      <td className="audit-col-time">
        <Instant value={entry.at} />
      </td>
      <td className="audit-col-operator">
        <button
          type="button"
          className="audit-operator mono"
          onClick={() => onOperator(entry.operator)}
          title={`Show only ${entry.operator}`}
        >
          {entry.operator}
        </button>
      </td>
      <td className="audit-col-role">{ROLE_LABELS[entry.role]}</td>
      <td className="audit-col-method muted">{AUTH_METHOD_LABELS[entry.method]}</td>
      <td className="audit-col-action" title={entry.action}>
        {AUDIT_ACTION_LABELS[entry.action]}
      </td>
      <td className="audit-col-outcome">
        <span className={`chip chip--${AUDIT_OUTCOME_TONES[entry.outcome]}`}>{entry.outcome}</span>
      </td>
      <td className="audit-col-status num">{entry.status}</td>
      <td className="audit-col-items num">{auditItemsText(entry)}</td>
      <td className="audit-col-drills">
        {entry.drillIds.length === 0 ? (
          <span className="muted">{EMPTY}</span>
        ) : (
          entry.drillIds.map((d) => (
            <div key={d} className="audit-drill">
              <button
                type="button"
                className="audit-operator mono"
                onClick={() => onDrill(d)}
                title={`Show only drill ${d}`}
                data-testid="audit-drill-link"
              >
                {d}
              </button>
            </div>
          ))
        )}
      </td>
      {/* The operator's reason and why the request was refused share the widest column: the refusal
          under the narrow outcome chip wrapped a word per line. */}
      <td className="audit-col-reason">
        {entry.reason ?? (error ? null : <span className="muted">{EMPTY}</span>)}
        {error && (
          <div className="mono small muted audit-error" data-testid="audit-error">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}

/** A `datetime-local` value (local time) of an RFC 3339 instant, '' for none. */
function localValueOf(instant: string | null): string {
  return instant ? toLocalInputValue(new Date(instant)) : '';
}

/** One local-time bound of the time range (`audit-from` / `audit-to`). */
function TimeBound({
  label,
  value,
  testId,
  hint,
  onChange,
}: {
  label: string;
  value: string | null;
  testId: string;
  hint: string;
  onChange(instant: string | null): void;
}): ReactNode {
  return (
    <label className="field-inline" title={hint}>
      <span>{label}</span>
      <input
        className="input num"
        type="datetime-local"
        step={1}
        value={localValueOf(value)}
        onChange={(e) => onChange(localInputToUtc(e.target.value))}
        data-testid={testId}
      />
    </label>
  );
}

/** A text filter applied once typing pauses (or on Enter), so each keystroke is not a request. */
function useDraft(value: string, apply: (v: string) => void): [string, (v: string) => void, () => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    // The URL changed (link, back button, a click on a name): show what it says.
    setSeen(value);
    setDraft(value);
  }
  useEffect(() => {
    if (draft === value) return;
    const t = setTimeout(() => apply(draft), 350);
    return () => clearTimeout(t);
  }, [draft, value, apply]);
  return [draft, setDraft, () => apply(draft)];
}

/** The CSV export of the filtered log (`audit-export`). */
function ExportButton({ view }: { view: AuditView }): ReactNode {
  return (
    <CsvExportButton
      download={() => downloadAuditCsv(toAuditFilterQuery(view))}
      testId="audit-export"
      title="Download every entry of these filters as CSV (not just this page)"
    />
  );
}

/**
 * The audit-log screen (`audit`, `audit-table`, `audit-row`); `search` is the view's query string
 * from the URL hash (filters and page), so a filtered view can be bookmarked and shared.
 */
export function AuditLog({ search = '' }: { search?: string }): ReactNode {
  const view = useMemo(() => auditViewFromSearch(search), [search]);
  const show = useCallback((next: AuditView): void => navigate(hrefs.audit(auditViewSearch(next))), []);
  const change = useCallback(
    (patch: Partial<AuditView>): void => show({ ...auditViewFromSearch(currentSearch()), ...patch, page: 1 }),
    [show],
  );
  const applyOperator = useCallback((operator: string) => change({ operator }), [change]);
  const applyDrill = useCallback((drillId: string) => change({ drillId }), [change]);
  const [operatorDraft, setOperatorDraft, commitOperator] = useDraft(view.operator, applyOperator);
  const [drillDraft, setDrillDraft, commitDrill] = useDraft(view.drillId, applyDrill);

  const resource = useAuditPage(toAuditQuery(view, PAGE_SIZE));
  const reload = (): void => void resource.refetch();
  const data = resource.data;
  const items = data?.items ?? [];
  const total = data?.total ?? null;
  const filtered = isAuditFiltered(view);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <div className="screen" data-testid="audit">
      <div className="toolbar" role="search" aria-label="Audit filters">
        <label className="field-inline">
          <span>Operator</span>
          <input
            className="input input--mono audit-filter--operator"
            type="search"
            placeholder="username…"
            value={operatorDraft}
            onChange={(e) => setOperatorDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitOperator();
            }}
            data-testid="audit-operator"
            title="Exact username (os:<user> for the machine owner)"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="field-inline">
          <span>Action</span>
          <select
            className="input"
            value={view.action}
            onChange={(e) => change({ action: e.target.value as AuditAction | '' })}
            data-testid="audit-action"
          >
            <option value="">all</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {AUDIT_ACTION_LABELS[a]}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Drill id</span>
          <input
            className="input input--mono audit-filter--drill"
            type="search"
            placeholder="drill id…"
            value={drillDraft}
            onChange={(e) => setDrillDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitDrill();
            }}
            data-testid="audit-drill"
            title="Exact drill id: its injections, runs, pauses, stops and purges"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="field-inline">
          <span>Outcome</span>
          <select
            className="input"
            value={view.outcome}
            onChange={(e) => change({ outcome: e.target.value as AuditOutcome | '' })}
            data-testid="audit-outcome"
          >
            <option value="">all</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <TimeBound
          label="From"
          value={view.from}
          testId="audit-from"
          hint={`Entries at or after this time (${zone})`}
          onChange={(from) => change({ from })}
        />
        <TimeBound
          label="To"
          value={view.to}
          testId="audit-to"
          hint={`Entries before this time (${zone})`}
          onChange={(to) => change({ to })}
        />
        <span className="muted small">times in {zone}</span>
        {filtered && (
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => show(AUDIT_VIEW_DEFAULT)}
            data-testid="audit-clear"
          >
            Clear
          </button>
        )}
        <span className="toolbar__spacer" />
        <span className="total" data-testid="audit-total" data-total={total ?? ''}>
          {total === null ? EMPTY : `${formatCount(total)} entr${total === 1 ? 'y' : 'ies'}`}
        </span>
        <ExportButton view={view} />
        <button
          type="button"
          className="btn btn--small"
          onClick={reload}
          disabled={resource.isFetching}
          data-testid="audit-refresh"
        >
          Refresh
        </button>
      </div>

      {resource.error && (
        <ErrorNotice error={resource.error} onRetry={reload} title="The audit log could not be loaded" />
      )}

      <div className="panel dl-panel">
        <table className="table audit-table" data-testid="audit-table" data-loading={resource.isFetching}>
          <thead>
            <tr>
              <th className="audit-col-time">Time ({zone})</th>
              <th className="audit-col-operator">Operator</th>
              <th className="audit-col-role">Role</th>
              <th className="audit-col-method">Method</th>
              <th className="audit-col-action">Action</th>
              <th className="audit-col-outcome">Outcome</th>
              <th className="audit-col-status">Status</th>
              <th className="audit-col-items">Items</th>
              <th className="audit-col-drills">Drill ids</th>
              <th className="audit-col-reason">Reason · error</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <Row
                key={entry.id}
                entry={entry}
                onOperator={(operator) => change({ operator })}
                onDrill={(drillId) => change({ drillId })}
              />
            ))}
          </tbody>
        </table>
        {!data && !resource.error && <Loading label="Loading the audit log…" />}
        {data && items.length === 0 && (
          <Empty>{filtered ? 'No audit entries match these filters.' : 'Nothing recorded yet.'}</Empty>
        )}
      </div>

      <Pager
        page={view.page}
        pageSize={PAGE_SIZE}
        total={total}
        onPage={(page) => show({ ...view, page })}
        testId="audit-pager"
      />
    </div>
  );
}

/** The query string of the current hash (`#/audit?...`), read at the time of a change. */
function currentSearch(): string {
  const hash = window.location.hash;
  const q = hash.indexOf('?');
  return q === -1 ? '' : hash.slice(q + 1);
}

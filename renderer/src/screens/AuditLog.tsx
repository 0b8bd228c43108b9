/**
 * Audit log: who did what and how it ended, newest first (`GET /api/audit`): sign-ins and
 * sign-outs, injections and re-drives, each with the operator, role, sign-in method, outcome,
 * HTTP status, item count, drill ids and the reason given. Filters by operator (exact username,
 * or click a name in the table) and action; pages of 50. Refreshes on a live resync and on demand.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../contracts/audit';
import { ROLE_LABELS } from '../../../contracts/auth';
import { Instant } from '../components/Badges';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { Pager } from '../components/Pager';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_OUTCOME_TONES,
  auditErrorCode,
  auditItemsText,
  AUTH_METHOD_LABELS,
  toAuditQuery,
} from '../lib/audit';
import { EMPTY, formatCount } from '../lib/format';
import { useAuditPage } from '../query/screens';

const PAGE_SIZE = 50;

function Row({ entry, onOperator }: { entry: AuditEntry; onOperator(operator: string): void }): ReactNode {
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
        {error && <div className="mono small muted audit-error">{error}</div>}
      </td>
      <td className="audit-col-status num">{entry.status}</td>
      <td className="audit-col-items num">{auditItemsText(entry)}</td>
      <td className="audit-col-drills">
        {entry.drillIds.length === 0 ? (
          <span className="muted">{EMPTY}</span>
        ) : (
          entry.drillIds.map((d) => (
            <div key={d} className="mono audit-drill" title={d}>
              {d}
            </div>
          ))
        )}
      </td>
      <td className="audit-col-reason">{entry.reason ?? <span className="muted">{EMPTY}</span>}</td>
    </tr>
  );
}

/** The audit-log screen (`audit`, `audit-table`, `audit-row`). */
export function AuditLog(): ReactNode {
  const [operatorDraft, setOperatorDraft] = useState('');
  const [operator, setOperator] = useState('');
  const [action, setAction] = useState<AuditAction | ''>('');
  const [page, setPage] = useState(1);

  // The operator filter applies once typing pauses (each keystroke would be a request).
  useEffect(() => {
    if (operatorDraft === operator) return;
    const t = setTimeout(() => {
      setOperator(operatorDraft);
      setPage(1);
    }, 350);
    return () => clearTimeout(t);
  }, [operatorDraft, operator]);

  const query = toAuditQuery({ operator, action, page, pageSize: PAGE_SIZE });
  const resource = useAuditPage(query);
  const reload = (): void => void resource.refetch();
  const data = resource.data;
  const items = data?.items ?? [];
  const total = data?.total ?? null;
  const filtered = operator.trim() !== '' || action !== '';

  const showOperator = (name: string): void => {
    setOperatorDraft(name);
    setOperator(name);
    setPage(1);
  };

  return (
    <div className="screen" data-testid="audit">
      <div className="toolbar">
        <label className="field-inline">
          <span>Operator</span>
          <input
            className="input input--mono"
            type="search"
            placeholder="username…"
            value={operatorDraft}
            onChange={(e) => setOperatorDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') showOperator(operatorDraft);
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
            value={action}
            onChange={(e) => {
              setAction(e.target.value as AuditAction | '');
              setPage(1);
            }}
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
        {filtered && (
          <button
            type="button"
            className="btn btn--small btn--ghost"
            onClick={() => {
              setOperatorDraft('');
              setOperator('');
              setAction('');
              setPage(1);
            }}
          >
            Clear
          </button>
        )}
        <span className="toolbar__spacer" />
        <span className="total" data-testid="audit-total" data-total={total ?? ''}>
          {total === null ? EMPTY : `${formatCount(total)} entr${total === 1 ? 'y' : 'ies'}`}
        </span>
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
              <th className="audit-col-time">Time</th>
              <th className="audit-col-operator">Operator</th>
              <th className="audit-col-role">Role</th>
              <th className="audit-col-method">Method</th>
              <th className="audit-col-action">Action</th>
              <th className="audit-col-outcome">Outcome</th>
              <th className="audit-col-status">Status</th>
              <th className="audit-col-items">Items</th>
              <th className="audit-col-drills">Drill ids</th>
              <th className="audit-col-reason">Reason</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => (
              <Row key={entry.id} entry={entry} onOperator={showOperator} />
            ))}
          </tbody>
        </table>
        {!data && !resource.error && <Loading label="Loading the audit log…" />}
        {data && items.length === 0 && (
          <Empty>{filtered ? 'No audit entries match these filters.' : 'Nothing recorded yet.'}</Empty>
        )}
      </div>

      <Pager page={page} pageSize={PAGE_SIZE} total={total} onPage={setPage} testId="audit-pager" />
    </div>
  );
}

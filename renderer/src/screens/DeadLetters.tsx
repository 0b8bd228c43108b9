/**
 * Dead letters: poison messages the workers parked, one row per source message (with the
 * consumer groups that parked it), newest first. The operator reads the reason and the payload,
 * selects one or many and re-drives them after a fix: after a confirmation (a dialog that asks
 * for the reason when more than one is re-driven), the API re-publishes each valid payload once
 * through the normal path (events are idempotent by id, so they count once), refuses payloads that
 * are still invalid (naming the rule), and the per-key results show here. A role without the
 * `redrive` permission sees the re-drive controls disabled, with the reason in their tooltip.
 * Refreshes when the open count changes (polled for the nav badge), on a live resync and after a re-drive
 * (query/deadLetters.ts).
 */
import { Fragment, useState, type ReactNode } from 'react';
import {
  DEAD_LETTER_STATUSES,
  type DeadLetter,
  type DeadLetterKey,
  type DeadLetterRedriveResult,
  type DeadLetterStatusFilter,
} from '../../../contracts/api';
import type { DeadLettersQuery } from '../query/keys';
import { Instant } from '../components/Badges';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { Pager } from '../components/Pager';
import { RedriveDialog } from '../components/RedriveDialog';
import { redriveRefusal } from '../lib/access';
import {
  deadLetterId,
  groupLabel,
  outcomeText,
  payloadPreview,
  prettyPayload,
  readableReason,
  redriveSummary,
  toggleAll,
  toggleId,
  toKey,
} from '../lib/deadLetters';
import { EMPTY, formatCount, shortEventType } from '../lib/format';
import { useAbilities } from '../state/access';
import { useDeadLetterPage, useRedrive } from '../query/deadLetters';

const PAGE_SIZE = 50;

const STATUS_LABELS: Record<DeadLetterStatusFilter, string> = {
  all: 'all',
  open: 'open',
  redriven: 're-driven',
};

function Reason({ error }: { error: string }): ReactNode {
  const { headline, details } = readableReason(error);
  return (
    <div className="dl-reason" title={error}>
      <div className="dl-reason__headline">{headline}</div>
      {details.length > 0 && (
        <ul className="dl-reason__details">
          {details.slice(0, 6).map((d, i) => (
            <li key={i}>{d}</li>
          ))}
          {details.length > 6 && <li className="muted">… {details.length - 6} more</li>}
        </ul>
      )}
    </div>
  );
}

function Status({ letter }: { letter: DeadLetter }): ReactNode {
  if (!letter.redrivenAt) {
    return (
      <span data-testid="dead-letter-status" data-status="open">
        <span className="chip chip--warn">open</span>
      </span>
    );
  }
  return (
    <span data-testid="dead-letter-status" data-status="redriven" className="dl-status">
      <span className="chip chip--ok">re-driven</span>
      <span className="small muted">
        <Instant value={letter.redrivenAt} seconds={false} />
        {letter.redriveCount > 1 ? ` · ${letter.redriveCount}×` : ''}
      </span>
    </span>
  );
}

function Details({ letter }: { letter: DeadLetter }): ReactNode {
  const pretty = prettyPayload(letter.payload);
  const cut = letter.payloadLength > letter.payload.length;
  return (
    <div className="dl-details" data-testid="dead-letter-details">
      <dl className="kvs kvs--inline">
        <div className="kv">
          <dt>Event id</dt>
          <dd className="mono">{letter.eventId ?? EMPTY}</dd>
        </div>
        <div className="kv">
          <dt>Parked by</dt>
          <dd className="mono">{letter.groups.join(', ')}</dd>
        </div>
        <div className="kv">
          <dt>Reason</dt>
          <dd className="mono dl-details__error">{letter.error}</dd>
        </div>
      </dl>
      <pre className="code dl-details__payload">{pretty.text}</pre>
      <div className="small muted">
        {pretty.json ? 'JSON payload' : 'payload is not JSON (shown as text)'} ·{' '}
        {formatCount(letter.payloadLength)} characters
        {cut ? ` (first ${formatCount(letter.payload.length)} shown)` : ''}
      </div>
    </div>
  );
}

function Row({
  letter,
  selected,
  expanded,
  busy,
  refusal,
  onSelect,
  onExpand,
  onRedrive,
}: {
  letter: DeadLetter;
  selected: boolean;
  expanded: boolean;
  busy: boolean;
  /** Why this role may not re-drive (the button is then disabled), or null. */
  refusal: string | null;
  onSelect(): void;
  onExpand(): void;
  onRedrive(): void;
}): ReactNode {
  const id = deadLetterId(letter);
  // The role's refusal first, else why this payload could never pass.
  const blocked = refusal ?? (letter.redrive.offered ? null : letter.redrive.reason);
  return (
    <Fragment>
      <tr
        className={`dl-row${selected ? ' dl-row--selected' : ''}`}
        data-testid="dead-letter-row"
        data-topic={letter.sourceTopic}
        data-partition={letter.sourcePartition}
        data-offset={letter.sourceOffset}
      >
        <td className="dl-col-check">
          <input
            type="checkbox"
            checked={selected}
            onChange={onSelect}
            disabled={!letter.redrive.offered}
            title={letter.redrive.reason ?? undefined}
            aria-label={`Select dead letter ${id}`}
            data-testid="dead-letter-select"
          />
        </td>
        <td className="dl-col-time">
          <Instant value={letter.recordedAt} />
        </td>
        <td className="dl-col-source">
          <div className="mono dl-source__topic" title={letter.sourceTopic}>
            {letter.sourceTopic}
          </div>
          <div className="small muted num">
            partition {letter.sourcePartition} · offset {letter.sourceOffset}
          </div>
        </td>
        <td className="dl-col-type">
          {letter.eventType ? (
            <span className="mono" title={letter.eventType}>
              {shortEventType(letter.eventType)}
            </span>
          ) : (
            <span className="muted">{EMPTY}</span>
          )}
        </td>
        <td className="dl-col-id">
          {letter.eventId ? (
            <span className="mono" title={letter.eventId}>
              {letter.eventId.length > 13 ? `${letter.eventId.slice(0, 8)}…` : letter.eventId}
            </span>
          ) : (
            <span className="muted">{EMPTY}</span>
          )}
        </td>
        <td className="dl-col-groups">
          {letter.groups.map((g) => (
            <div key={g} className="dl-group" title={g}>
              {groupLabel(g)}
            </div>
          ))}
        </td>
        <td className="dl-col-reason">
          <Reason error={letter.error} />
        </td>
        <td className="dl-col-payload">
          <button
            type="button"
            className="dl-payload"
            onClick={onExpand}
            aria-expanded={expanded}
            data-testid="dead-letter-payload"
            title={expanded ? 'Hide the payload' : 'Show the whole payload'}
          >
            <span className="dl-payload__arrow" aria-hidden="true">
              {expanded ? '▾' : '▸'}
            </span>
            <span className="mono">{payloadPreview(letter.payload)}</span>
          </button>
        </td>
        <td className="dl-col-status">
          <Status letter={letter} />
          {letter.redrive.offered ? (
            <span className="dl-row__redrive" title={blocked ?? undefined}>
              <button
                type="button"
                className="btn btn--small"
                onClick={onRedrive}
                disabled={busy || blocked !== null}
                data-testid="dead-letter-redrive"
              >
                {letter.redrivenAt ? 'Re-drive again' : 'Re-drive'}
              </button>
            </span>
          ) : (
            <div
              className="small text-warn dl-row__no-redrive"
              data-testid="dead-letter-no-redrive"
              title={letter.redrive.reason ?? undefined}
            >
              Re-drive not offered: it can never pass.{' '}
              <span className="muted">
                {(letter.redrive.reason ?? '')
                  .replace(/^re-drive not offered: /, '')
                  .replace(/; inject a corrected event instead$/, '.')}{' '}
                Inject a corrected event instead.
              </span>
            </div>
          )}
        </td>
      </tr>
      {expanded && (
        <tr className="dl-row dl-row--details">
          <td />
          <td colSpan={8}>
            <Details letter={letter} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function Results({ result, onClose }: { result: DeadLetterRedriveResult; onClose(): void }): ReactNode {
  const tone =
    result.redriven > 0 && result.rejected + result.notFound === 0 ? 'notice--ok' : 'notice--error';
  const results = result.results ?? [];
  return (
    <div className={`notice ${tone} dl-results`} role="status" data-testid="dead-letters-results">
      <div className="notice__title">Re-drive: {redriveSummary(result)}</div>
      <ul className="dl-results__list">
        {results.map((r) => (
          <li
            key={deadLetterId(r)}
            data-testid="dead-letter-result"
            data-outcome={r.outcome}
            data-offset={r.sourceOffset}
          >
            <span className="mono">{deadLetterId(r)}</span>{' '}
            <span className={r.outcome === 'redriven' ? 'text-ok' : 'text-bad'}>{outcomeText(r)}</span>
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn--small btn--ghost" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}

/** The dead-letters screen (`dead-letters-table`). */
export function DeadLetters(): ReactNode {
  const [status, setStatus] = useState<DeadLetterStatusFilter>('all');
  const [type, setType] = useState('');
  const [page, setPage] = useState(1);
  const [selection, setSelection] = useState<Set<string>>(() => new Set());
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const [pending, setPending] = useState<DeadLetterKey[] | null>(null);
  const redrive = useRedrive();
  const busy = redrive.isPending;
  const result = redrive.data ?? null;
  const failure = redrive.error;
  const abilities = useAbilities();
  const refusal = abilities.redrive ? null : redriveRefusal(abilities.role);

  const query: DeadLettersQuery = { status, page, pageSize: PAGE_SIZE, ...(type ? { type } : {}) };
  const resource = useDeadLetterPage(query);
  const reload = (): void => void resource.refetch();
  const data = resource.data;
  const items = data?.items ?? [];
  const letters = new Map(items.map((l) => [deadLetterId(l), l]));
  // Only letters whose payload could pass are selectable (the API says which, and why not).
  const pageIds = items.filter((l) => l.redrive.offered).map((l) => deadLetterId(l));
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selection.has(id));

  const selectedKeys = [...selection]
    .map((id) => letters.get(id))
    .filter((l): l is DeadLetter => l !== undefined)
    .map(toKey);

  const updateFilter = (patch: { status?: DeadLetterStatusFilter; type?: string }): void => {
    if (patch.status !== undefined) setStatus(patch.status);
    if (patch.type !== undefined) setType(patch.type);
    setPage(1);
    setSelection(new Set());
  };

  const runRedrive = (keys: DeadLetterKey[], reason: string | undefined): void => {
    redrive.mutate(
      { keys, reason },
      {
        onSuccess: (answer) => {
          setPending(null);
          const done = new Set(
            (answer.results ?? []).filter((r) => r.outcome === 'redriven').map(deadLetterId),
          );
          setSelection((s) => new Set([...s].filter((id) => !done.has(id))));
        },
      },
    );
  };

  const total = data?.total ?? null;
  const types = data?.eventTypes ?? [];

  return (
    <div className="screen" data-testid="dead-letters">
      <div className="toolbar">
        <label className="field-inline">
          <span>Status</span>
          <select
            className="input"
            value={status}
            onChange={(e) => updateFilter({ status: e.target.value as DeadLetterStatusFilter })}
            data-testid="dead-letters-status"
          >
            {DEAD_LETTER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Event type</span>
          <select
            className="input"
            value={type}
            onChange={(e) => updateFilter({ type: e.target.value })}
            data-testid="dead-letters-type"
          >
            <option value="">all</option>
            {type && !types.includes(type) && <option value={type}>{type}</option>}
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <span className="total" data-testid="dead-letters-total" data-total={total ?? ''}>
          {total === null ? EMPTY : `${formatCount(total)} dead letter${total === 1 ? '' : 's'}`}
        </span>
        {data && (
          <span className="muted" data-testid="dead-letters-open" data-open={data.openCount}>
            {formatCount(data.openCount)} open
          </span>
        )}
        <span className="toolbar__spacer" />
        {selection.size > 0 && (
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setSelection(new Set())}>
            Clear selection
          </button>
        )}
        <span title={refusal ?? undefined}>
          <button
            type="button"
            className="btn btn--small dl-redrive-selected"
            disabled={selectedKeys.length === 0 || busy || refusal !== null}
            onClick={() => {
              redrive.reset();
              setPending(selectedKeys);
            }}
            data-testid="dead-letters-redrive"
          >
            Re-drive selected{selectedKeys.length > 0 ? ` (${formatCount(selectedKeys.length)})` : ''}
          </button>
        </span>
      </div>

      {refusal && (
        <div className="notice" role="note" data-testid="dead-letters-read-only">
          {refusal} You can read the dead letters and their payloads.
        </div>
      )}
      {pending && pending.length > 0 && (
        <RedriveDialog
          keys={pending}
          letters={letters}
          busy={busy}
          failure={failure}
          onConfirm={(reason) => runRedrive(pending, reason)}
          onCancel={() => {
            setPending(null);
            redrive.reset();
          }}
        />
      )}
      {failure && !pending && (
        <ErrorNotice error={failure} title="Re-drive failed: nothing was re-published" />
      )}
      {result && <Results result={result} onClose={() => redrive.reset()} />}
      {resource.error && (
        <ErrorNotice error={resource.error} onRetry={reload} title="Dead letters could not be loaded" />
      )}

      <div className="panel dl-panel">
        <table className="table dl-table" data-testid="dead-letters-table" data-loading={resource.isFetching}>
          <thead>
            <tr>
              <th className="dl-col-check">
                <input
                  type="checkbox"
                  checked={allOnPage}
                  disabled={pageIds.length === 0}
                  onChange={() => setSelection((s) => toggleAll(s, pageIds))}
                  aria-label="Select every dead letter on this page"
                  data-testid="dead-letters-select-all"
                />
              </th>
              <th className="dl-col-time">Parked</th>
              <th className="dl-col-source">Source</th>
              <th className="dl-col-type">Event type</th>
              <th className="dl-col-id">Event id</th>
              <th className="dl-col-groups">Groups</th>
              <th className="dl-col-reason">Reason</th>
              <th className="dl-col-payload">Payload</th>
              <th className="dl-col-status">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => {
              const id = deadLetterId(l);
              return (
                <Row
                  key={id}
                  letter={l}
                  selected={selection.has(id)}
                  expanded={expanded.has(id)}
                  busy={busy}
                  refusal={refusal}
                  onSelect={() => setSelection((s) => toggleId(s, id))}
                  onExpand={() => setExpanded((s) => toggleId(s, id))}
                  onRedrive={() => {
                    redrive.reset();
                    setPending([toKey(l)]);
                  }}
                />
              );
            })}
          </tbody>
        </table>
        {!data && !resource.error && <Loading label="Loading dead letters…" />}
        {data && items.length === 0 && (
          <Empty>
            {type
              ? 'No dead letters match these filters.'
              : status === 'all'
                ? 'No dead letters: every event was applied.'
                : status === 'open'
                  ? 'No open dead letters.'
                  : 'No dead letter was re-driven yet.'}
          </Empty>
        )}
      </div>

      <Pager page={page} pageSize={PAGE_SIZE} total={total} onPage={setPage} testId="dead-letters-pager" />
    </div>
  );
}

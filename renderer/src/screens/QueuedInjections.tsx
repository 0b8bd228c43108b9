/**
 * Queued injections (`#/outbox`): what the core's offline outbox holds while Kafka is unreachable
 * (`GET /api/outbox`), oldest first, i.e. in the order it will be sent: when each was queued (site
 * time), by whom, its events, the delivery attempts and the last error. An operator who may send
 * an entry may also discard it before it goes (`DELETE /api/outbox/:id`, confirmed, audited).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ROLE_LABELS } from '../../../contracts/auth';
import type { OutboxEntry } from '../../../contracts/outbox';
import { DrillBadge } from '../components/Badges';
import { Dialog } from '../components/Dialog';
import { ErrorNotice } from '../components/Notice';
import { SiteInstant, ZoneNote } from '../components/SiteTime';
import { formatCount } from '../lib/format';
import { useDiscardQueued, useOutbox } from '../query/outbox';
import { useSettings } from '../query/settings';
import { hrefs } from '../router/hash';
import { useAbilities } from '../state/access';

/** Whether the signed-in role may drop an entry: what sending it needs (live traffic `inject`, drill only `inject_drill`). */
function mayDiscard(entry: OutboxEntry, abilities: { injectLive: boolean; injectDrill: boolean }): boolean {
  const liveTraffic = entry.events.some((e) => e.drillid === null) || entry.drillIds.length === 0;
  return liveTraffic ? abilities.injectLive : abilities.injectDrill;
}

/** "3 events: sct.order.created.v1 for O-1, ..." */
function describeEntry(entry: OutboxEntry): string {
  const first = entry.events
    .slice(0, 3)
    .map((e) => `${e.type} for ${e.subject}`)
    .join(', ');
  const more = entry.eventCount > 3 ? ` and ${formatCount(entry.eventCount - 3)} more` : '';
  return `${formatCount(entry.eventCount)} event${entry.eventCount === 1 ? '' : 's'} (${first}${more})`;
}

function DiscardDialog({
  entry,
  zone,
  onDone,
}: {
  entry: OutboxEntry;
  zone: string | null;
  onDone: () => void;
}): ReactNode {
  const discard = useDiscardQueued();
  const [reason, setReason] = useState('');
  const busy = discard.isPending;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    discard.mutate({ entryId: entry.entryId, reason: reason.trim() || undefined }, { onSuccess: onDone });
  };
  return (
    <Dialog
      title="Discard this queued injection?"
      description={
        <>
          {describeEntry(entry)}, injected by <strong>{entry.operator}</strong> at{' '}
          <SiteInstant value={entry.queuedAt} zone={zone} named={false} seconds />, will never be sent to
          Kafka. The discard is recorded in the audit log under your name.
        </>
      }
      onCancel={busy ? null : onDone}
      testId="outbox-discard-confirmation"
      tone="warn"
    >
      <form className="dialog__form" onSubmit={submit} noValidate>
        <div className="dialog__field">
          <label className="form-row__label" htmlFor="outbox-discard-reason">
            Reason (optional)
          </label>
          <textarea
            id="outbox-discard-reason"
            className="input"
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. injected for the wrong order"
            data-testid="outbox-discard-reason"
            disabled={busy}
          />
        </div>
        {discard.error && (
          <ErrorNotice error={discard.error} title="Not discarded: the injection is still queued" />
        )}
        <div className="dialog__actions">
          <button type="button" className="btn btn--small btn--ghost" onClick={onDone} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn--small btn--danger"
            disabled={busy}
            data-testid="outbox-discard-confirm"
            data-autofocus
          >
            {busy
              ? 'Discarding…'
              : `Discard ${entry.eventCount === 1 ? 'the event' : `${formatCount(entry.eventCount)} events`}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function QueuedInjections(): ReactNode {
  const outbox = useOutbox();
  const abilities = useAbilities();
  const zone = useSettings().data?.values.siteTimeZone ?? null;
  const [discarding, setDiscarding] = useState<OutboxEntry | null>(null);
  const view = outbox.data;

  if (outbox.error && !view)
    return (
      <div className="screen" data-testid="outbox">
        <ErrorNotice
          error={outbox.error}
          onRetry={() => void outbox.refetch()}
          title="The outbox could not be read"
        />
      </div>
    );
  if (!view) return <div className="screen placeholder">Loading the outbox…</div>;

  return (
    <div className="screen" data-testid="outbox" data-entries={view.pending.length}>
      {!view.enabled ? (
        <div className="notice" role="note">
          This console runs without an offline outbox (SCT_OUTBOX_DIR=off): an injection while Kafka is
          unreachable is refused and must be sent again.
        </div>
      ) : view.pending.length === 0 ? (
        <div className="notice notice--ok" role="status" data-testid="outbox-empty">
          <div className="notice__title">Nothing queued</div>
          Nothing is waiting for Kafka. While Kafka is unreachable, new injections wait here and are sent in
          order, each once, when it is back. <a href={hrefs.inject()}>Inject an event →</a>
        </div>
      ) : (
        <div className="notice notice--warn" role="status" data-testid="outbox-summary">
          <div className="notice__title">
            {formatCount(view.pending.length)} injection{view.pending.length === 1 ? '' : 's'} (
            {formatCount(view.queuedEvents)} event{view.queuedEvents === 1 ? '' : 's'}) waiting for Kafka
          </div>
          They are kept on this console&apos;s machine and sent in the order below, each event once (same
          event id), as soon as Kafka answers{view.delivering ? ' (trying to reach Kafka now)' : ''}. They
          survive a restart of the console.
        </div>
      )}
      {view.quarantined > 0 && (
        <div className="notice notice--error" role="alert" data-testid="outbox-quarantined">
          <div className="notice__title">
            {formatCount(view.quarantined)} damaged outbox line{view.quarantined === 1 ? '' : 's'} set aside
          </div>
          A journal line could not be read (damaged on disk) and was moved to{' '}
          <span className="mono">{view.journal}.corrupt</span>; the other injections were kept. Check that
          file and inject what it held again if needed.
        </div>
      )}

      {view.pending.length > 0 && (
        <div className="panel">
          <table className="table outbox-table" data-testid="outbox-table">
            <thead>
              <tr>
                <th className="outbox-col-n">#</th>
                <th className="outbox-col-time">Queued</th>
                <th className="outbox-col-who">Operator</th>
                <th>Events</th>
                <th className="outbox-col-attempts">Attempts</th>
                <th className="outbox-col-error">Last error</th>
                <th className="outbox-col-actions" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {view.pending.map((entry, i) => {
                const allowed = mayDiscard(entry, abilities);
                return (
                  <tr key={entry.entryId} data-testid="outbox-row" data-entry-id={entry.entryId}>
                    <td className="num muted">{i + 1}</td>
                    <td>
                      <SiteInstant value={entry.queuedAt} zone={zone} named={false} seconds />
                    </td>
                    <td>
                      {entry.operator}
                      <div className="muted small">{ROLE_LABELS[entry.role]}</div>
                    </td>
                    <td>
                      <div>
                        <strong>{formatCount(entry.eventCount)}</strong> event
                        {entry.eventCount === 1 ? '' : 's'}{' '}
                        {entry.drillIds.map((d) => (
                          <DrillBadge key={d} drillId={d} />
                        ))}
                      </div>
                      <ul className="outbox-events">
                        {entry.events.map((e) => (
                          <li key={e.id}>
                            <span className="mono">{e.type.replace(/^sct\./, '')}</span>{' '}
                            <span className="mono">{e.subject}</span>{' '}
                            <span className="muted mono small" title="event id">
                              {e.id.slice(0, 8)}
                            </span>
                          </li>
                        ))}
                        {entry.eventCount > entry.events.length && (
                          <li className="muted small">
                            and {formatCount(entry.eventCount - entry.events.length)} more
                          </li>
                        )}
                      </ul>
                    </td>
                    <td className="num">{formatCount(entry.attempts)}</td>
                    <td className="outbox-col-error">
                      {entry.lastError ? (
                        <span className="small outbox-error" title={entry.lastError}>
                          {entry.lastError}
                        </span>
                      ) : (
                        <span className="muted small">not tried yet</span>
                      )}
                    </td>
                    <td>
                      <span
                        title={
                          allowed
                            ? undefined
                            : `Your role (${ROLE_LABELS[abilities.role]}) may not send these events, so it may not discard them`
                        }
                      >
                        <button
                          type="button"
                          className="btn btn--small btn--ghost"
                          disabled={!allowed}
                          onClick={() => setDiscarding(entry)}
                          data-testid="outbox-discard"
                        >
                          Discard
                        </button>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {view.journal && (
        <p className="muted small">
          Journal: <span className="mono">{view.journal}</span> · <ZoneNote zone={zone} />
        </p>
      )}
      {discarding && <DiscardDialog entry={discarding} zone={zone} onDone={() => setDiscarding(null)} />}
    </div>
  );
}

/**
 * The re-drive confirmation: names what will be re-driven and, for more than one dead letter (a
 * bulk action), asks why: the reason is required, 3..500 characters, checked before anything is
 * sent, and recorded in the audit log. A failed request is shown inside the dialog, which stays
 * open so the operator can retry or cancel.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { DeadLetter, DeadLetterKey } from '../../../contracts/api';
import { deadLetterId } from '../lib/deadLetters';
import { formatCount } from '../lib/format';
import { checkReason, REASON_MAX_CHARS, redriveNeedsReason } from '../lib/reason';
import { Dialog } from './Dialog';
import { ErrorNotice } from './Notice';

const REASON_ID = 'redrive-reason';
const REASON_HINT_ID = 'redrive-reason-hint';
const REASON_ERROR_ID = 'redrive-reason-error';

/** The dialog (`dead-letters-confirmation`; `dead-letters-confirm`, `redrive-reason`, `redrive-reason-error`). */
export function RedriveDialog({
  keys,
  letters,
  busy,
  failure,
  onConfirm,
  onCancel,
}: {
  keys: DeadLetterKey[];
  letters: Map<string, DeadLetter>;
  busy: boolean;
  failure: Error | null;
  /** Re-drive now; `reason` is set for a bulk re-drive. */
  onConfirm(reason: string | undefined): void;
  onCancel(): void;
}): ReactNode {
  const [reason, setReason] = useState('');
  const [attempted, setAttempted] = useState(false);
  const n = keys.length;
  const bulk = redriveNeedsReason(n);
  const again = keys.filter((k) => letters.get(deadLetterId(k))?.redrivenAt).length;
  const check = checkReason(reason);
  const reasonError = bulk && attempted && !check.ok ? check.message : null;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    setAttempted(true);
    if (!bulk) return onConfirm(undefined);
    if (check.ok) onConfirm(check.reason);
    else document.getElementById(REASON_ID)?.focus();
  };

  return (
    <Dialog
      title={n === 1 ? 'Re-drive this dead letter?' : `Re-drive ${formatCount(n)} dead letters?`}
      description={
        <>
          {n === 1 ? (
            <>
              <span className="mono">{deadLetterId(keys[0]!)}</span>: its payload is
            </>
          ) : (
            'Each payload is'
          )}{' '}
          checked against the event schema and, when valid, published once more to its topic; the workers
          apply an event at most once, so nothing is counted twice. Payloads that are still invalid stay open.
          {again > 0 && ` ${formatCount(again)} of them ${again === 1 ? 'was' : 'were'} re-driven before.`}
        </>
      }
      onCancel={busy ? null : onCancel}
      testId="dead-letters-confirmation"
      tone="warn"
    >
      <form className="dialog__form" onSubmit={submit} noValidate>
        {bulk && (
          <div className={`dialog__field${reasonError ? ' form-row--invalid' : ''}`}>
            <label className="form-row__label" htmlFor={REASON_ID}>
              Reason
              <span className="req" aria-label="required">
                *
              </span>
            </label>
            <textarea
              id={REASON_ID}
              className={`input${reasonError ? ' input--invalid' : ''}`}
              rows={3}
              maxLength={REASON_MAX_CHARS + 100}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={`${REASON_HINT_ID}${reasonError ? ` ${REASON_ERROR_ID}` : ''}`}
              placeholder="e.g. quantity rule fixed in order-processor 1.4; payloads are valid now"
              data-testid="redrive-reason"
              data-autofocus
              disabled={busy}
            />
            <div className="form-row__hint dialog__hint" id={REASON_HINT_ID}>
              <span>Why these are re-driven together; recorded in the audit log.</span>
              <span className={`num${reason.trim().length > REASON_MAX_CHARS ? ' text-bad' : ''}`}>
                {reason.trim().length} / {REASON_MAX_CHARS}
              </span>
            </div>
            {reasonError && (
              <div
                className="field-error"
                id={REASON_ERROR_ID}
                data-testid="redrive-reason-error"
                role="alert"
              >
                {reasonError}
              </div>
            )}
          </div>
        )}
        {failure && <ErrorNotice error={failure} title="Re-drive failed: nothing was re-published" />}
        <div className="dialog__actions">
          <button type="button" className="btn btn--small btn--ghost" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn--small dl-confirm__go"
            disabled={busy}
            data-testid="dead-letters-confirm"
            data-autofocus={bulk ? undefined : true}
          >
            {busy ? 'Re-driving…' : `Re-drive ${n === 1 ? 'it' : formatCount(n)}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

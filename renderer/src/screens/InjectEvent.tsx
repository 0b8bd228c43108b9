/**
 * Inject event: a form generated from the zod event schemas (inject/formModel.ts). The operator
 * picks a type, fills the subject (entity id), the event time (local time, sent as RFC 3339 UTC),
 * an optional drill id and the data fields. The event is validated locally with `validateEvent`
 * before it is sent; local and server issues show next to the field they name, in operator
 * wording (lib/issueWording.ts) with the rule code in `data-rule` and the tooltip; every input is
 * tied to its hint and errors (`aria-describedby`). On success the screen shows where Kafka stored
 * the event (topic/partition/offset) and links to the entity.
 *
 * The signed-in role decides what is offered: a role that cannot inject sees a notice instead of
 * the form; a role that may inject drill traffic only (drill lead) must give a drill id, which
 * the form says next to the field and checks before sending (the server refuses it too, with 403).
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import {
  ALL_EVENT_TYPES,
  entityOfType,
  EVENT_TYPES,
  validateEvent,
  type EventType,
  type FieldIssue,
} from '../../../contracts/events';
import { ApiRequestError } from '../api/errors';
import { DrillBadge } from '../components/Badges';
import {
  buildEvent,
  dataPath,
  eventTypeLabel,
  formFieldsForType,
  friendlyIssues,
  initialValues,
  inputPaths,
  isValidDrillId,
  placeIssues,
  subjectLabel,
  type FormValues,
} from '../inject/formModel';
import { ArrayInput } from '../inject/fields/ArrayInput';
import { describedBy, inputId } from '../inject/fields/domIds';
import { FieldRow } from '../inject/fields/FieldRow';
import { ScalarInput } from '../inject/fields/ScalarInput';
import { ResultCard, type Accepted } from '../inject/ResultCard';
import { drillIdRequiredText, injectRefusal } from '../lib/access';
import { localInputToUtc, toLocalInputValue } from '../lib/format';
import { newUuid, randomTag } from '../lib/ids';
import { issueTooltip, toDisplayIssue, type DisplayIssue } from '../lib/issueWording';
import { useInjectEvent } from '../query/mutations';
import { useSiteTimeZone } from '../query/settings';
import { useAbilities } from '../state/access';
import { useInjectPrefs } from '../state/inject';

/** A fixed, valid UUID used to validate the live preview; the real id is generated on send. */
const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';

/** The issue of a missing drill id for a role that may inject drill traffic only (the server's rule name). */
const DRILL_ID_REQUIRED_RULE = 'drillid_required_for_role';

/** The issues the signed-in role adds: a missing drill id when `drillIdRule` is set. */
function roleIssuesOf(drillIdRule: string | null, drillid: string): FieldIssue[] {
  if (drillIdRule === null || drillid.trim() !== '') return [];
  return [
    {
      field: 'drillid',
      rule: DRILL_ID_REQUIRED_RULE,
      message: 'Required for your role: drill traffic only',
    },
  ];
}

function isEventType(value: string | null): value is EventType {
  return value !== null && (ALL_EVENT_TYPES as string[]).includes(value);
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** What a role that cannot inject sees instead of the form (`inject-not-allowed`). */
function InjectNotAllowed({ text }: { text: string }): ReactNode {
  return (
    <div className="screen" data-testid="inject">
      <div className="notice" role="note" data-testid="inject-not-allowed">
        <div className="notice__title">{text}</div>
        <div>
          Injecting events needs the Supervisor role (or Drill lead, for drill traffic). You can still read
          orders, shipments, KPIs, dead letters and the audit log; ask an administrator if your work needs
          another role.
        </div>
      </div>
    </div>
  );
}

/** The inject screen; `presetType`/`presetSubject` come from `#/inject?type=..&subject=..`. */
export function InjectEvent(props: { presetType: string | null; presetSubject: string | null }): ReactNode {
  const abilities = useAbilities();
  if (!abilities.inject) return <InjectNotAllowed text={injectRefusal(abilities.role)} />;
  return (
    <InjectForm
      {...props}
      drillIdRule={abilities.drillIdRequired ? drillIdRequiredText(abilities.role) : null}
    />
  );
}

/** The form; `drillIdRule` (when set) says why this role must give a drill id. */
function InjectForm({
  presetType,
  presetSubject,
  drillIdRule,
}: {
  presetType: string | null;
  presetSubject: string | null;
  drillIdRule: string | null;
}): ReactNode {
  const firstType = isEventType(presetType) ? presetType : EVENT_TYPES.orderCreated;
  const [type, setType] = useState<EventType>(firstType);
  const fields = useMemo(() => formFieldsForType(type), [type]);
  // A new order's site zone is prefilled with the configured site time zone (settings).
  const siteZone = useSiteTimeZone();
  const [values, setValues] = useState<FormValues>(() =>
    initialValues(formFieldsForType(firstType), { timeZone: siteZone }),
  );
  const [subject, setSubject] = useState(presetSubject ?? '');
  const [time, setTime] = useState(() => toLocalInputValue(new Date()));
  const drillid = useInjectPrefs((s) => s.drillid);
  const setDrillid = useInjectPrefs((s) => s.setDrillid);
  const [attempted, setAttempted] = useState(false);
  const inject = useInjectEvent();
  const serverError = inject.error;
  const serverIssues =
    serverError instanceof ApiRequestError && serverError.issues.length > 0 ? serverError.issues : null;
  const submitting = inject.isPending;
  const accepted: Accepted | null =
    inject.isSuccess && isEventType(inject.variables.type)
      ? {
          result: inject.data,
          type: inject.variables.type,
          subject: inject.variables.subject,
          drillid: inject.variables.drillid ?? null,
          data: inject.variables.data,
        }
      : null;

  const preview = useMemo(
    () => buildEvent({ type, subject, time, drillid }, fields, values, PREVIEW_ID),
    [type, subject, time, drillid, fields, values],
  );
  const roleIssues = useMemo(() => roleIssuesOf(drillIdRule, drillid), [drillIdRule, drillid]);
  const localIssues = useMemo(() => {
    if (!attempted) return [];
    const r = validateEvent(preview);
    return [...roleIssues.map(toDisplayIssue), ...(r.ok ? [] : friendlyIssues(r.issues, preview))];
  }, [attempted, preview, roleIssues]);
  const shownServerIssues = useMemo(
    () => (serverIssues ? friendlyIssues(serverIssues, preview) : null),
    [serverIssues, preview],
  );
  const issues: DisplayIssue[] = shownServerIssues ?? localIssues;
  const paths = useMemo(() => inputPaths(fields, values), [fields, values]);
  const placed = useMemo(() => placeIssues(issues, paths), [issues, paths]);

  /** An edit makes the server's last refusal old news (an accepted event stays shown). */
  const edited = (): void => {
    if (inject.isError) inject.reset();
  };

  const changeType = (next: EventType): void => {
    edited();
    setAttempted(false);
    // An order id is not a shipment id: switching entity kinds clears the subject.
    if (entityOfType(next) !== entityOfType(type)) setSubject('');
    setType(next);
    setValues(initialValues(formFieldsForType(next), { timeZone: siteZone }));
  };

  const focusFirstIssue = (list: FieldIssue[]): void => {
    const { byPath } = placeIssues(list, paths);
    const first = paths.find((p) => byPath.has(p));
    if (first) document.getElementById(inputId(first))?.focus();
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (submitting) return;
    inject.reset();
    setAttempted(true);
    const event = buildEvent({ type, subject, time, drillid }, fields, values, newUuid());
    const checked = validateEvent(event);
    if (!checked.ok || roleIssues.length > 0) {
      focusFirstIssue([...roleIssues, ...(checked.ok ? [] : checked.issues)]);
      return;
    }
    inject.mutate(checked.event, {
      onSuccess: () => setAttempted(false),
      onError: (error) => {
        if (error instanceof ApiRequestError && error.issues.length > 0) focusFirstIssue(error.issues);
      },
    });
  };

  const entity = entityOfType(type);
  const sentTime = localInputToUtc(time);
  const previewJson = JSON.stringify({ ...preview, id: '(generated on send)' }, null, 2);

  return (
    <div className="screen inject" data-testid="inject">
      <form
        className="panel inject__form"
        onSubmit={submit}
        noValidate
        data-testid="inject-form"
        data-event-type={type}
      >
        <header className="panel__header">
          <h2>Inject event</h2>
          <span className="muted">validated against the event schema before it is sent</span>
        </header>

        {(placed.unplaced.length > 0 ||
          (serverError && !(serverError instanceof ApiRequestError && serverError.issues.length > 0))) && (
          <div className="notice notice--error" role="alert" data-testid="inject-error">
            {serverError && (
              <div className="notice__title">
                {serverError instanceof ApiRequestError && serverError.status > 0
                  ? `Rejected (HTTP ${serverError.status})`
                  : 'Not sent'}
              </div>
            )}
            {serverError && <div>{serverError.message}</div>}
            {placed.unplaced.map((issue, i) => (
              <div
                key={`${issue.field}:${i}`}
                className="field-error"
                data-testid="field-error"
                data-field={issue.field}
                data-rule={issue.rule}
                title={issueTooltip(issue)}
              >
                <span className="mono">{issue.field}</span>: {issue.message}
              </div>
            ))}
          </div>
        )}
        {serverError instanceof ApiRequestError &&
          serverError.issues.length > 0 &&
          placed.unplaced.length === 0 && (
            <div className="notice notice--error" role="alert" data-testid="inject-error">
              <div className="notice__title">The server rejected the event ({serverError.code})</div>
              <div>{serverError.message} — see the fields marked below.</div>
            </div>
          )}

        <fieldset className="form-section">
          <legend>Envelope</legend>
          <FieldRow
            label="Event type"
            path="type"
            required
            issues={placed.byPath.get('type')}
            hint={<span className="mono">{type}</span>}
          >
            <select
              id={inputId('type')}
              data-field="type"
              aria-invalid={placed.byPath.has('type') || undefined}
              aria-describedby={describedBy('type', true, placed.byPath.get('type'))}
              className="input"
              value={type}
              onChange={(e) => changeType(e.target.value as EventType)}
              data-testid="inject-type"
            >
              <optgroup label="Order">
                {ALL_EVENT_TYPES.filter((t) => entityOfType(t) === 'order').map((t) => (
                  <option key={t} value={t}>
                    {eventTypeLabel(t)}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Shipment">
                {ALL_EVENT_TYPES.filter((t) => entityOfType(t) === 'shipment').map((t) => (
                  <option key={t} value={t}>
                    {eventTypeLabel(t)}
                  </option>
                ))}
              </optgroup>
            </select>
          </FieldRow>
          <FieldRow
            label={subjectLabel(type)}
            path="subject"
            required
            issues={placed.byPath.get('subject')}
            hint="the entity this event is about (subject, Kafka key)"
          >
            <div className="input-with-button">
              <input
                id={inputId('subject')}
                data-field="subject"
                aria-invalid={placed.byPath.has('subject') || undefined}
                aria-describedby={describedBy('subject', true, placed.byPath.get('subject'))}
                className={`input input--mono${placed.byPath.has('subject') ? ' input--invalid' : ''}`}
                type="text"
                value={subject}
                onChange={(e) => {
                  edited();
                  setSubject(e.target.value);
                }}
                data-testid="inject-subject"
                spellCheck={false}
                autoComplete="off"
              />
              <button
                type="button"
                className="btn btn--small btn--ghost"
                onClick={() => {
                  edited();
                  setSubject(`${entity === 'order' ? 'ORD' : 'SHP'}-${randomTag(8)}`);
                }}
                title="Generate a new id"
              >
                New id
              </button>
            </div>
          </FieldRow>
          <FieldRow
            label="Event time"
            path="time"
            required
            issues={placed.byPath.get('time')}
            hint={
              <>
                when it happened, in your local time ({localTimeZone()}); sent as{' '}
                <span className="mono">{sentTime ?? '—'}</span>
              </>
            }
          >
            <div className="input-with-button">
              <input
                id={inputId('time')}
                data-field="time"
                aria-invalid={placed.byPath.has('time') || undefined}
                aria-describedby={describedBy('time', true, placed.byPath.get('time'))}
                className={`input num${placed.byPath.has('time') ? ' input--invalid' : ''}`}
                type="datetime-local"
                step={1}
                value={time}
                onChange={(e) => {
                  edited();
                  setTime(e.target.value);
                }}
                data-testid="inject-time"
              />
              <button
                type="button"
                className="btn btn--small btn--ghost"
                onClick={() => {
                  edited();
                  setTime(toLocalInputValue(new Date()));
                }}
              >
                Now
              </button>
            </div>
          </FieldRow>
          <FieldRow
            label="Drill id"
            path="drillid"
            required={drillIdRule !== null}
            issues={placed.byPath.get('drillid')}
            hint={drillIdRule ?? 'marks the event as drill traffic (excluded from KPIs by default)'}
          >
            <div className="input-with-button">
              <input
                id={inputId('drillid')}
                data-field="drillid"
                aria-invalid={placed.byPath.has('drillid') || undefined}
                aria-describedby={describedBy('drillid', true, placed.byPath.get('drillid'))}
                className={`input input--mono${placed.byPath.has('drillid') ? ' input--invalid' : ''}`}
                type="text"
                value={drillid}
                onChange={(e) => {
                  edited();
                  setDrillid(e.target.value);
                }}
                data-testid="inject-drillid"
                spellCheck={false}
                autoComplete="off"
                placeholder={drillIdRule ? 'required for your role' : 'none: live traffic'}
                aria-required={drillIdRule !== null || undefined}
              />
              <button
                type="button"
                className="btn btn--small btn--ghost"
                onClick={() => {
                  edited();
                  setDrillid(
                    `drill-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomTag(4)}`,
                  );
                }}
              >
                New drill
              </button>
              {isValidDrillId(drillid) && <DrillBadge drillId={drillid.trim()} />}
            </div>
          </FieldRow>
        </fieldset>

        <fieldset className="form-section" data-testid="inject-data">
          <legend>Data · {eventTypeLabel(type)}</legend>
          {fields.length === 0 && <div className="muted">This event type carries no data.</div>}
          {fields.map((field) => {
            const path = dataPath(field.key);
            if (field.kind === 'array') {
              const rows = values[field.key];
              return (
                <ArrayInput
                  key={`${type}:${field.key}`}
                  field={field}
                  rows={Array.isArray(rows) ? rows : []}
                  byPath={placed.byPath}
                  onChange={(next) => {
                    edited();
                    setValues((v) => ({ ...v, [field.key]: next }));
                  }}
                />
              );
            }
            const raw = values[field.key];
            return (
              <FieldRow
                key={`${type}:${field.key}`}
                label={field.label}
                path={path}
                required={field.required}
                issues={placed.byPath.get(path)}
                hint={field.hint || undefined}
              >
                <ScalarInput
                  field={field}
                  path={path}
                  value={typeof raw === 'string' ? raw : ''}
                  invalid={placed.byPath.has(path)}
                  describedBy={describedBy(path, !!field.hint, placed.byPath.get(path))}
                  onChange={(v) => {
                    edited();
                    setValues((vals) => ({ ...vals, [field.key]: v }));
                  }}
                />
              </FieldRow>
            );
          })}
        </fieldset>

        <div className="form-actions">
          <button
            type="submit"
            className="btn btn--primary"
            disabled={submitting}
            data-testid="inject-submit"
          >
            {submitting ? 'Sending…' : drillid.trim() ? 'Send drill event' : 'Send event'}
          </button>
          {attempted && issues.length > 0 && (
            <span className="text-bad small" data-testid="inject-issue-count">
              {issues.length} problem{issues.length === 1 ? '' : 's'} to fix
            </span>
          )}
        </div>
      </form>

      <aside className="inject__side">
        {accepted && <ResultCard accepted={accepted} />}
        <section className="panel">
          <header className="panel__header">
            <h2>Event preview</h2>
            <span className="muted">CloudEvents 1.0 JSON</span>
          </header>
          <pre className="code code--preview" data-testid="inject-preview">
            {previewJson}
          </pre>
        </section>
      </aside>
    </div>
  );
}

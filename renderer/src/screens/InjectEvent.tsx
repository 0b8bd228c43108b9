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
import type { InjectResult } from '../../../contracts/api';
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
  emptyRow,
  eventTypeLabel,
  formFieldsForType,
  friendlyIssues,
  initialValues,
  inputPaths,
  isValidDrillId,
  placeIssues,
  subjectLabel,
  type ArrayField,
  type FormValues,
  type RowValues,
  type ScalarField,
} from '../inject/formModel';
import { drillIdRequiredText, injectRefusal } from '../lib/access';
import { localInputToUtc, toLocalInputValue } from '../lib/format';
import { newUuid, randomTag } from '../lib/ids';
import { issueTooltip, toDisplayIssue, type DisplayIssue } from '../lib/issueWording';
import { hrefs } from '../router/hash';
import { useInjectEvent } from '../query/mutations';
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

let timeZoneList: string[] | null = null;
function timeZones(): string[] {
  if (!timeZoneList) {
    try {
      timeZoneList = Intl.supportedValuesOf('timeZone');
    } catch {
      timeZoneList = ['UTC'];
    }
  }
  return timeZoneList;
}

/** DOM id of the input showing `path` (`data.lines.0.sku` -> `inj-data.lines.0.sku`). */
function inputId(path: string): string {
  return `inj-${path}`;
}

/** DOM ids of the hint and of the error list of the input showing `path`. */
const hintId = (path: string): string => `${inputId(path)}-hint`;
const errorsId = (path: string): string => `${inputId(path)}-errors`;

/** `aria-describedby` of an input: its hint (when shown) and its errors (when any). */
function describedBy(path: string, hasHint: boolean, issues: DisplayIssue[] | undefined): string | undefined {
  const ids = [hasHint ? hintId(path) : null, issues && issues.length > 0 ? errorsId(path) : null];
  return ids.filter(Boolean).join(' ') || undefined;
}

/** The errors of one input (`id` = {@link errorsId}, referenced by the input's `aria-describedby`). */
function FieldErrors({ path, issues }: { path: string; issues: DisplayIssue[] | undefined }): ReactNode {
  if (!issues || issues.length === 0) return null;
  return (
    <div id={errorsId(path)} className="field-errors">
      {issues.map((issue, i) => (
        <div
          key={`${issue.field}:${i}`}
          className="field-error"
          data-testid="field-error"
          data-field={issue.field}
          data-rule={issue.rule}
          title={issueTooltip(issue)}
        >
          {issue.message}
        </div>
      ))}
    </div>
  );
}

interface ScalarInputProps {
  field: ScalarField;
  path: string;
  value: string;
  invalid: boolean;
  /** Ids of the hint and errors describing this input. */
  describedBy: string | undefined;
  onChange(value: string): void;
  compact?: boolean;
}

function ScalarInput({
  field,
  path,
  value,
  invalid,
  describedBy,
  onChange,
  compact,
}: ScalarInputProps): ReactNode {
  const common = {
    id: inputId(path),
    name: path,
    'data-field': path,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-label': compact ? field.label : undefined,
    className: `input${invalid ? ' input--invalid' : ''}`,
  };
  switch (field.kind) {
    case 'enum':
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'choose…' : '(none)'}</option>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'choose…' : '(none)'}</option>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
    case 'integer':
    case 'number':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="number"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.minimum}
          max={field.maximum}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'date':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="date"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'datetime':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="datetime-local"
          step={1}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'json':
      return (
        <textarea
          {...common}
          className={`${common.className} input--mono`}
          rows={3}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
        />
      );
    case 'text': {
      const isZone = /time zone/i.test(field.label);
      const isId = field.label.endsWith(' ID') || field.label === 'SKU';
      return (
        <>
          <input
            {...common}
            className={`${common.className}${isId || isZone ? ' input--mono' : ''}`}
            type="text"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            list={isZone ? 'inj-time-zones' : undefined}
            spellCheck={false}
            autoComplete="off"
          />
          {isZone && (
            <datalist id="inj-time-zones">
              {timeZones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          )}
        </>
      );
    }
  }
}

function FieldRow({
  label,
  path,
  required,
  hint,
  children,
  issues,
}: {
  label: string;
  /** Path of the input this row shows (its id is {@link inputId}). */
  path: string;
  required: boolean;
  hint?: ReactNode;
  children: ReactNode;
  issues: DisplayIssue[] | undefined;
}): ReactNode {
  return (
    <div className={`form-row${issues && issues.length > 0 ? ' form-row--invalid' : ''}`}>
      <label className="form-row__label" htmlFor={inputId(path)}>
        {label}
        {required ? (
          <span className="req" aria-label="required">
            *
          </span>
        ) : (
          <span className="opt">optional</span>
        )}
      </label>
      <div className="form-row__control">
        {children}
        {hint && (
          <div className="form-row__hint" id={hintId(path)}>
            {hint}
          </div>
        )}
        <FieldErrors path={path} issues={issues} />
      </div>
    </div>
  );
}

function ArrayInput({
  field,
  rows,
  byPath,
  onChange,
}: {
  field: ArrayField;
  rows: RowValues[];
  byPath: Map<string, DisplayIssue[]>;
  onChange(rows: RowValues[]): void;
}): ReactNode {
  const canAdd = field.maxItems === undefined || rows.length < field.maxItems;
  const canRemove = rows.length > field.minItems;
  const setCell = (index: number, key: string, value: string): void =>
    onChange(rows.map((r, i) => (i === index ? { ...r, [key]: value } : r)));
  const singular = field.label.replace(/s$/, '').toLowerCase();
  return (
    <div className="form-row" data-field={dataPath(field.key)}>
      <div className="form-row__label">
        {field.label}
        {field.required ? (
          <span className="req" aria-label="required">
            *
          </span>
        ) : (
          <span className="opt">optional</span>
        )}
      </div>
      <div className="form-row__control">
        <table className="rows-table" data-testid={`inject-array-${field.key}`}>
          <thead>
            <tr>
              <th className="rows-table__idx">#</th>
              {field.item.map((f) => (
                <th
                  key={f.key}
                  className={f.kind === 'integer' || f.kind === 'number' ? 'rows-table__num' : undefined}
                >
                  {f.label}
                  {f.required && <span className="req">*</span>}
                </th>
              ))}
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} data-row={i}>
                <td className="rows-table__idx num muted">{i + 1}</td>
                {field.item.map((f) => {
                  const path = dataPath(field.key, i, f.key);
                  const issues = byPath.get(path);
                  return (
                    <td key={f.key}>
                      <ScalarInput
                        field={f}
                        path={path}
                        value={row[f.key] ?? ''}
                        invalid={!!issues}
                        describedBy={describedBy(path, false, issues)}
                        onChange={(v) => setCell(i, f.key, v)}
                        compact
                      />
                      <FieldErrors path={path} issues={issues} />
                    </td>
                  );
                })}
                <td className="rows-table__actions">
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    onClick={() => onChange(rows.filter((_, j) => j !== i))}
                    disabled={!canRemove}
                    aria-label={`Remove ${singular} ${i + 1}`}
                    data-testid={`inject-remove-${field.key}`}
                  >
                    Remove
                  </button>
                  <FieldErrors path={dataPath(field.key, i)} issues={byPath.get(dataPath(field.key, i))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="rows-table__footer">
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onChange([...rows, emptyRow(field)])}
            disabled={!canAdd}
            data-testid={`inject-add-${field.key}`}
          >
            + Add {singular}
          </button>
          {field.hint && <span className="form-row__hint">{field.hint}</span>}
        </div>
        <FieldErrors path={dataPath(field.key)} issues={byPath.get(dataPath(field.key))} />
      </div>
    </div>
  );
}

interface Accepted {
  result: InjectResult;
  type: EventType;
  subject: string;
  drillid: string | null;
  data: Record<string, unknown>;
}

function ResultCard({ accepted }: { accepted: Accepted }): ReactNode {
  const { result, type, subject, drillid, data } = accepted;
  const entity = entityOfType(type);
  const related: { label: string; href: string }[] = [];
  if (typeof data.shipmentId === 'string')
    related.push({ label: `shipment ${data.shipmentId}`, href: hrefs.shipment(data.shipmentId) });
  if (typeof data.orderId === 'string')
    related.push({ label: `order ${data.orderId}`, href: hrefs.order(data.orderId) });
  return (
    <div
      className="notice notice--ok"
      data-testid="inject-result"
      data-topic={result.topic}
      data-partition={result.partition}
      data-offset={result.offset}
      role="status"
    >
      <div className="notice__title">Accepted by Kafka {drillid && <DrillBadge drillId={drillid} />}</div>
      <dl className="kvs kvs--inline">
        <div className="kv">
          <dt>Topic</dt>
          <dd className="mono">{result.topic}</dd>
        </div>
        <div className="kv">
          <dt>Partition</dt>
          <dd className="mono">{result.partition}</dd>
        </div>
        <div className="kv">
          <dt>Offset</dt>
          <dd className="mono">{result.offset}</dd>
        </div>
        <div className="kv">
          <dt>Event id</dt>
          <dd className="mono">{result.id}</dd>
        </div>
      </dl>
      <div className="notice__links">
        <a
          href={entity === 'order' ? hrefs.order(subject) : hrefs.shipment(subject)}
          data-testid="inject-entity-link"
        >
          Open {entity} <span className="mono">{subject}</span> →
        </a>
        {related.map((r) => (
          <a key={r.href} href={r.href}>
            Open {r.label} →
          </a>
        ))}
        <span className="muted small">Workers apply it asynchronously; the pages update live.</span>
      </div>
    </div>
  );
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
  const [values, setValues] = useState<FormValues>(() =>
    initialValues(formFieldsForType(firstType), { timeZone: localTimeZone() }),
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
    setValues(initialValues(formFieldsForType(next), { timeZone: localTimeZone() }));
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

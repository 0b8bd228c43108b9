/**
 * The inject form's model, generated from the zod event schemas in contracts/events.ts.
 *
 * 1. {@link formFieldsForType} turns `eventDataSchemas[type]` into a list of form fields via
 *    zod 4's `z.toJSONSchema` (strings, integers, enums, calendar dates, instants, booleans,
 *    arrays of objects such as order lines; anything else falls back to a raw JSON field).
 * 2. Form values are kept as strings (what inputs hold); {@link buildEvent} coerces them into a
 *    CloudEvent (`id` UUID, `specversion` 1.0, `source` console, `time` RFC 3339 UTC).
 * 3. Validation issues (local `validateEvent` or the server's `ApiError.issues`) name fields as
 *    dotted paths (`data.lines.0.quantity`); {@link placeIssues} maps each to the input showing it.
 *
 * Pure (no DOM, no React): unit-tested in Node.
 */
import { z } from 'zod';
import {
  entityOfType,
  EVENT_TYPES,
  eventDataSchemas,
  EXCEPTION_REASON_CODES,
  supplyChainEventSchema,
  type EventType,
  type FieldIssue,
} from '../../../contracts/events';
import { EVENT_SOURCES } from '../../../contracts/event-sources';
import { ORDER_STATUSES, type OrderStatus } from '../../../contracts/order-status';
import { localInputToUtc } from '../lib/format';
import { toDisplayIssue, type DisplayIssue } from '../lib/issueWording';

/** The subset of JSON Schema (draft 2020-12) that zod emits for the event data schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

interface FieldBase {
  /** Property name inside its object (`customerId`, `quantity`). */
  key: string;
  /** Human label (`Customer ID`). */
  label: string;
  required: boolean;
  /** Constraint summary shown under the input (`1–128 chars`, `integer 1–1,000,000`). */
  hint: string;
}

/** Free text (ids, names, messages). */
export interface TextField extends FieldBase {
  kind: 'text';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** Values offered while typing (a datalist); any other text is still accepted. */
  suggestions?: readonly string[];
}

/** A number input; `integer` accepts whole numbers only. */
export interface NumberField extends FieldBase {
  kind: 'integer' | 'number';
  minimum?: number;
  maximum?: number;
}

/** A select over fixed values. */
export interface EnumField extends FieldBase {
  kind: 'enum';
  options: string[];
}

/** A calendar day `YYYY-MM-DD` (`<input type="date">`). */
export interface DateField extends FieldBase {
  kind: 'date';
}

/** An instant, entered in local time and sent as RFC 3339 UTC. */
export interface DateTimeField extends FieldBase {
  kind: 'datetime';
}

/** A yes/no select (optional booleans can stay unset). */
export interface BooleanField extends FieldBase {
  kind: 'boolean';
}

/** Fallback for shapes the form does not draw (nested objects): raw JSON text. */
export interface JsonField extends FieldBase {
  kind: 'json';
}

/** A field holding one value. */
export type ScalarField =
  TextField | NumberField | EnumField | DateField | DateTimeField | BooleanField | JsonField;

/** An array of objects (order lines): rows with add/remove, each row drawn from `item`. */
export interface ArrayField extends FieldBase {
  kind: 'array';
  item: ScalarField[];
  minItems: number;
  maxItems?: number;
}

/** One top-level field of an event's `data`. */
export type FormField = ScalarField | ArrayField;

/** Values of one array row, by item key. */
export type RowValues = Record<string, string>;
/** Raw value of a field: a string for scalars, rows for arrays. */
export type FieldValue = string | RowValues[];
/** Raw values of the `data` part of the form, by field key. */
export type FormValues = Record<string, FieldValue>;

/** The envelope part of the form. `time` is a `datetime-local` value (viewer's local time). */
export interface EnvelopeValues {
  type: EventType;
  subject: string;
  time: string;
  drillid: string;
}

const ENTITY_ID_PATTERN = '^[A-Za-z0-9._:-]+$';

/** The patterns of contracts/events.ts in words: the form never shows a raw regular expression. */
const PATTERN_WORDS: Record<string, string> = {
  [ENTITY_ID_PATTERN]: 'letters, digits . _ : -',
  '^(?:[\\t\\n\\r]|[^\\p{Cc}\\p{Cs}])*$': 'no control characters',
  '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$': 'W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)',
};

/** Words for a pattern rule; one this table does not know is described, never printed. */
export function patternWords(pattern: string): string {
  return PATTERN_WORDS[pattern] ?? 'in the format the event type requires';
}

/** Fields whose common values the form offers while typing (still free text). */
const SUGGESTIONS: Record<string, readonly string[]> = { reasonCode: EXCEPTION_REASON_CODES };
const ACRONYMS: Record<string, string> = { id: 'ID', sku: 'SKU', eta: 'ETA', url: 'URL' };

/** `siteTimeZone` -> `Site time zone`, `customerId` -> `Customer ID`, `sku` -> `SKU`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const first = words[0] ?? key;
  words[0] = ACRONYMS[first.toLowerCase()] ?? first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/** `sct.shipment.eta_updated.v1` -> `Shipment ETA updated`. */
export function eventTypeLabel(type: string): string {
  const m = /^sct\.([a-z]+)\.([a-z_]+)\.v(\d+)$/.exec(type);
  if (!m) return type;
  const [, entity = '', action = '', version = '1'] = m;
  const label = `${humanize(entity)} ${humanize(action)
    .toLowerCase()
    .replace(/\beta\b/, 'ETA')}`;
  return version === '1' ? label : `${label} (v${version})`;
}

const countFormat = new Intl.NumberFormat('en-US');

function rangeHint(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined)
    return `${countFormat.format(min)}–${countFormat.format(max)}${unit}`;
  if (min !== undefined) return `≥ ${countFormat.format(min)}${unit}`;
  if (max !== undefined) return `≤ ${countFormat.format(max)}${unit}`;
  return '';
}

function primaryType(node: JsonSchema): string | undefined {
  if (Array.isArray(node.type)) return node.type.find((t) => t !== 'null');
  return node.type;
}

/** Converts one JSON-schema property into a scalar field (arrays/objects fall back to JSON). */
function scalarField(key: string, node: JsonSchema, required: boolean): ScalarField {
  const base = { key, label: humanize(key), required };
  const type = primaryType(node);
  if (Array.isArray(node.enum) && node.enum.every((v): v is string => typeof v === 'string')) {
    return { ...base, kind: 'enum', options: node.enum, hint: '' };
  }
  if (type === 'string' && node.format === 'date')
    return { ...base, kind: 'date', hint: 'calendar day, site time' };
  if (type === 'string' && node.format === 'date-time') {
    return { ...base, kind: 'datetime', hint: 'your local time, sent as UTC' };
  }
  if (type === 'string' && /time_?zone$/i.test(key)) {
    return { ...base, kind: 'text', hint: 'IANA time zone, e.g. America/Sao_Paulo' };
  }
  if (type === 'string') {
    const parts = [rangeHint(node.minLength, node.maxLength, ' chars')];
    if (node.pattern) parts.push(patternWords(node.pattern));
    const suggestions = SUGGESTIONS[key];
    if (suggestions) parts.push('pick a common code or type the carrier’s');
    const field: TextField = { ...base, kind: 'text', hint: parts.filter(Boolean).join(' · ') };
    if (suggestions) field.suggestions = suggestions;
    if (node.minLength !== undefined) field.minLength = node.minLength;
    if (node.maxLength !== undefined) field.maxLength = node.maxLength;
    if (node.pattern !== undefined) field.pattern = node.pattern;
    return field;
  }
  if (type === 'integer' || type === 'number') {
    const field: NumberField = {
      ...base,
      kind: type,
      hint: `${type === 'integer' ? 'whole number' : 'number'} ${rangeHint(node.minimum, node.maximum, '')}`.trim(),
    };
    if (node.minimum !== undefined) field.minimum = node.minimum;
    if (node.maximum !== undefined) field.maximum = node.maximum;
    return field;
  }
  if (type === 'boolean') return { ...base, kind: 'boolean', hint: '' };
  return { ...base, kind: 'json', hint: 'JSON value' };
}

/**
 * Builds form fields from an object JSON schema (the `data` of one event type), in property order.
 * Arrays of objects become {@link ArrayField}s whose rows hold scalar fields.
 */
export function fieldsFromJsonSchema(schema: JsonSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, node]): FormField => {
    const isRequired = required.has(key);
    if (primaryType(node) === 'array' && node.items && primaryType(node.items) === 'object') {
      const itemRequired = new Set(node.items.required ?? []);
      const item = Object.entries(node.items.properties ?? {}).map(([k, n]) =>
        scalarField(k, n, itemRequired.has(k)),
      );
      const minItems = node.minItems ?? 0;
      const field: ArrayField = {
        key,
        label: humanize(key),
        required: isRequired,
        kind: 'array',
        item,
        minItems,
        hint: rangeHint(node.minItems, node.maxItems, ' rows'),
      };
      if (node.maxItems !== undefined) field.maxItems = node.maxItems;
      return field;
    }
    return scalarField(key, node, isRequired);
  });
}

/** The form fields of an event type's `data`, generated from its zod schema. */
export function formFieldsForType(type: EventType): FormField[] {
  const schema = z.toJSONSchema(eventDataSchemas[type], { unrepresentable: 'any' }) as JsonSchema;
  return fieldsFromJsonSchema(schema);
}

/** The label of the `subject` input: the entity the event is about. */
export function subjectLabel(type: EventType): string {
  return entityOfType(type) === 'order' ? 'Order ID' : 'Shipment ID';
}

/** Default raw values of a scalar field (time zones default to the viewer's zone). */
function defaultScalar(field: ScalarField, defaults: { timeZone?: string }): string {
  if (field.kind === 'text' && /time ?zone/i.test(field.label) && defaults.timeZone) return defaults.timeZone;
  return '';
}

/** An empty row of an array field. */
export function emptyRow(field: ArrayField): RowValues {
  return Object.fromEntries(field.item.map((f) => [f.key, defaultScalar(f, {})]));
}

/**
 * Initial raw values for the fields: empty strings, arrays with `max(minItems, 1)` empty rows,
 * time-zone fields prefilled with `defaults.timeZone`.
 */
export function initialValues(fields: FormField[], defaults: { timeZone?: string } = {}): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    values[field.key] =
      field.kind === 'array'
        ? Array.from({ length: Math.max(field.minItems, 1) }, () => emptyRow(field))
        : defaultScalar(field, defaults);
  }
  return values;
}

/**
 * Coerces a raw input string to the value the schema expects; `undefined` means "leave the
 * property out". Unparseable input is passed through as the string, so validation names it.
 */
export function coerceValue(field: ScalarField, raw: string): unknown {
  const value = raw.trim();
  switch (field.kind) {
    case 'text':
    case 'date':
      if (value === '') return field.required ? '' : undefined;
      return value;
    case 'datetime':
      if (value === '') return field.required ? '' : undefined;
      return localInputToUtc(value) ?? value;
    case 'integer':
    case 'number': {
      if (value === '') return undefined;
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case 'enum':
      return value === '' ? undefined : value;
    case 'boolean':
      return value === '' ? undefined : value === 'true';
    case 'json':
      if (value === '') return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
  }
}

function objectFrom(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}

/** Builds the event's `data` object from raw form values. */
export function buildData(fields: FormField[], values: FormValues): Record<string, unknown> {
  return objectFrom(
    fields.map((field): [string, unknown] => {
      const raw = values[field.key];
      if (field.kind === 'array') {
        const rows = Array.isArray(raw) ? raw : [];
        if (rows.length === 0 && !field.required) return [field.key, undefined];
        return [
          field.key,
          rows.map((row) =>
            objectFrom(field.item.map((f): [string, unknown] => [f.key, coerceValue(f, row[f.key] ?? '')])),
          ),
        ];
      }
      return [field.key, coerceValue(field, typeof raw === 'string' ? raw : '')];
    }),
  );
}

/**
 * Builds the CloudEvent to send: `specversion` 1.0, the given `id` (a UUID, `crypto.randomUUID()`),
 * `source` console, `time` converted from local input to RFC 3339 UTC, `drillid` only when set.
 * The result is unvalidated: pass it to `validateEvent` before sending.
 */
export function buildEvent(
  envelope: EnvelopeValues,
  fields: FormField[],
  values: FormValues,
  id: string,
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id,
    source: EVENT_SOURCES.console.source,
    type: envelope.type,
    subject: envelope.subject.trim(),
    time: localInputToUtc(envelope.time) ?? envelope.time.trim(),
    datacontenttype: 'application/json',
    data: buildData(fields, values),
  };
  const drill = envelope.drillid.trim();
  if (drill) event.drillid = drill;
  return event;
}

/** Paths of the envelope inputs. */
export const ENVELOPE_PATHS = ['type', 'subject', 'time', 'drillid'] as const;

/** Path of a data field, an array row, or a field inside a row: `data.lines`, `data.lines.0`, `data.lines.0.sku`. */
export function dataPath(key: string, row?: number, itemKey?: string): string {
  if (row === undefined) return `data.${key}`;
  return itemKey === undefined ? `data.${key}.${row}` : `data.${key}.${row}.${itemKey}`;
}

/** Every path the form currently shows an input (or row, or array) for. */
export function inputPaths(fields: FormField[], values: FormValues): string[] {
  const paths: string[] = [...ENVELOPE_PATHS];
  for (const field of fields) {
    paths.push(dataPath(field.key));
    if (field.kind !== 'array') continue;
    const rows = values[field.key];
    const count = Array.isArray(rows) ? rows.length : 0;
    for (let i = 0; i < count; i++) {
      paths.push(dataPath(field.key, i));
      for (const item of field.item) paths.push(dataPath(field.key, i, item.key));
    }
  }
  return paths;
}

/** Issues grouped by the input that shows them, plus those no input can show (shown at the top). */
export interface PlacedIssues<T extends FieldIssue = FieldIssue> {
  byPath: Map<string, T[]>;
  unplaced: T[];
}

/**
 * Places each issue on the input whose path is the issue's field or its longest dotted prefix
 * (`data.meta.x` lands on a `data.meta` JSON field). Issues on `(root)`, `data` itself or on
 * generated attributes (`id`, `specversion`, `source`) are unplaced.
 */
export function placeIssues<T extends FieldIssue>(issues: T[], paths: readonly string[]): PlacedIssues<T> {
  const known = new Set(paths);
  const byPath = new Map<string, T[]>();
  const unplaced: T[] = [];
  for (const issue of issues) {
    let candidate: string | null = issue.field;
    while (candidate !== null && !known.has(candidate)) {
      const dot: number = candidate.lastIndexOf('.');
      candidate = dot === -1 ? null : candidate.slice(0, dot);
    }
    if (candidate === null) {
      unplaced.push(issue);
      continue;
    }
    const list = byPath.get(candidate);
    if (list) list.push(issue);
    else byPath.set(candidate, [issue]);
  }
  return { byPath, unplaced };
}

function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Turns validation issues (local or from the server) into what the form shows: operator wording
 * ("Must be a whole number", "Use letters, digits and . _ : - only") with the rule code and the
 * original message kept (`rule`, `detail`). A missing required value ("expected string, received
 * undefined", an enum's "expected one of ...") or an empty string (which would otherwise get both
 * "too small" and "invalid format") becomes one "Required" issue per field. Order is kept.
 */
export function friendlyIssues(issues: FieldIssue[], event: Record<string, unknown>): DisplayIssue[] {
  const out: DisplayIssue[] = [];
  const requiredDone = new Set<string>();
  for (const issue of issues) {
    const value = valueAt(event, issue.field);
    const missing = value === undefined && (issue.rule === 'invalid_type' || issue.rule === 'invalid_value');
    const empty = value === '' && issue.field !== '(root)';
    if (!missing && !empty) {
      out.push(toDisplayIssue(issue));
      continue;
    }
    if (requiredDone.has(issue.field)) continue;
    requiredDone.add(issue.field);
    out.push({ ...issue, message: 'Required', detail: issue.message });
  }
  return out;
}

/** The envelope's `drillid` rule (1..64 of letters, digits and `._:-`), from the event schema itself. */
const drillIdSchema = supplyChainEventSchema.options[0].shape.drillid.unwrap();

/** True when `drillid` (trimmed) is a drill id the server accepts; only then is the DRILL badge shown. */
export function isValidDrillId(drillid: string): boolean {
  const value = drillid.trim();
  return value !== '' && drillIdSchema.safeParse(value).success;
}

/** The order event that moves an order to each status. */
const EVENT_OF_STATUS: Record<OrderStatus, EventType> = {
  created: EVENT_TYPES.orderCreated,
  approved: EVENT_TYPES.orderApproved,
  picked: EVENT_TYPES.orderPicked,
  packed: EVENT_TYPES.orderPacked,
  shipped: EVENT_TYPES.orderShipped,
  delivered: EVENT_TYPES.orderDelivered,
  cancelled: EVENT_TYPES.orderCancelled,
};

/**
 * The event type "Inject event..." preselects on an entity page: for an order, the next lifecycle
 * step after its status (created -> approved -> picked -> packed -> shipped -> delivered); a
 * delivered or cancelled order has no next step, so its own final event is offered (a correction
 * or a late duplicate for a drill). For a shipment: a checkpoint.
 */
export function suggestedEventType(
  entity: { kind: 'order'; status: OrderStatus } | { kind: 'shipment' },
): EventType {
  if (entity.kind === 'shipment') return EVENT_TYPES.shipmentCheckpoint;
  const { status } = entity;
  if (status === 'delivered' || status === 'cancelled') return EVENT_OF_STATUS[status];
  const next = ORDER_STATUSES[ORDER_STATUSES.indexOf(status) + 1];
  return next ? EVENT_OF_STATUS[next] : EVENT_TYPES.orderApproved;
}

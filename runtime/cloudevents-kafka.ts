/**
 * The CloudEvents Kafka protocol binding, in one place: how an event becomes a Kafka record and
 * how a record becomes an event again. Spec: CloudEvents Kafka Protocol Binding 1.0
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md);
 * header names in `contracts/topics.ts` (`CLOUDEVENTS_KAFKA`, `EVENT_HEADERS`).
 *
 * **Writing: structured content mode** (section 3.3) with the JSON event format, because the
 * value already is the whole event (attributes and `data` together, as the API validated it):
 * - value: the event as JSON (3.3.2);
 * - header `content-type: application/cloudevents+json; charset=UTF-8` (3.3.1);
 * - key: the event's `subject` (a key mapper, section 3.1), so one entity stays in one partition;
 * - headers `sct-event-id`, `sct-event-type` (and `sct-drill-id` for drill traffic): copies for
 *   tools that look at headers only. They are not `ce_` names: section 3.3.3 lets structured
 *   mode carry binary-mode headers, and our old partial set (`ce_id`, `ce_type`, no
 *   `ce_specversion`, no `content-type`) made CloudEvents SDKs read the record as a broken
 *   binary-mode event.
 *
 * **Reading** follows the receiver rule of section 3:
 * 1. `content-type` starts with `application/cloudevents` (case-insensitive): structured mode.
 *    Only the JSON format (`application/cloudevents+json`) is read; another format (Avro, the
 *    batch format) is a poison record.
 * 2. Otherwise a `ce_specversion` header: **binary mode is accepted** (3.2), so records made by
 *    any CloudEvents SDK or connector are consumed. Every `ce_<name>` header is the attribute
 *    `<name>`, `content-type` is `datacontenttype` (3.2.1), the value is `data`, read as JSON (the
 *    only data content type our schemas define). The rebuilt event is validated by the same
 *    schema (`validateEvent`), so an unknown attribute or a missing one is refused as in
 *    structured mode.
 * 3. Otherwise neither mode. A record written before this binding (value = the whole event as
 *    JSON, headers `ce_id`/`ce_type`/`ce_drillid` or none) is read like structured mode, so the
 *    topics replay as they are; anything else is a poison record whose reason names both modes.
 * A record that cannot be read never disappears: the worker sends it to the dead-letter topic.
 */
import {
  CLOUDEVENTS_KAFKA,
  EVENT_HEADERS,
  LEGACY_EVENT_HEADERS,
  validateEvent,
  type SupplyChainEvent,
} from '../contracts';

/** Kafka record headers as kafkajs gives them (a repeated key comes as an array). */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** The parts of a Kafka record the binding reads. */
export interface RecordIn {
  value: Buffer | string | null;
  headers?: RecordHeaders;
}

/** How a record carries its event: see the module comment. `legacy` = neither mode. */
export type ContentMode = 'structured' | 'binary' | 'legacy' | 'unsupported';

/** Result of {@link decodeRecord}: the validated event, or why the record is poison. */
export type DecodedRecord =
  | { ok: true; event: SupplyChainEvent; mode: ContentMode }
  | { ok: false; error: string; eventId: string | null; eventType: string | null; mode: ContentMode };

/**
 * Serializes an event the way every producer in the project does: structured mode,
 * key = subject, `content-type: application/cloudevents+json; charset=UTF-8`, and the
 * {@link EVENT_HEADERS} copies of id, type and drill id.
 */
export function toKafkaMessage(event: SupplyChainEvent): {
  key: string;
  value: string;
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = {
    [CLOUDEVENTS_KAFKA.contentTypeHeader]: CLOUDEVENTS_KAFKA.structuredJsonContentType,
    [EVENT_HEADERS.id]: event.id,
    [EVENT_HEADERS.type]: event.type,
  };
  if (event.drillid) headers[EVENT_HEADERS.drillId] = event.drillid;
  return { key: event.subject, value: JSON.stringify(event), headers };
}

/**
 * The text of one header (UTF-8), or null when absent. A repeated header gives its last value,
 * as Kafka clients' "last header" lookups do.
 */
export function headerText(headers: RecordHeaders | undefined, name: string): string | null {
  const raw = headers?.[name];
  const one = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return one === undefined ? null : one.toString();
}

/** Every header as text (for copying a record's headers onto its dead letter). */
export function headersAsText(headers: RecordHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const text = headerText(headers, name);
    if (text !== null) out[name] = text;
  }
  return out;
}

/**
 * An event header by its current name ({@link EVENT_HEADERS}), else by its old one
 * ({@link LEGACY_EVENT_HEADERS}, also the binary-mode attribute header): null when neither.
 */
export function eventHeader(
  headers: RecordHeaders | undefined,
  which: 'id' | 'type' | 'drillId',
): string | null {
  return headerText(headers, EVENT_HEADERS[which]) ?? headerText(headers, LEGACY_EVENT_HEADERS[which]);
}

/** The content mode of a record, by the receiver rule of the binding's section 3. */
export function contentModeOf(headers: RecordHeaders | undefined): ContentMode {
  const contentType = headerText(headers, CLOUDEVENTS_KAFKA.contentTypeHeader);
  if (
    contentType !== null &&
    contentType.trim().toLowerCase().startsWith(CLOUDEVENTS_KAFKA.ceMediaTypePrefix)
  )
    return mediaType(contentType) === CLOUDEVENTS_KAFKA.structuredJson ? 'structured' : 'unsupported';
  if (headerText(headers, CLOUDEVENTS_KAFKA.binarySpecVersionHeader) !== null) return 'binary';
  return 'legacy';
}

const NEITHER_MODE = `mode: neither structured (no content-type ${CLOUDEVENTS_KAFKA.structuredJson} header) nor binary (no ${CLOUDEVENTS_KAFKA.binarySpecVersionHeader} header)`;

/**
 * Reads and validates one record as a supply-chain CloudEvent, in whichever content mode it
 * came (see the module comment). Never throws.
 * @returns the event (validated by `validateEvent`, the one schema), or the reason it is poison
 *   with the event id and type when the record names them
 */
export function decodeRecord(record: RecordIn): DecodedRecord {
  const mode = contentModeOf(record.headers);
  if (mode === 'binary') return decodeBinary(record);
  const text = valueText(record.value);
  const headerId = eventHeader(record.headers, 'id');
  const headerType = eventHeader(record.headers, 'type');
  if (mode === 'unsupported') {
    const contentType = headerText(record.headers, CLOUDEVENTS_KAFKA.contentTypeHeader);
    return {
      ok: false,
      mode,
      error: `unsupported CloudEvents event format: content-type ${contentType}; only ${CLOUDEVENTS_KAFKA.structuredJson} (structured mode, JSON event format) or binary mode is read`,
      eventId: headerId,
      eventType: headerType,
    };
  }
  const suffix = mode === 'legacy' ? `; ${NEITHER_MODE}` : '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      mode,
      error: `value is not JSON: ${(err as Error).message}${suffix}`,
      eventId: headerId,
      eventType: headerType,
    };
  }
  // Name the event in the dead letter even when it is invalid, if its JSON says what it is.
  const attrs = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const eventId = typeof attrs.id === 'string' ? attrs.id.slice(0, 200) : headerId;
  const eventType = typeof attrs.type === 'string' ? attrs.type.slice(0, 200) : headerType;
  return validated(json, mode, eventId, eventType, suffix);
}

/**
 * What a dead letter keeps as the record's payload: the value as text, except in binary mode,
 * where the event is rebuilt as structured JSON (attributes from the `ce_` headers, `data` from
 * the value) so that the parked payload is the whole event and can be re-driven.
 */
export function recordPayload(record: RecordIn): string {
  const text = valueText(record.value);
  if (contentModeOf(record.headers) !== 'binary') return text;
  const { attributes } = binaryAttributes(record.headers);
  let data: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') data = JSON.parse(text);
  } catch {
    // kept as text
  }
  return JSON.stringify({ ...attributes, data });
}

function decodeBinary(record: RecordIn): DecodedRecord {
  const mode: ContentMode = 'binary';
  const { attributes, problems } = binaryAttributes(record.headers);
  const eventId = typeof attributes.id === 'string' ? attributes.id.slice(0, 200) : null;
  const eventType = typeof attributes.type === 'string' ? attributes.type.slice(0, 200) : null;
  if (problems.length > 0)
    return {
      ok: false,
      mode,
      error: `invalid binary-mode headers: ${problems.join('; ')}`,
      eventId,
      eventType,
    };
  const text = valueText(record.value);
  const event: Record<string, unknown> = { ...attributes };
  if (text !== '') {
    try {
      event.data = JSON.parse(text);
    } catch (err) {
      return {
        ok: false,
        mode,
        error: `value is not JSON: ${(err as Error).message}; mode: binary (the value is the event data; only application/json data is defined)`,
        eventId,
        eventType,
      };
    }
  }
  return validated(event, mode, eventId, eventType, '; mode: binary');
}

/** Binary-mode attributes: `ce_<name>` headers, and `content-type` as `datacontenttype` (3.2.1). */
function binaryAttributes(headers: RecordHeaders | undefined): {
  attributes: Record<string, string>;
  problems: string[];
} {
  const attributes: Record<string, string> = {};
  const problems: string[] = [];
  const prefix = CLOUDEVENTS_KAFKA.binaryHeaderPrefix;
  for (const name of Object.keys(headers ?? {})) {
    if (!name.startsWith(prefix)) continue;
    const attribute = name.slice(prefix.length);
    const value = headerText(headers, name);
    if (value === null) continue;
    if (attribute === 'data' || attribute === 'data_base64')
      problems.push(`${name}: the event data is the record value in binary mode, never a header`);
    else attributes[attribute] = value;
  }
  const contentType = headerText(headers, CLOUDEVENTS_KAFKA.contentTypeHeader);
  if (contentType !== null) {
    if (attributes.datacontenttype !== undefined && attributes.datacontenttype !== contentType)
      problems.push(
        `ce_datacontenttype (${attributes.datacontenttype}) differs from content-type (${contentType})`,
      );
    attributes.datacontenttype = contentType;
  }
  return { attributes, problems };
}

function validated(
  input: unknown,
  mode: ContentMode,
  eventId: string | null,
  eventType: string | null,
  suffix: string,
): DecodedRecord {
  const result = validateEvent(input);
  if (result.ok) return { ok: true, event: result.event, mode };
  const detail = result.issues.map((i) => `${i.field}: ${i.rule} (${i.message})`).join('; ');
  return { ok: false, mode, error: `schema validation failed: ${detail}${suffix}`, eventId, eventType };
}

function valueText(value: Buffer | string | null): string {
  return value === null ? '' : value.toString();
}

/** The media type of a Content-Type value, without parameters, lowercase. */
function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

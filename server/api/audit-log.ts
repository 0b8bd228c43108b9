/**
 * The audit log (`audit_log`, contracts/audit.ts): one row per authenticated action that changes
 * something, naming the operator, role, sign-in method, action, reason, outcome and HTTP status.
 * Drill actions name their run and drill in `detail` (`runId`, `drillId`, `itemCount`).
 * Injections also store their events as index-aligned arrays (event id, type, subject, drill id
 * and where Kafka stored each; see db/migrations/1732960000400_audit-per-request.sql).
 *
 * Writing never throws: the action it records has happened (events are durable in Kafka), so a
 * failed audit write (PostgreSQL down) is logged with the ids, without secrets or payloads. Text
 * PostgreSQL cannot store (NUL, lone surrogates) is refused by the request schemas
 * (contracts/text.ts) before any action, and replaced by U+FFFD here should any still arrive, so
 * the row is written.
 */
import type { Readable } from 'node:stream';
import { AUDIT_CSV_HEADER } from '../../contracts/audit';
import type {
  AuditAction,
  AuditEntry,
  AuditExportQuery,
  AuditListQuery,
  AuditOutcome,
  AuditPage,
  InjectResult,
  Principal,
  SupplyChainEvent,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import type { Logger } from '../../runtime/logger';
import { csvStream, cursorBatches, type CsvCell } from './csv-export';

/** What one audit row says. */
export interface AuditRecord {
  principal: Principal;
  action: AuditAction;
  outcome: AuditOutcome;
  /** HTTP status of the answer. */
  status: number;
  reason?: string | null;
  detail?: Record<string, unknown>;
  /** Injections: the events (validated) and where Kafka stored each, index-aligned. */
  events?: { events: SupplyChainEvent[]; placed: InjectResult[] };
}

/**
 * `text` as PostgreSQL can store it in `text` and `jsonb`: NUL and unpaired UTF-16 surrogates
 * become U+FFFD. The request schemas already refuse them (contracts/text.ts); this is the second
 * line, because an audit row is written after its action happened (a re-drive is in Kafka) and
 * must not then fail on the text it records.
 */
export function storableText(text: string): string {
  // NUL is replaced by split/join: a regular expression naming it trips the control-character lint.
  return text
    .split('\u0000')
    .join('\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** {@link storableText} applied to every string (keys too) of a JSON-like value. */
function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
  return value;
}

/** Writes one audit row (its text made storable, {@link storableText}); logs (never throws) when it cannot. */
export async function recordAudit(pool: Pool, log: Logger, record: AuditRecord): Promise<void> {
  const events = record.events?.events ?? [];
  const placed = record.events?.placed ?? [];
  try {
    // One statement, one row: each array column is one bound parameter (values never enter the SQL text).
    await pool.query(
      `INSERT INTO audit_log
         (actor, role, auth_method, action, outcome, status, reason, detail,
          event_ids, event_types, subjects, drill_ids, kafka_topics, kafka_partitions, kafka_offsets)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb,
               $9::uuid[], $10::text[], $11::text[], $12::text[], $13::text[], $14::integer[], $15::bigint[])`,
      [
        storableText(record.principal.operator),
        record.principal.role,
        record.principal.method,
        record.action,
        record.outcome,
        record.status,
        record.reason == null ? null : storableText(record.reason),
        JSON.stringify(storableJson(record.detail ?? {})),
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => e.subject),
        events.map((e) => e.drillid ?? null),
        placed.map((r) => r.topic),
        placed.map((r) => r.partition),
        placed.map((r) => r.offset),
      ],
    );
  } catch (err) {
    log.error(
      {
        err: String(err),
        action: record.action,
        operator: record.principal.operator,
        eventIds: events.map((e) => e.id),
      },
      'audit log write failed',
    );
  }
}

/** The SELECT list of an audit row as {@link AuditEntry}. */
const AUDIT_COLUMNS = `id::int, recorded_at AS at, actor AS operator, role, auth_method AS method, action, reason,
  outcome, status, coalesce((detail->>'itemCount')::int, event_count) AS "itemCount",
  coalesce((SELECT array_agg(DISTINCT d ORDER BY d) FROM (SELECT unnest(drill_ids) UNION SELECT detail->>'drillId') x(d)
             WHERE d IS NOT NULL), '{}') AS "drillIds",
  detail`;

/**
 * The WHERE clause of the audit filters (contracts/audit.ts) with its parameters `$1..$6`. A drill
 * id matches a row whose events carry it, or a drill action (run, pause, purge) whose detail
 * names it (`detail.drillId`). `from` is inclusive, `to` exclusive.
 */
export function auditFilterSql(q: AuditExportQuery): { where: string; params: unknown[] } {
  return {
    where: `($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
      AND ($3::text IS NULL OR $3 = ANY(drill_ids) OR detail->>'drillId' = $3)
      AND ($4::text IS NULL OR outcome = $4)
      AND ($5::timestamptz IS NULL OR recorded_at >= $5) AND ($6::timestamptz IS NULL OR recorded_at < $6)`,
    params: [
      q.operator ?? null,
      q.action ?? null,
      q.drillId ?? null,
      q.outcome ?? null,
      q.from ?? null,
      q.to ?? null,
    ],
  };
}

/** One page of the audit log, newest first, filtered (operator, action, drill id, outcome, time range). */
export async function listAudit(pool: Pool, q: AuditListQuery): Promise<AuditPage> {
  const { where, params } = auditFilterSql(q);
  const [items, total] = await Promise.all([
    pool.query<AuditEntry>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT $7 OFFSET $8`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`, params),
  ]);
  return { items: items.rows, total: total.rows[0]!.n, page: q.page, pageSize: q.pageSize };
}

/** The error code a refused or failed action recorded (`detail.error`), or null. */
function errorOf(e: AuditEntry): string | null {
  const error = e.detail['error'];
  return typeof error === 'string' && error !== '' ? error : null;
}

/** The CSV columns, in the order of {@link AUDIT_CSV_HEADER}. */
const AUDIT_CSV_COLUMNS: readonly (readonly [
  (typeof AUDIT_CSV_HEADER)[number],
  (e: AuditEntry) => CsvCell,
])[] = [
  ['id', (e) => e.id],
  ['recorded_at', (e) => new Date(e.at).toISOString()],
  ['operator', (e) => e.operator],
  ['role', (e) => e.role],
  ['auth_method', (e) => e.method],
  ['action', (e) => e.action],
  ['outcome', (e) => e.outcome],
  ['status', (e) => e.status],
  ['item_count', (e) => e.itemCount],
  ['drill_ids', (e) => e.drillIds.join(' ')],
  ['reason', (e) => e.reason],
  ['error', errorOf],
];

/**
 * Every audit row matching the filters as a CSV text stream (header {@link AUDIT_CSV_HEADER}),
 * newest first, read through a cursor in one snapshot (csv-export.ts).
 */
export function auditCsvStream(pool: Pool, q: AuditExportQuery): Readable {
  const { where, params } = auditFilterSql(q);
  const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where} ORDER BY id DESC`;
  return csvStream(cursorBatches<AuditEntry>(pool, sql, params), AUDIT_CSV_COLUMNS);
}

/**
 * The audit log: one row per authenticated action that changes something (sign-in, sign-out,
 * injection, re-drive, and later drill runs and purges), naming the operator, the role and the
 * way they signed in, the action, the reason given, and the outcome. Failed sign-ins are logged
 * by the server (process log) and rate-limited, not stored here: an unauthenticated request
 * changes nothing.
 *
 * Routes: `GET /api/audit` {@link auditListQuerySchema} -> {@link AuditPage} (newest first), and
 * `GET /api/audit/export.csv` {@link auditExportQuerySchema} -> every matching row as CSV
 * ({@link AUDIT_CSV_HEADER}), with the same filters (operator, action, drill id, outcome, time range).
 */
import { z } from 'zod';
import { pageOf, pageQueryFields } from './paging';
import { AUTH_METHODS, ROLES } from './auth';
import { instantSchema } from './events';
import { shortText } from './text';

/** What was done. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'events.inject',
  'dead_letters.redrive',
  'drills.start',
  'drills.pause',
  'drills.resume',
  'drills.stop',
  'drills.note',
  'drills.purge',
  'settings.update',
  'outbox.discard',
  /** `POST /api/settings/test`: which services the given settings reached (addresses without passwords). */
  'settings.test',
  /** `npm run operator` (method `cli`, operator `os:<user>`): account changes, never the password itself. */
  'operators.add',
  'operators.set_role',
  'operators.disable',
  'operators.enable',
  'operators.passwd',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * `ok`: done; `partial`: some items done (a re-drive with rejected keys); `rejected`: refused
 * (4xx); `failed`: a service failed (5xx); `queued`: an injection kept in the offline outbox while
 * Kafka was unreachable (its delivery is a later `events.inject` row with `ok`).
 */
export const AUDIT_OUTCOMES = ['ok', 'partial', 'rejected', 'failed', 'queued'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One audit row. Injections also carry their events (index-aligned arrays, see the migration). */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  /** When it was recorded (RFC 3339 UTC). */
  at: z.string(),
  operator: z.string(),
  role: z.enum(ROLES),
  method: z.enum(AUTH_METHODS),
  action: z.enum(AUDIT_ACTIONS),
  reason: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** HTTP status the request was answered with. */
  status: z.number().int(),
  /** Number of events (injections) or dead letters (re-drives) the action named. */
  itemCount: z.number().int(),
  /** Distinct drill ids among the events (empty for live traffic). */
  drillIds: z.array(z.string()),
  /** Short description: first event ids, error code, ... */
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = pageOf(auditEntrySchema);
export type AuditPage = z.infer<typeof auditPageSchema>;

/**
 * The audit filters, shared by the list and the CSV export. All optional, combined with AND:
 * `operator` exact username; `action`; `drillId` a drill id among the row's events (or the drill
 * a drill action names); `outcome`; `from`/`to` RFC 3339 instants, `from` inclusive, `to` exclusive.
 */
const auditFilterShape = {
  operator: shortText(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  drillId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed')
    .optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
};

/** A time range whose end is before its start is a client error naming `to`. */
function checkAuditRange(
  q: { from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (q.from && q.to && Date.parse(q.to) < Date.parse(q.from))
    ctx.addIssue({
      code: 'custom',
      message: 'must be on or after from',
      path: ['to'],
      params: { rule: 'date_range' },
    });
}

/** Query of the audit list. */
export const auditListQuerySchema = z
  .strictObject({ ...auditFilterShape, ...pageQueryFields })
  .superRefine(checkAuditRange);
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

/** Query of the audit CSV export: the list's filters, no paging (every matching row). */
export const auditExportQuerySchema = z.strictObject(auditFilterShape).superRefine(checkAuditRange);
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;

/** `GET /api/audit/export.csv` answer: `text/csv` (RFC 4180, header row first), described for OpenAPI. */
export const auditCsvSchema = z.string().meta({
  description: 'text/csv; one header row, then one row per matching audit entry, newest first',
});

/** The columns of the audit CSV export, in order (instants RFC 3339 UTC; lists joined with a space). */
export const AUDIT_CSV_HEADER = [
  'id',
  'recorded_at',
  'operator',
  'role',
  'auth_method',
  'action',
  'outcome',
  'status',
  'item_count',
  'drill_ids',
  'reason',
  'error',
] as const;

/**
 * The audit log: one row per authenticated action that changes something (sign-in, sign-out,
 * injection, re-drive, and later drill runs and purges), naming the operator, the role and the
 * way they signed in, the action, the reason given, and the outcome. Failed sign-ins are logged
 * by the server (process log) and rate-limited, not stored here: an unauthenticated request
 * changes nothing.
 *
 * Route: `GET /api/audit` {@link auditListQuerySchema} -> {@link AuditPage} (newest first).
 */
import { z } from 'zod';
import { pageOf, pageQueryFields } from './paging';
import { AUTH_METHODS, ROLES } from './auth';

/** What was done. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'events.inject',
  'dead_letters.redrive',
  'settings.update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `ok`: done; `partial`: some items done (a re-drive with rejected keys); `rejected`: refused (4xx); `failed`: a service failed (5xx). */
export const AUDIT_OUTCOMES = ['ok', 'partial', 'rejected', 'failed'] as const;
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

/** Query of the audit list. */
export const auditListQuerySchema = z.strictObject({
  operator: z.string().min(1).max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  ...pageQueryFields,
});
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;

/**
 * Access control shared by the API and the console: operator roles, what each role may do, and
 * the sign-in API. Environment-neutral (zod only).
 *
 * Who can call the API (every `/api` route except `POST /api/auth/login` needs one of these):
 * - an **operator session**: a named operator account (created with `npm run operator -- add`)
 *   signed in with username and password; the answer carries an opaque session token sent as
 *   `Authorization: Bearer <token>` until it expires or the operator signs out;
 * - the **machine token** (headless `#token=` link, or the desktop window's per-window secret):
 *   the bootstrap for a single-user machine. Its holder is the OS user that started the console,
 *   with the `owner` role, and the audit log says so (`method` `token` or `desktop`).
 *
 * Roles (DESIGN.md "Access"): `viewer` reads; `supervisor` also injects events (real or drill) and
 * re-drives dead letters; `drill_lead` reads, injects drill events only (events carrying a
 * `drillid`) and runs and purges drills. `owner` may do everything and is never assigned to an
 * operator account.
 */
import { z } from 'zod';
import { plainText, shortText } from './text';

/** Roles an operator account can have. */
export const OPERATOR_ROLES = ['viewer', 'supervisor', 'drill_lead'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Every role a caller can act with: the operator roles plus `owner` (machine token / desktop). */
export const ROLES = [...OPERATOR_ROLES, 'owner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route or an action needs:
 * - `read`: every query (lists, details, KPIs, health, dead letters, the live stream);
 * - `inject`: publish events of live (real) traffic;
 * - `inject_drill`: publish events that carry a `drillid` (drill traffic);
 * - `redrive`: re-publish dead letters;
 * - `drills`: run, pause, stop and purge drill scenarios;
 * - `configure`: test connections to other servers and change the stack settings (the machine
 *   owner only: a connection test reaches any address the console's machine can).
 */
export const PERMISSIONS = ['read', 'inject', 'inject_drill', 'redrive', 'drills', 'configure'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The role matrix (README "Roles"; a test checks each role against each route). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  supervisor: ['read', 'inject', 'inject_drill', 'redrive'],
  drill_lead: ['read', 'inject_drill', 'drills'],
  owner: PERMISSIONS,
};

/** Human names of the roles, for the console and the CLI. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  viewer: 'Viewer',
  supervisor: 'Supervisor',
  drill_lead: 'Drill lead',
  owner: 'Machine owner',
};

/** True when `role` grants `permission`. */
export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/**
 * How a caller proved who it is: `session` (operator sign-in), `token` (the headless machine
 * token), `desktop` (the desktop window's per-window secret, handed over by the preload), `cli`
 * (a command line run by an OS user with access to the database: `npm run operator`).
 */
export const AUTH_METHODS = ['session', 'token', 'desktop', 'cli'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Who is calling: what `GET /api/auth/session` answers and every audit row records. */
export const principalSchema = z.object({
  /** Operator username, or `os:<user>` for the machine token and the desktop window. */
  operator: z.string(),
  /** Name to show (the operator's display name, or the OS user). */
  displayName: z.string(),
  role: z.enum(ROLES),
  method: z.enum(AUTH_METHODS),
  /** When the session ends (RFC 3339 UTC); null for the machine token (valid while the process runs). */
  expiresAt: z.string().nullable(),
});
export type Principal = z.infer<typeof principalSchema>;

/** Operator usernames: 2..40 characters, lowercase letters, digits and `._-`, starting with a letter. */
export const usernameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9._-]{1,39}$/,
    'must be 2..40 lowercase letters, digits, . _ or -, starting with a letter',
  );

/** A new password: 12..256 characters (NIST SP 800-63B: length over composition rules). */
export const newPasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

/** `POST /api/auth/login` body. The password is checked, never validated for strength here. */
export const loginRequestSchema = z.strictObject({
  username: shortText(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** Prefix of operator session tokens: tells them from the machine token (and lets secret scanners find them). */
export const SESSION_TOKEN_PREFIX = 'scts_';

/** `POST /api/auth/login` answer (200): the bearer token of the new session and who it is. */
export const loginResultSchema = z.object({ token: z.string(), principal: principalSchema });
export type LoginResult = z.infer<typeof loginResultSchema>;

/**
 * Why a destructive action is done (purge, replay, re-drive of many, discard): 3..500
 * characters, recorded in the audit log.
 */
export const reasonSchema = plainText(
  z
    .string()
    .trim()
    .min(3, 'must say why, in at least 3 characters')
    .max(500, 'must be at most 500 characters'),
);

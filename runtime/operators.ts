/**
 * Operator accounts in PostgreSQL (`operators`, db/migrations/...700_operators-and-audit-log.sql):
 * create, list, change role, disable, reset password. Used by `npm run operator` and by the API's
 * sign-in. Passwords are hashed with scrypt (runtime/passwords.ts) and never leave this module
 * in any other form.
 */
import {
  newPasswordSchema,
  OPERATOR_ROLES,
  shortText,
  usernameSchema,
  type OperatorRole,
} from '../contracts';
import type { z } from 'zod';
import type { Pool } from './db';
import { hashPassword } from './passwords';

/** An operator account as listed (no password hash). */
export interface Operator {
  username: string;
  displayName: string;
  role: OperatorRole;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An operator account with its stored password hash, for the sign-in check only. */
export interface OperatorCredentials extends Operator {
  passwordHash: string;
}

/** Bad input to an operator command; the message names the field and the rule. */
export class OperatorInputError extends Error {
  override name = 'OperatorInputError';
}

const COLUMNS = `username, display_name AS "displayName", role, disabled,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

function check<T>(field: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new OperatorInputError(`${field} ${r.error.issues[0]?.message ?? 'is invalid'}`);
  return r.data;
}

/**
 * Checks a new account's username and role before anything else is asked (the CLI checks them
 * before prompting for a password).
 * @throws OperatorInputError naming the field and the rule
 */
export function checkNewOperator(input: { username: string; role: string }): void {
  check('username', usernameSchema, input.username);
  checkRole(input.role);
}

function checkRole(role: string): OperatorRole {
  if (!(OPERATOR_ROLES as readonly string[]).includes(role)) {
    throw new OperatorInputError(`role must be one of ${OPERATOR_ROLES.join(', ')} (got "${role}")`);
  }
  return role as OperatorRole;
}

/**
 * Creates an operator account.
 * @throws OperatorInputError for an invalid username, role, display name or password, or a
 *   username that exists already
 */
export async function createOperator(
  pool: Pool,
  input: { username: string; displayName?: string; role: string; password: string },
  hashCost?: Parameters<typeof hashPassword>[1],
): Promise<Operator> {
  const username = check('username', usernameSchema, input.username);
  const role = checkRole(input.role);
  const password = check('password', newPasswordSchema, input.password);
  const displayName = (input.displayName ?? username).trim();
  if (displayName.length < 1 || displayName.length > 100)
    throw new OperatorInputError('display name must be 1..100 characters');
  // The rule of every free text (contracts/events.ts): a name is printed to terminals and screens.
  if (!shortText(100).safeParse(displayName).success || /[\t\n\r]/.test(displayName))
    throw new OperatorInputError(
      'display name must not contain control characters (tabs and line breaks included)',
    );
  const hash = await hashPassword(password, hashCost);
  const { rows } = await pool.query<Operator>(
    `INSERT INTO operators (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [username, displayName, role, hash],
  );
  if (!rows[0]) throw new OperatorInputError(`username "${username}" exists already`);
  return rows[0];
}

/** Every operator account, by username. */
export async function listOperators(pool: Pool): Promise<Operator[]> {
  const { rows } = await pool.query<Operator>(`SELECT ${COLUMNS} FROM operators ORDER BY username`);
  return rows;
}

/** One account with its password hash, or null when the username does not exist. */
export async function findOperatorCredentials(
  pool: Pool,
  username: string,
): Promise<OperatorCredentials | null> {
  const { rows } = await pool.query<OperatorCredentials>(
    `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM operators WHERE username = $1`,
    [username],
  );
  return rows[0] ?? null;
}

/**
 * Changes an account: role, disabled flag, display name or password. Disabling an account or
 * changing its password or role ends its sessions (a changed role takes effect at the next sign-in).
 * @throws OperatorInputError for invalid values or an unknown username
 */
export async function updateOperator(
  pool: Pool,
  username: string,
  change: { role?: string; disabled?: boolean; displayName?: string; password?: string },
  hashCost?: Parameters<typeof hashPassword>[1],
): Promise<Operator> {
  const role = change.role === undefined ? null : checkRole(change.role);
  const hash =
    change.password === undefined
      ? null
      : await hashPassword(check('password', newPasswordSchema, change.password), hashCost);
  const displayName = change.displayName?.trim() ?? null;
  if (displayName !== null && (displayName.length < 1 || displayName.length > 100))
    throw new OperatorInputError('display name must be 1..100 characters');
  const { rows } = await pool.query<Operator>(
    `WITH changed AS (
       UPDATE operators SET role = coalesce($2, role), disabled = coalesce($3, disabled),
              display_name = coalesce($4, display_name), password_hash = coalesce($5, password_hash),
              updated_at = now()
        WHERE username = $1 RETURNING *),
     ended AS (
       UPDATE operator_sessions s SET ended_at = now() FROM changed
        WHERE s.username = changed.username AND s.ended_at IS NULL
          AND ($2::text IS NOT NULL OR $3::boolean IS TRUE OR $5::text IS NOT NULL))
     SELECT ${COLUMNS} FROM changed`,
    [username, role, change.disabled ?? null, displayName, hash],
  );
  if (!rows[0]) throw new OperatorInputError(`no operator "${username}"`);
  return rows[0];
}

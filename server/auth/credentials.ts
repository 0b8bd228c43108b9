/**
 * Who is calling: reads the `Authorization` header and resolves it to a {@link Principal}.
 *
 * The header is `Bearer <token>`; the scheme is matched case-insensitively (RFC 9110 §11.1:
 * "It uses a case-insensitive token to identify the authentication scheme"; RFC 6750 §2.1 for
 * the bearer scheme itself). The token is either the machine token (compared in constant time)
 * or an operator session token (contracts/auth.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../contracts';
import type { SessionStore } from './sessions';

/** RFC 6750 b64token: the characters a bearer token may have. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of a `Bearer` authorization header, or null when there is none or it is malformed. */
export function parseBearer(header: string | undefined): string | null {
  if (!header || header.length > 1024) return null;
  const match = BEARER.exec(header);
  return match ? match[1]! : null;
}

/** Constant-time comparison of two strings (false for different lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface CredentialCheck {
  /** The machine token (headless `#token=` link or the desktop's per-window secret). */
  machineToken: string;
  /** Who holds the machine token: the OS user, as `owner`, with method `token` or `desktop`. */
  machinePrincipal: Principal;
  sessions: SessionStore;
}

/**
 * Resolves an `Authorization` header to the caller, or null when it names nobody (missing,
 * malformed, wrong, expired or ended).
 * @throws whatever PostgreSQL throws while a session token is looked up
 */
export async function authenticate(
  check: CredentialCheck,
  header: string | undefined,
): Promise<Principal | null> {
  const token = parseBearer(header);
  if (token === null) return null;
  if (sameSecret(token, check.machineToken)) return check.machinePrincipal;
  return check.sessions.resolve(token);
}

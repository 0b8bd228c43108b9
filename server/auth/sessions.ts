/**
 * Operator sign-in sessions: opaque bearer tokens (`scts_` + 256 random bits, base64url) whose
 * SHA-256 is stored in `operator_sessions`. A session ends at its absolute expiry (a shift:
 * 12 h by default), after an idle time without requests (1 h by default), at sign-out, or when
 * its operator is disabled, re-roled or gets a new password (runtime/operators.ts).
 *
 * Resolving a token costs one PostgreSQL round trip at most every {@link SessionOptions.recheckMs}
 * per session (5 s by default): between checks the answer is kept in memory, so a session ended
 * by another process (the operator CLI) stops working within that time, and one ended here
 * (sign-out) at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SESSION_TOKEN_PREFIX, type Principal } from '../../contracts';
import type { Pool } from '../../runtime/db';
import type { Operator } from '../../runtime/operators';

export interface SessionOptions {
  /** Absolute lifetime of a session in ms (default 12 h). */
  ttlMs: number;
  /** A session unused for this long (ms) ends (default 1 h). */
  idleMs: number;
  /** How long a resolved session is trusted before PostgreSQL is asked again (ms, default 5 s). */
  recheckMs: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  ttlMs: 12 * 3_600_000,
  idleMs: 3_600_000,
  recheckMs: 5_000,
};

interface CachedSession {
  principal: Principal;
  checkedAt: number;
  expiresAt: number;
}

function sha256(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Creates, resolves and ends sessions. One per API server. */
export class SessionStore {
  private readonly cache = new Map<string, CachedSession>();
  private readonly options: SessionOptions;

  /** How long a resolved session is trusted before PostgreSQL is asked again (ms). */
  get recheckMs(): number {
    return this.options.recheckMs;
  }

  constructor(
    private readonly pool: Pool,
    options: Partial<SessionOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_SESSION_OPTIONS, ...options };
  }

  /** Starts a session for a signed-in operator; returns its bearer token and principal. */
  async create(operator: Operator): Promise<{ token: string; principal: Principal }> {
    const token = SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<{ expiresAt: string }>(
      `INSERT INTO operator_sessions (token_sha256, username, expires_at)
       VALUES ($1, $2, now() + $3 * interval '1 millisecond') RETURNING expires_at AS "expiresAt"`,
      [sha256(token), operator.username, this.options.ttlMs],
    );
    const principal: Principal = {
      operator: operator.username,
      displayName: operator.displayName,
      role: operator.role,
      method: 'session',
      expiresAt: rows[0]!.expiresAt,
    };
    this.remember(token, principal);
    return { token, principal };
  }

  /**
   * The principal of a live session, or null for an unknown, ended, expired or idle one (and for
   * anything that is not a session token, without a database round trip).
   */
  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX) || token.length > 100) return null;
    const key = sha256(token).toString('hex');
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && now - cached.checkedAt < this.options.recheckMs && now < cached.expiresAt) {
      return cached.principal;
    }
    this.cache.delete(key);
    // One statement: the session is live (not ended, not expired, not idle, operator enabled)
    // and, if so, its last use moves to now.
    const { rows } = await this.pool.query<{
      username: string;
      displayName: string;
      role: Principal['role'];
      expiresAt: string;
    }>(
      `UPDATE operator_sessions s SET last_seen_at = now()
         FROM operators o
        WHERE s.token_sha256 = $1 AND o.username = s.username AND NOT o.disabled
          AND s.ended_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - $2 * interval '1 millisecond'
        RETURNING o.username, o.display_name AS "displayName", o.role, s.expires_at AS "expiresAt"`,
      [sha256(token), this.options.idleMs],
    );
    const row = rows[0];
    if (!row) return null;
    const principal: Principal = {
      operator: row.username,
      displayName: row.displayName,
      role: row.role,
      method: 'session',
      expiresAt: row.expiresAt,
    };
    this.remember(token, principal);
    return principal;
  }

  /** Ends a session (sign-out). Unknown tokens are ignored. */
  async end(token: string): Promise<void> {
    this.cache.delete(sha256(token).toString('hex'));
    await this.pool.query(
      'UPDATE operator_sessions SET ended_at = now() WHERE token_sha256 = $1 AND ended_at IS NULL',
      [sha256(token)],
    );
  }

  private remember(token: string, principal: Principal): void {
    if (this.cache.size > 10_000) this.cache.clear(); // bounded: a flood of sign-ins cannot grow it
    this.cache.set(sha256(token).toString('hex'), {
      principal,
      checkedAt: this.now(),
      expiresAt: principal.expiresAt ? Date.parse(principal.expiresAt) : Number.POSITIVE_INFINITY,
    });
  }
}

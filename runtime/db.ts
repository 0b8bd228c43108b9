/**
 * PostgreSQL access: a pool with named connection errors, transactions, and the migration runner.
 * All SQL in the project is parameterized ($1...); ids and filters are never spliced into text.
 */
import path from 'node:path';
import pg from 'pg';
import { findRepoRoot, redactUrl, type AppConfig } from './config';
import { ServiceUnavailableError } from './service-errors';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// Return `date` columns as 'YYYY-MM-DD' strings (calendar days) instead of local-midnight Dates,
// timestamptz as UTC ISO strings, and bigint (int8) as JS numbers: offsets and durations in this project stay below 2^53.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(20, (v: string) => Number(v));
// timestamptz as UTC ISO strings ('2024-01-02T03:04:05.000Z'): the form every module compares.
const parseTimestamptz = pg.types.getTypeParser(1184) as (v: string) => Date;
pg.types.setTypeParser(1184, (v: string) => timestamptzToIso(v));

/**
 * PostgreSQL's text form of a timestamptz (`2024-01-02 00:04:05.123456+01`, e.g. `col::text`
 * inside a JSON aggregate) to the UTC ISO string every timestamptz column is read as
 * (`2024-01-02T03:04:05.123Z`, milliseconds): the same parser as for columns.
 */
export function timestamptzToIso(text: string): string {
  return parseTimestamptz(text).toISOString();
}

/**
 * A pool on `databaseUrl`; `max` connections (default 5).
 * @param schema when set, every connection works in that schema (`search_path`): replays use it
 */
export function createPool(config: Pick<AppConfig, 'databaseUrl'>, max = 5, schema?: string): Pool {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max,
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  return pool;
}

/**
 * Checks that PostgreSQL answers.
 * @throws ServiceUnavailableError naming the address (without password)
 */
export async function pingPostgres(pool: Pool, databaseUrl: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    throw new ServiceUnavailableError('postgres', redactUrl(databaseUrl), (err as Error).message);
  }
}

/**
 * Runs `work` in one READ COMMITTED transaction: commit on success, rollback on any error.
 * @param timeouts when given, `lock_timeout` and `statement_timeout` for this transaction only
 *   (`SET LOCAL`), sent with `BEGIN` in the same round trip: a statement over a bound fails with
 *   55P03 or 57014 ({@link classifyPgError}: `lock_wait`)
 * @throws whatever `work` throws, after rollback
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  timeouts?: BatchTimeouts,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client emits 'error' when the server drops the connection (restart, admin
  // kill); unheard, that event would crash the process. The pending query rejects anyway.
  const onError = () => undefined;
  client.on('error', onError);
  let broken = false;
  try {
    await client.query(timeouts ? beginWithTimeouts(timeouts) : 'BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    broken = classifyPgError(err) === 'unavailable';
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken); // a dead connection is destroyed, not returned to the pool
  }
}

/**
 * What a PostgreSQL (or pg driver) error means for the caller:
 * - `unavailable`: the server is unreachable, restarting or out of connections (class 08,
 *   57P01-57P03, 53300, socket errors): wait until it is back;
 * - `conflict`: deadlock_detected (40P01) or serialization_failure (40001): the transaction lost
 *   a race and may simply be retried;
 * - `lock_wait`: lock_not_available (55P03, `lock_timeout` or NOWAIT) or query_canceled (57014,
 *   `statement_timeout`): a statement waited longer than its bound, typically on a row lock held
 *   by another session; retry with backoff;
 * - `other`: anything else (bad data, a bug): not transient.
 * None of the first three is the event's fault: a worker never dead-letters an event for them.
 * This is the project's one PostgreSQL error classifier; add new codes here.
 */
export type PgErrorKind = 'unavailable' | 'conflict' | 'lock_wait' | 'other';

const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONFLICT_PG_CODES = new Set(['40001', '40P01']);
const LOCK_WAIT_PG_CODES = new Set(['55P03', '57014']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** Classifies an error thrown by `pg` (see {@link PgErrorKind}); never throws. */
export function classifyPgError(err: unknown): PgErrorKind {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (CONFLICT_PG_CODES.has(code)) return 'conflict';
  if (LOCK_WAIT_PG_CODES.has(code)) return 'lock_wait';
  if (code.startsWith('08') || UNAVAILABLE_PG_CODES.has(code) || SOCKET_CODES.has(code)) return 'unavailable';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(
      message,
    )
  )
    return 'unavailable';
  return 'other';
}

/**
 * True only for errors that say PostgreSQL is unreachable or restarting ({@link classifyPgError}
 * `unavailable`). A deadlock, a serialization failure or a lock wait is NOT an outage: it is
 * retried (workers) or answered "busy, retry" (API), and its connection stays usable.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return classifyPgError(err) === 'unavailable';
}

/** Bounds of the statements in one worker batch transaction (ms). */
export interface BatchTimeouts {
  /** `lock_timeout`: longest wait for one lock (a row locked by another session). */
  lockTimeoutMs: number;
  /** `statement_timeout`: longest run of one statement, lock waits included. */
  statementTimeoutMs: number;
}

/**
 * Production bounds: a batch statement normally takes milliseconds and waits on the other
 * partitions' transactions for less than that; a wait of 2 s means someone else holds the lock.
 */
export const DEFAULT_BATCH_TIMEOUTS: BatchTimeouts = { lockTimeoutMs: 2_000, statementTimeoutMs: 30_000 };

/**
 * Batch bounds from `SCT_DB_LOCK_TIMEOUT_MS` and `SCT_DB_STATEMENT_TIMEOUT_MS` (milliseconds,
 * positive integers), each defaulting to {@link DEFAULT_BATCH_TIMEOUTS}.
 * @throws Error naming the variable when a value is not a positive integer
 */
export function batchTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): BatchTimeouts {
  const read = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive whole number of milliseconds, got "${raw}"`);
    return value;
  };
  return {
    lockTimeoutMs: read('SCT_DB_LOCK_TIMEOUT_MS', DEFAULT_BATCH_TIMEOUTS.lockTimeoutMs),
    statementTimeoutMs: read('SCT_DB_STATEMENT_TIMEOUT_MS', DEFAULT_BATCH_TIMEOUTS.statementTimeoutMs),
  };
}

/**
 * `BEGIN` and the transaction's bounds as one simple-protocol query (several statements, no
 * parameters: the bounds are whole milliseconds written into the text), so bounding a batch costs
 * no round trip of its own.
 * @throws RangeError when a bound is not a positive number of milliseconds
 */
export function beginWithTimeouts(timeouts: BatchTimeouts): string {
  const ms = (name: string, value: number): number => {
    const rounded = Math.round(value);
    if (!Number.isFinite(rounded) || rounded <= 0)
      throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
    return rounded;
  };
  return (
    `BEGIN; SET LOCAL lock_timeout = ${ms('lockTimeoutMs', timeouts.lockTimeoutMs)}; ` +
    `SET LOCAL statement_timeout = ${ms('statementTimeoutMs', timeouts.statementTimeoutMs)}`
  );
}

/** Folder of the versioned SQL migrations (`db/migrations`), resolved from the repo root. */
export function migrationsDir(repoRoot = findRepoRoot()): string {
  return path.join(repoRoot, 'db', 'migrations');
}

/**
 * Creates the database named in `databaseUrl` if missing (connecting to the `postgres` database),
 * then applies pending migrations (node-pg-migrate, advisory-locked, so concurrent callers are
 * safe).
 * @param dir folder of the SQL migrations (see {@link migrationsDir})
 * @param schema target schema (created when missing); the default search path when omitted
 * @throws ServiceUnavailableError when PostgreSQL is not reachable
 */
export async function migrate(
  config: Pick<AppConfig, 'databaseUrl'>,
  dir: string,
  schema?: string,
): Promise<void> {
  await createDatabaseIfMissing(config.databaseUrl);
  const { runner } = await import('node-pg-migrate');
  try {
    await runner({
      databaseUrl: config.databaseUrl,
      dir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      advisoryLockMode: 'wait', // the main process and several workers may start together
      ...(schema ? { schema, createSchema: true } : {}),
      count: Infinity,
      log: () => undefined,
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|connect/i.test(e.message)) {
      throw new ServiceUnavailableError('postgres', redactUrl(config.databaseUrl), e.message);
    }
    throw err;
  }
}

/**
 * Advisory-lock namespace (first key of `pg_advisory_lock(int, int)`) for creating a database;
 * the second key is `hashtext(<database name>)`.
 */
const CREATE_DATABASE_LOCK = 0x5c7db;

/**
 * True when CREATE DATABASE failed because the database exists: 42P04 (duplicate_database), or
 * 23505 on `pg_database`'s name index, which a creator racing another one's commit gets instead.
 */
export function isDatabaseAlreadyExists(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (e?.code === '42P04') return true;
  return (
    e?.code === '23505' &&
    (e.constraint === 'pg_database_datname_index' || /pg_database_datname_index/.test(e.message ?? ''))
  );
}

/**
 * Creates the target database when it does not exist yet. Safe when any number of processes
 * start together: they serialize on a session advisory lock in the maintenance database
 * (`postgres`; the target cannot hold a lock before it exists), and "already exists" from a
 * creator outside that lock counts as success (see {@link isDatabaseAlreadyExists}).
 * @throws ServiceUnavailableError when PostgreSQL is not reachable; other errors (e.g. no CREATEDB privilege) as they are
 */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const dbName = decodeURIComponent(url.pathname.slice(1));
  if (!dbName) return;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // a dropped connection rejects the pending query instead
  try {
    await client.connect();
  } catch (err) {
    throw new ServiceUnavailableError('postgres', redactUrl(databaseUrl), (err as Error).message);
  }
  try {
    const exists = async () =>
      ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount ?? 0) > 0;
    if (await exists()) return; // the usual case: no lock needed
    // Released by pg_advisory_unlock, or at the latest when this session ends.
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [CREATE_DATABASE_LOCK, dbName]);
    if (await exists()) return; // created by the holder before us
    // CREATE DATABASE takes no bind parameters: quote the identifier instead.
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`).catch((err: unknown) => {
      if (!isDatabaseAlreadyExists(err)) throw err; // created concurrently outside the lock
    });
  } catch (err) {
    if (isDatabaseUnavailable(err))
      throw new ServiceUnavailableError('postgres', redactUrl(databaseUrl), (err as Error).message);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops a database (tests). Terminates its connections first. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const dbName = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The repo (or installed app) root; see {@link findRepoRoot} in config.ts (re-exported here). */
export { findRepoRoot };

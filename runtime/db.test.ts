import { describe, expect, it } from 'vitest';
import {
  batchTimeoutsFromEnv,
  classifyPgError,
  beginWithTimeouts,
  DEFAULT_BATCH_TIMEOUTS,
  isDatabaseAlreadyExists,
  isDatabaseUnavailable,
} from './db';

describe('isDatabaseUnavailable', () => {
  it('recognises connection loss and restarts, not data errors', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error('null value in column "status"'), { code: '23502' })),
    ).toBe(false);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }),
      ),
    ).toBe(false);
  });

  it('never calls a deadlock or a serialization failure an outage (one classifier decides)', () => {
    for (const code of ['40P01', '40001']) {
      const err = Object.assign(new Error('deadlock detected'), { code });
      expect(isDatabaseUnavailable(err), code).toBe(false);
      expect(classifyPgError(err), code).toBe('conflict');
    }
  });
});

describe('classifyPgError', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it('tells outages, conflicts, bounded lock waits and other errors apart', () => {
    expect(classifyPgError(pgError('57P01'))).toBe('unavailable');
    expect(classifyPgError(pgError('08006'))).toBe('unavailable');
    expect(classifyPgError(pgError('ECONNRESET'))).toBe('unavailable');
    expect(classifyPgError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(classifyPgError(pgError('40P01'))).toBe('conflict');
    expect(classifyPgError(pgError('40001'))).toBe('conflict');
    expect(classifyPgError(pgError('55P03', 'canceling statement due to lock timeout'))).toBe('lock_wait');
    expect(classifyPgError(pgError('57014', 'canceling statement due to statement timeout'))).toBe(
      'lock_wait',
    );
    expect(classifyPgError(pgError('23502'))).toBe('other');
    expect(classifyPgError(null)).toBe('other');
    expect(classifyPgError('boom')).toBe('other');
  });

  it('never reports a lock or statement timeout as the database being unavailable', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('lock timeout'), { code: '55P03' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('statement timeout'), { code: '57014' }))).toBe(
      false,
    );
  });
});

describe('batchTimeoutsFromEnv', () => {
  it('reads positive milliseconds and falls back to the defaults', () => {
    expect(batchTimeoutsFromEnv({})).toEqual(DEFAULT_BATCH_TIMEOUTS);
    expect(
      batchTimeoutsFromEnv({ SCT_DB_LOCK_TIMEOUT_MS: '500', SCT_DB_STATEMENT_TIMEOUT_MS: ' 4000 ' }),
    ).toEqual({ lockTimeoutMs: 500, statementTimeoutMs: 4_000 });
    expect(() => batchTimeoutsFromEnv({ SCT_DB_LOCK_TIMEOUT_MS: '0' })).toThrow(/SCT_DB_LOCK_TIMEOUT_MS/);
    expect(() => batchTimeoutsFromEnv({ SCT_DB_STATEMENT_TIMEOUT_MS: '2s' })).toThrow(
      /SCT_DB_STATEMENT_TIMEOUT_MS/,
    );
  });
});

describe('isDatabaseAlreadyExists', () => {
  it('takes 42P04 and 23505 on pg_database (a racing CREATE DATABASE) as already there, nothing else', () => {
    const pgError = (message: string, extra: object) => Object.assign(new Error(message), extra);
    expect(isDatabaseAlreadyExists(pgError('database "x" already exists', { code: '42P04' }))).toBe(true);
    expect(
      isDatabaseAlreadyExists(
        pgError('duplicate key value violates unique constraint "pg_database_datname_index"', {
          code: '23505',
          constraint: 'pg_database_datname_index',
        }),
      ),
    ).toBe(true);
    expect(
      isDatabaseAlreadyExists(
        pgError('duplicate key value violates unique constraint "orders_pkey"', {
          code: '23505',
          constraint: 'orders_pkey',
        }),
      ),
    ).toBe(false);
    expect(isDatabaseAlreadyExists(pgError('permission denied to create database', { code: '42501' }))).toBe(
      false,
    );
  });
});

describe('beginWithTimeouts', () => {
  it('opens the transaction and bounds it in one query text, in whole milliseconds', () => {
    expect(beginWithTimeouts({ lockTimeoutMs: 2_000, statementTimeoutMs: 30_000.4 })).toBe(
      'BEGIN; SET LOCAL lock_timeout = 2000; SET LOCAL statement_timeout = 30000',
    );
  });
  it('refuses a bound that is not a positive number (never written into SQL)', () => {
    expect(() => beginWithTimeouts({ lockTimeoutMs: 0, statementTimeoutMs: 1 })).toThrow(/lockTimeoutMs/);
    expect(() => beginWithTimeouts({ lockTimeoutMs: 1, statementTimeoutMs: Number.NaN })).toThrow(
      /statementTimeoutMs/,
    );
  });
});

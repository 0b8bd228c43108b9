import { describe, expect, it } from 'vitest';
import { isDatabaseAlreadyExists, isDatabaseUnavailable } from './db';

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

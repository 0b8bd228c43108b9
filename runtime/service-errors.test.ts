import { describe, expect, it } from 'vitest';
import { isLoginRefusal, ServiceUnavailableError } from './service-errors';

describe('ServiceUnavailableError', () => {
  it('says "not reachable" and how to start the service for an outage', () => {
    const e = new ServiceUnavailableError('postgres', 'postgres://a@h:5432/db', 'connection refused');
    expect(e.message).toMatch(
      /^PostgreSQL is not reachable at postgres:\/\/a@h:5432\/db \(connection refused\)\. To fix: start PostgreSQL/,
    );
  });

  it('says the login was refused, and which credentials to check, when the service answered (QA: "start PostgreSQL" for a missing role)', () => {
    const pg = new ServiceUnavailableError('postgres', 'postgres://bob@h/db', 'role "bob" does not exist');
    expect(pg.message).toMatch(
      /^PostgreSQL refused the login at .*To fix: check the user and password in DATABASE_URL/,
    );
    const redis = new ServiceUnavailableError(
      'redis',
      'redis://u@h:6379/0',
      'WRONGPASS invalid username-password pair',
    );
    expect(redis.message).toMatch(/^Redis refused the login at .*REDIS_URL/);
    const kafka = new ServiceUnavailableError(
      'kafka',
      'h:9092',
      'SASL authentication failed: bad password',
      'check X',
    );
    expect(kafka.message).toBe(
      'Kafka refused the login at h:9092 (SASL authentication failed: bad password). To fix: check X.',
    );
  });

  it('tells refusals from outages', () => {
    for (const cause of [
      'password authentication failed for user "sct"',
      'no pg_hba.conf entry for host "10.0.0.2", user "sct"',
      'NOAUTH Authentication required.',
    ])
      expect(isLoginRefusal(cause), cause).toBe(true);
    for (const cause of ['connection refused', 'host name not found', 'no answer within 3000 ms'])
      expect(isLoginRefusal(cause), cause).toBe(false);
  });
});

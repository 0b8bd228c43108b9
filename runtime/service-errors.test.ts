import { describe, expect, it } from 'vitest';
import { classifyServiceCause, howToFix, isLoginRefusal, ServiceUnavailableError } from './service-errors';

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

  it('names a Redis refused login (WRONGPASS, NOAUTH) and a refused command (NOPERM) with their fixes, never "start Redis" (QA)', () => {
    for (const cause of [
      'WRONGPASS invalid username-password pair or user is disabled.',
      'NOAUTH Authentication required.',
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    ]) {
      expect(classifyServiceCause(cause), cause).toBe('login');
      const e = new ServiceUnavailableError('redis', 'redis://u:***@h:6379/0', cause);
      expect(e.kind).toBe('login');
      expect(e.message).toMatch(
        /^Redis refused the login at redis:\/\/u:\*\*\*@h:6379\/0 .*To fix: check the user and password in REDIS_URL/,
      );
      expect(e.message).not.toMatch(/start Redis|redis-server/);
    }
    for (const cause of [
      "NOPERM User sct has no permissions to run the 'ping' command",
      'NOPERM this user has no permissions to access one of the keys used as arguments',
      "NOPERM User sct has no permissions to access the 'sct:changes' channel",
    ]) {
      expect(classifyServiceCause(cause), cause).toBe('permission');
      const e = new ServiceUnavailableError('redis', 'redis://u:***@h:6379/0', cause);
      expect(e.message).toMatch(
        /^Redis refused a command \(the login was accepted\) at .*To fix: give the ACL user of REDIS_URL/,
      );
      expect(howToFix('redis', cause)).toMatch(/ACL SETUSER/);
    }
    expect(classifyServiceCause('Connection is closed.')).toBe('unreachable');
    expect(howToFix('redis', 'connect ECONNREFUSED 127.0.0.1:6379')).toMatch(/^start Redis/);
  });

  it('names a Kafka SASL wrong password a refused login, and a missing ACL a refused command', () => {
    expect(
      classifyServiceCause(
        'SASL authentication failed: SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
      ),
    ).toBe('login');
    expect(
      classifyServiceCause(
        'Not authorized to access topics: [Topic authorization failed] TOPIC_AUTHORIZATION_FAILED',
      ),
    ).toBe('permission');
    expect(howToFix('kafka', 'SASL authentication failed: x')).toMatch(/KAFKA_SASL_USERNAME/);
  });
});

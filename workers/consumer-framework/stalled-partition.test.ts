import { describe, expect, it } from 'vitest';
import { stallReason } from './stalled-partition';

describe('stallReason', () => {
  const timeouts = { lockTimeoutMs: 2_000, statementTimeoutMs: 30_000 };
  it('names the lock wait or the statement timeout, the offset and the retry', () => {
    const lock = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    expect(stallReason(lock, timeouts, 17, 0)).toBe(
      'waiting on a row lock held by another session: lock_timeout (2000 ms) exceeded at offset 17',
    );
    expect(stallReason(lock, timeouts, 17, 3)).toMatch(/at offset 17 \(retry 3\)$/);
    const statement = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    expect(stallReason(statement, timeouts, 5, 1)).toBe(
      'statement_timeout (30000 ms) exceeded, possibly waiting on a lock, at offset 5 (retry 1)',
    );
    const down = Object.assign(new Error('terminating connection'), { code: '57P01' });
    expect(stallReason(down, timeouts, 5, 2)).toBe(
      'PostgreSQL unavailable: terminating connection at offset 5 (retry 2)',
    );
  });
});

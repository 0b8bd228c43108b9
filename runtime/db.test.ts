import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './db';

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

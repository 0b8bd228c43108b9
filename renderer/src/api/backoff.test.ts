import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 30 s, with equal jitter', () => {
    expect(backoffDelay(1, undefined, () => 0)).toBe(500);
    expect(backoffDelay(1, undefined, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, undefined, () => 0.999999)).toBe(4000);
    expect(backoffDelay(10, undefined, () => 0.999999)).toBe(30000);
    expect(backoffDelay(1000, undefined, () => 0)).toBe(15000);
  });
  it('treats attempt < 1 as the first attempt', () => {
    expect(backoffDelay(0, { baseMs: 200, maxMs: 1000 }, () => 0)).toBe(100);
  });
});

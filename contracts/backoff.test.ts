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

describe('backoffDelay without jitter', () => {
  it('doubles from the base up to the cap', () => {
    const o = { baseMs: 200, maxMs: 5_000, jitter: 'none' } as const;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, o))).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});

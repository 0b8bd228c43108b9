import { describe, expect, it } from 'vitest';
import { isActiveRun, isSettledRun } from './drills';

describe('drill run polling', () => {
  it('keeps polling a final run until its checks are in (they are evaluated just after it ends)', () => {
    expect(isActiveRun({ state: 'running' })).toBe(true);
    expect(isSettledRun({ state: 'running', checks: null })).toBe(false);
    expect(isSettledRun({ state: 'paused', checks: null })).toBe(false);
    expect(isSettledRun({ state: 'completed', checks: null })).toBe(false);
    expect(isSettledRun({ state: 'completed', checks: [] })).toBe(true);
    expect(isSettledRun({ state: 'stopped', checks: [] })).toBe(true);
    expect(isSettledRun({ state: 'failed', checks: null })).toBe(true);
  });
});

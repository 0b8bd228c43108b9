import { describe, expect, it } from 'vitest';
import { matchKey, SHORTCUTS } from './shortcuts';

describe('matchKey', () => {
  it('fires single-key shortcuts', () => {
    expect(matchKey([], '/')).toEqual({ kind: 'fire', action: { kind: 'search' } });
    expect(matchKey([], '?')).toEqual({ kind: 'fire', action: { kind: 'help' } });
    expect(matchKey([], 'i')).toEqual({ kind: 'fire', action: { kind: 'go', page: 'inject' } });
  });

  it('waits after g, then goes to the page of the second key', () => {
    expect(matchKey([], 'g')).toEqual({ kind: 'pending' });
    expect(matchKey(['g'], 'o')).toEqual({ kind: 'fire', action: { kind: 'go', page: 'orders' } });
    expect(matchKey(['g'], 'd')).toEqual({ kind: 'fire', action: { kind: 'go', page: 'dashboard' } });
    expect(matchKey(['g'], 'p')).toEqual({ kind: 'fire', action: { kind: 'go', page: 'pipeline' } });
  });

  it('drops an unfinished sequence on a stray key, trying that key alone', () => {
    expect(matchKey(['g'], 'x')).toEqual({ kind: 'none' });
    expect(matchKey(['g'], '?')).toEqual({ kind: 'fire', action: { kind: 'help' } });
    expect(matchKey([], 'x')).toEqual({ kind: 'none' });
  });

  it('has no shortcut that is the start of another (each would shadow the longer one)', () => {
    for (const a of SHORTCUTS)
      for (const b of SHORTCUTS)
        if (a !== b && a.keys.length < b.keys.length)
          expect(a.keys.every((k, i) => b.keys[i] === k)).toBe(false);
  });
});

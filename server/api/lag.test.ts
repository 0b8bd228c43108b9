import { describe, expect, it } from 'vitest';
import { HighWatermarkHistory, lagSecondsOf } from './lag';

/** Lag in seconds of one partition as withLag computes it, from one history. */
function lagAt(
  history: HighWatermarkHistory,
  high: number,
  next: number,
  lastAppendMs: number | null,
  now: number,
) {
  return lagSecondsOf(
    Math.max(0, high - next),
    history.seenSince('g/t/0', high, next, now),
    lastAppendMs,
    now,
  );
}

describe('consumer lag in seconds (age of the oldest unapplied message)', () => {
  it('does not count an idle period as lag: one new message after 497 idle seconds is 0 s behind', () => {
    // QA: the last event was applied at t=0, nothing for 497 s, then a drill sends at 2 events/s.
    const history = new HighWatermarkHistory();
    expect(lagAt(history, 10, 10, 0, 400_000)).toBe(0); // idle, caught up (seen by a health read)
    expect(lagAt(history, 11, 10, 0, 497_000)).toBe(0); // the new message is seen: it is new
    expect(lagAt(history, 12, 11, 497_000, 499_000)).toBe(0); // applied; the next one is new too
  });

  it('counts the age of the oldest unapplied message for a frozen worker, growing', () => {
    const history = new HighWatermarkHistory();
    expect(lagAt(history, 10, 10, 0, 100_000)).toBe(0);
    expect(lagAt(history, 15, 10, 0, 102_000)).toBe(0);
    expect(lagAt(history, 40, 10, 0, 132_000)).toBe(30);
    expect(lagAt(history, 90, 10, 0, 170_000)).toBe(68);
    // It applies up to 20: offset 20 was seen from the read at 132 s on (high 40 > 20).
    expect(lagAt(history, 90, 20, 131_000, 172_000)).toBe(40);
    // Offset 40 was not there at 132 s (high 40): seen from 170 s on.
    expect(lagAt(history, 90, 40, 165_000, 172_000)).toBe(2);
    // Capped by the time since the last applied message was appended (the next came after it).
    expect(lagAt(history, 90, 41, 171_000, 172_000)).toBe(1);
  });

  it('falls back to the time since the last applied append when it never saw the partition caught up', () => {
    const history = new HighWatermarkHistory();
    expect(lagAt(history, 50, 10, 100_000, 160_000)).toBe(60);
    expect(lagAt(history, 50, 10, null, 160_000)).toBeNull();
    // Once caught up and behind again, the history tells.
    expect(lagAt(history, 50, 50, 150_000, 170_000)).toBe(0);
    expect(lagAt(history, 51, 50, 150_000, 175_000)).toBe(0);
    expect(lagAt(history, 51, 50, 150_000, 180_000)).toBe(5);
  });

  it('starts afresh when the high-water mark goes back (topic recreated)', () => {
    const history = new HighWatermarkHistory();
    expect(lagAt(history, 100, 100, 0, 1_000)).toBe(0);
    expect(lagAt(history, 5, 0, 0, 2_000)).toBe(2); // no proof of when: the bound
  });

  it('keeps its resolution bounded in memory while a partition stays behind', () => {
    const history = new HighWatermarkHistory();
    expect(lagAt(history, 10, 10, 0, 0)).toBe(0);
    for (let i = 1; i <= 10_000; i++) history.seenSince('g/t/0', 10 + i, 10, i * 1_000);
    expect(lagAt(history, 10_011, 10, 0, 10_001_000)).toBe(10_000);
  });
});

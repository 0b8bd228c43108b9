import { describe, expect, it } from 'vitest';
import { checkReason, REASON_MAX_CHARS, redriveNeedsReason } from './reason';

describe('bulk re-drive reason', () => {
  it('is needed for more than one dead letter only', () => {
    expect(redriveNeedsReason(1)).toBe(false);
    expect(redriveNeedsReason(2)).toBe(true);
  });

  it('must be 3..500 characters after trimming', () => {
    expect(checkReason('')).toMatchObject({ ok: false, message: expect.stringContaining('required') });
    expect(checkReason('   ')).toMatchObject({ ok: false, message: expect.stringContaining('required') });
    expect(checkReason(' ab ')).toMatchObject({ ok: false, message: expect.stringContaining('at least 3') });
    expect(checkReason('  fixed schema  ')).toEqual({ ok: true, reason: 'fixed schema' });
    expect(checkReason('x'.repeat(REASON_MAX_CHARS))).toMatchObject({ ok: true });
    expect(checkReason('x'.repeat(REASON_MAX_CHARS + 1))).toMatchObject({
      ok: false,
      message: expect.stringContaining('at most 500'),
    });
  });
});

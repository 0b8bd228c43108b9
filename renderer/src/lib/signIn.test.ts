import { describe, expect, it } from 'vitest';
import { signInErrorText } from './signIn';

const now = new Date('2024-05-03T20:00:00Z');

describe('sign-in error wording', () => {
  it('says wrong username or password, or a disabled account', () => {
    const wrong = signInErrorText(
      { status: 401, code: 'invalid_credentials', message: 'wrong username or password' },
      now,
      'UTC',
    );
    expect(wrong.title).toBe('Sign-in refused');
    expect(wrong.detail).toContain('Wrong username or password');
    const disabled = signInErrorText(
      { status: 401, code: 'invalid_credentials', message: 'this operator account is disabled' },
      now,
      'UTC',
    );
    expect(disabled.detail).toContain('disabled');
  });

  it('gives the retry time of a lockout', () => {
    const locked = signInErrorText(
      { status: 429, code: 'rate_limited', message: 'too many failed sign-ins', retryAfterSeconds: 900 },
      now,
      'UTC',
    );
    expect(locked.retryAt).toBe('20:15');
    expect(locked.detail).toContain('until 20:15 (in 15 min)');
    const noHeader = signInErrorText({ status: 429, code: 'rate_limited', message: 'retry in 3 min' }, now);
    expect(noHeader.retryAt).toBeNull();
    expect(noHeader.detail).toContain('retry in 3 min');
  });

  it('tells an unreachable API apart from a refusal', () => {
    const down = signInErrorText(
      { status: 0, code: 'network_error', message: 'Cannot reach the console API at http://x.' },
      now,
    );
    expect(down.title).toContain('cannot be reached');
    const other = signInErrorText(
      { status: 400, code: 'validation_failed', message: 'body is invalid' },
      now,
    );
    expect(other.title).toBe('Sign-in failed (HTTP 400)');
  });
});

/**
 * Operator wording of a failed sign-in: wrong credentials, a lockout with the time to retry, the
 * API out of reach, or the server's own message. Pure (the clock is a parameter), unit-tested.
 */
import { clockTime } from './principal';

/** What the sign-in screen knows about a failed attempt (an `ApiRequestError`'s fields). */
export interface SignInFailure {
  /** HTTP status; 0 = no answer (network failure or timeout). */
  status: number;
  /** The server's stable error code (`invalid_credentials`, `rate_limited`, ...). */
  code: string;
  message: string;
  /** Seconds until a retry may succeed (the `retry-after` header), when the server sent one. */
  retryAfterSeconds?: number;
}

/** A failed sign-in as the screen shows it: a title, a sentence, and the retry time when locked out. */
export interface SignInErrorText {
  title: string;
  detail: string;
  /** `HH:mm` (local) from which a new attempt may succeed; set for lockouts only. */
  retryAt: string | null;
}

/** Turns a failed sign-in into operator wording (see {@link SignInErrorText}). */
export function signInErrorText(failure: SignInFailure, now: Date, timeZone?: string): SignInErrorText {
  if (failure.status === 0) {
    return {
      title: 'The console API cannot be reached',
      detail: `${failure.message} Check that the console is still running, then try again.`,
      retryAt: null,
    };
  }
  if (failure.status === 429) {
    const seconds = failure.retryAfterSeconds;
    const retryAt =
      seconds !== undefined && Number.isFinite(seconds)
        ? clockTime(new Date(now.getTime() + seconds * 1000).toISOString(), now, timeZone)
        : null;
    return {
      title: 'Too many failed sign-ins: locked out for now',
      detail: retryAt
        ? `Sign-in for this account from this computer is paused until ${retryAt} (${waitText(seconds!)}). Ask an administrator if you forgot the password.`
        : `${failure.message}. Ask an administrator if you forgot the password.`,
      retryAt,
    };
  }
  if (failure.code === 'invalid_credentials') {
    return {
      title: 'Sign-in refused',
      detail: /disabled/i.test(failure.message)
        ? 'This operator account is disabled. Ask an administrator to enable it.'
        : 'Wrong username or password. Check both and try again.',
      retryAt: null,
    };
  }
  return { title: `Sign-in failed (HTTP ${failure.status})`, detail: failure.message, retryAt: null };
}

/** `in 15 min`, `in 40 s`. */
function waitText(seconds: number): string {
  return seconds >= 60 ? `in ${Math.ceil(seconds / 60)} min` : `in ${Math.max(1, Math.ceil(seconds))} s`;
}

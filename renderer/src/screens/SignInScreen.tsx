/**
 * Browser/headless console sign-in: an operator's username and password (`POST /api/auth/login`).
 * Says why it is shown (session ended, signed out), and why a sign-in failed in operator words
 * (wrong credentials, locked out until a time, API unreachable). The machine token (the printed
 * `#token=` link or a pasted token) stays reachable as a secondary option.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiRequestError } from '../api/errors';
import { signInErrorText, type SignInErrorText } from '../lib/signIn';
import { useSignIn } from '../query/mutations';
import { useConnection, type SignInNotice } from '../state/connection';
import { useInjectPrefs } from '../state/inject';

const NOTICES: Record<Exclude<SignInNotice, null>, string> = {
  ended: 'Your session has ended; sign in again.',
  'signed-out': 'You signed out.',
};

/** Operator wording of a failed sign-in; `at` (epoch ms) is when it was tried (for "locked until"). */
function failureText(err: Error, at: number): SignInErrorText {
  const failure = err instanceof ApiRequestError ? err : { status: 0, code: 'error', message: err.message };
  return signInErrorText(failure, new Date(at));
}

/** The error of a failed attempt (`sign-in-error`). */
function SignInError({ error }: { error: SignInErrorText }): ReactNode {
  return (
    <div className="notice notice--error" role="alert" data-testid="sign-in-error">
      <div className="notice__title">{error.title}</div>
      <div>{error.detail}</div>
    </div>
  );
}

/**
 * The sign-in screen (`data-testid="sign-in-screen"`); `username` is prefilled after a session
 * ended (the password field then has the focus).
 */
export function SignInScreen({
  notice,
  username: known,
}: {
  notice: SignInNotice;
  username: string;
}): ReactNode {
  const showTokenScreen = useConnection((s) => s.showTokenScreen);
  const [username, setUsername] = useState(known);
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  const busy = signIn.isPending;
  const error = signIn.error ? failureText(signIn.error, signIn.submittedAt) : null;
  /** Set by the first attempt: why the screen was shown is old news then. */
  const [tried, setTried] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // The next operator starts from a clean inject form (no drill id left by the one before).
  useEffect(() => useInjectPrefs.getState().setDrillid(''), []);
  useEffect(() => (known ? passwordRef : usernameRef).current?.focus(), [known]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    if (!username.trim()) {
      usernameRef.current?.focus();
      return;
    }
    if (!password) {
      passwordRef.current?.focus();
      return;
    }
    setTried(true);
    signIn.mutate(
      { username: username.trim(), password },
      {
        onError: () => {
          setPassword('');
          passwordRef.current?.focus();
        },
      },
    );
  };

  return (
    <div className="gate" data-testid="sign-in-screen">
      <form className="panel gate__card" onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <div className="gate__brand">
          <span className="nav__logo" aria-hidden="true">
            SCT
          </span>
          <h1 id="sign-in-title">Supply Chain Event Tracker</h1>
        </div>
        {notice && !tried && (
          <div className="notice" role="status" data-testid="sign-in-notice" data-notice={notice}>
            {NOTICES[notice]}
          </div>
        )}
        <p className="muted">Sign in with your operator account.</p>
        {error && <SignInError error={error} />}
        <div className="gate__field">
          <label className="form-row__label" htmlFor="sign-in-username">
            Username
          </label>
          <input
            id="sign-in-username"
            ref={usernameRef}
            className="input"
            type="text"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="sign-in-username"
          />
        </div>
        <div className="gate__field">
          <label className="form-row__label" htmlFor="sign-in-password">
            Password
          </label>
          <input
            id="sign-in-password"
            ref={passwordRef}
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="sign-in-password"
          />
        </div>
        <button
          type="submit"
          className="btn btn--primary"
          disabled={busy || !username.trim() || !password}
          data-testid="sign-in-submit"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <div className="gate__alt">
          <span className="muted">Single-user machine?</span>
          <button
            type="button"
            className="btn btn--link gate__alt-link"
            onClick={showTokenScreen}
            data-testid="use-machine-token"
          >
            Use the console&apos;s machine token
          </button>
        </div>
      </form>
    </div>
  );
}

/**
 * Browser/headless console machine token: the single-user bootstrap, reached from the sign-in
 * screen ("Use the console's machine token") or shown when a pasted or linked token was rejected.
 * The token is kept in sessionStorage for this tab; its holder acts as the machine owner.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useConnection } from '../state/connection';

/** The "paste your console token" screen (`data-testid="token-screen"`). */
export function TokenScreen({ reason }: { reason: 'missing' | 'rejected' }): ReactNode {
  const submitToken = useConnection((s) => s.submitToken);
  const showSignIn = useConnection((s) => s.showSignIn);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!token.trim() || busy) return;
    setBusy(true);
    void submitToken(token).finally(() => setBusy(false));
  };
  return (
    <div className="gate" data-testid="token-screen">
      <form className="panel gate__card" onSubmit={submit}>
        <div className="gate__brand">
          <span className="nav__logo" aria-hidden="true">
            SCT
          </span>
          <h1>Supply Chain Event Tracker</h1>
        </div>
        {reason === 'rejected' ? (
          <div className="notice notice--error" role="alert">
            The console API rejected the token. It may have changed when the console restarted.
          </div>
        ) : (
          <p className="muted">
            The machine token gives whoever holds it the machine owner&apos;s rights. The headless console
            prints a link with the token when it starts; open that link, or paste the token here.
          </p>
        )}
        <label className="form-row__label" htmlFor="token-input">
          Console token
        </label>
        <input
          id="token-input"
          className="input input--mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="token-input"
          autoFocus
        />
        <button
          type="submit"
          className="btn btn--primary"
          disabled={!token.trim() || busy}
          data-testid="token-submit"
        >
          {busy ? 'Connecting…' : 'Connect'}
        </button>
        <div className="gate__alt">
          <span className="muted">Have an operator account?</span>
          <button
            type="button"
            className="btn btn--link gate__alt-link"
            onClick={showSignIn}
            data-testid="back-to-sign-in"
          >
            Sign in with username and password
          </button>
        </div>
      </form>
    </div>
  );
}

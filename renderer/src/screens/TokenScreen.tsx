/**
 * Browser/headless console sign-in: asks for the console token when none came with the URL
 * (`#token=...`) or the stored one was rejected. The token is kept in sessionStorage for this tab.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useConnection } from '../state/connection';

/** The "paste your console token" screen (`data-testid="token-screen"`). */
export function TokenScreen({ reason }: { reason: 'missing' | 'rejected' }): ReactNode {
  const submitToken = useConnection((s) => s.submitToken);
  const [token, setToken] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (token.trim()) submitToken(token);
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
            This console needs its access token. The headless console prints a link with the token when it
            starts; open that link, or paste the token here.
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
          disabled={!token.trim()}
          data-testid="token-submit"
        >
          Connect
        </button>
      </form>
    </div>
  );
}

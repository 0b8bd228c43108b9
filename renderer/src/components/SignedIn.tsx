/**
 * Who is signed in, in the header: the display name, the role and how the console reached its
 * API ("Supervisor · signed in, session ends 20:15"), and Sign out in the browser console (the
 * desktop window has no sign-in to leave).
 */
import type { ReactNode } from 'react';
import { principalSummary } from '../lib/principal';
import { useSignOut } from '../query/mutations';
import { useConnection } from '../state/connection';

/** The signed-in block (`signed-in`, `signed-in-name`, `signed-in-summary`, `sign-out`). */
export function SignedIn(): ReactNode {
  const state = useConnection((s) => s.state);
  const signOut = useSignOut();
  const leaving = signOut.isPending || signOut.isSuccess;
  if (state.phase !== 'ready') return null;
  const { principal } = state;
  const summary = principalSummary(principal, new Date());
  return (
    <div
      className="who"
      data-testid="signed-in"
      data-operator={principal.operator}
      data-role={principal.role}
      data-method={principal.method}
    >
      <div className="who__text" title={`${principal.displayName} (${principal.operator}) · ${summary}`}>
        <span className="who__name" data-testid="signed-in-name">
          {principal.displayName}
        </span>
        <span className="who__summary" data-testid="signed-in-summary">
          {summary}
        </span>
      </div>
      {state.mode === 'browser' && (
        <button
          type="button"
          className="btn btn--small btn--ghost"
          disabled={leaving}
          onClick={() => signOut.mutate()}
          data-testid="sign-out"
        >
          {leaving ? 'Signing out…' : 'Sign out'}
        </button>
      )}
    </div>
  );
}

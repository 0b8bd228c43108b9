/**
 * Connection store: whether the console has reached its API, how (desktop bridge or browser
 * token), and who it acts as (the {@link Principal} of `GET /api/auth/session`). The app shows
 * the sign-in screen while `phase` is `sign-in`, the machine-token screen while it is
 * `needs-token`, and the console once it is `ready` (the principal known, so the screens can
 * follow the role from their first render).
 */
import { create } from 'zustand';
import type { LoginResult, Principal } from '../../../contracts/auth';
import {
  initConnection,
  holdsSessionToken,
  onUnauthorized,
  submitToken as submitTokenToClient,
  takeTokenLink,
  type ConnectionMode,
  type ConnectionResolution,
} from '../api/connection';
import { ApiRequestError } from '../api/errors';
import { apiCall } from '../api/http';
import { signOutOfApi } from '../api/session';

/** Why the sign-in screen is shown: the session ended (401), the operator signed out, or first visit. */
export type SignInNotice = 'ended' | 'signed-out' | null;

/** Connection phase shown by the app shell. */
export type ConnectionPhase =
  | { phase: 'starting' }
  | { phase: 'sign-in'; notice: SignInNotice; /** Prefilled after a session ended. */ username?: string }
  | { phase: 'needs-token'; reason: 'missing' | 'rejected' }
  | { phase: 'ready'; mode: ConnectionMode; baseUrl: string; epoch: number; principal: Principal }
  | { phase: 'failed'; message: string };

interface ConnectionStore {
  state: ConnectionPhase;
  /** Resolves the connection once at startup (desktop bridge, `#token=` link or stored token). */
  start(): Promise<void>;
  /** Browser mode: uses a pasted machine token. */
  submitToken(token: string): Promise<void>;
  /** Browser mode: an operator signed in (the client stored the session token already). */
  signedIn(result: LoginResult): void;
  /** Browser mode: shows the machine-token screen (the sign-in screen's secondary option). */
  showTokenScreen(): void;
  /** Browser mode: shows the sign-in screen. */
  showSignIn(): void;
  /** Browser mode: ends the session on the server, forgets the token, shows the sign-in screen. */
  signOut(): Promise<void>;
}

let epoch = 0;
/** Counts connection attempts: only the newest one may set the phase. */
let attempt = 0;

function ready(mode: ConnectionMode, baseUrl: string, principal: Principal): ConnectionPhase {
  // A new epoch remounts the console, restarting the live stream and health polling.
  epoch += 1;
  return { phase: 'ready', mode, baseUrl, epoch, principal };
}

/**
 * Turns a client resolution into a phase; for a connection, first asks who the token belongs to.
 * `source` says where a browser token came from: `pasted` (token screen or link: a refusal is a
 * rejected machine token) or `stored` (a reload: a refusal means the session ended).
 */
async function settle(
  resolution: ConnectionResolution,
  source: 'pasted' | 'stored',
): Promise<ConnectionPhase> {
  switch (resolution.kind) {
    case 'needs-token':
      return source === 'pasted'
        ? { phase: 'needs-token', reason: resolution.reason }
        : { phase: 'sign-in', notice: null };
    case 'failed':
      return { phase: 'failed', message: resolution.message };
    case 'ready':
      try {
        const principal = await apiCall('GET /api/auth/session');
        return ready(resolution.mode, resolution.baseUrl, principal);
      } catch (err) {
        const status = err instanceof ApiRequestError ? err.status : 0;
        if (status === 401 && resolution.mode === 'browser') {
          // A refused session token means the session ended; a refused machine token (a stale
          // or mistyped `#token=` link) is a wrong token, not an ended session.
          return source === 'stored' && holdsSessionToken()
            ? { phase: 'sign-in', notice: 'ended' }
            : { phase: 'needs-token', reason: 'rejected' };
        }
        const text = err instanceof Error ? err.message : String(err);
        return {
          phase: 'failed',
          message:
            status === 401
              ? `The console API refused the desktop window's secret (${text}).`
              : `The console could not ask its API who is signed in: ${text}`,
        };
      }
  }
}

/** Runs one connection attempt; a newer attempt started meanwhile wins. */
async function connect(work: () => Promise<ConnectionPhase>): Promise<void> {
  const mine = ++attempt;
  const next = await work();
  if (mine === attempt) useConnection.setState({ state: next });
}

/** The connection store (one per window). */
export const useConnection = create<ConnectionStore>()((set) => ({
  state: { phase: 'starting' },
  async start() {
    await connect(async () => settle(await initConnection(), 'stored'));
  },
  async submitToken(token) {
    await connect(() => settle(submitTokenToClient(token), 'pasted'));
  },
  signedIn(result) {
    attempt += 1;
    set({ state: ready('browser', window.location.origin.replace(/\/+$/, ''), result.principal) });
  },
  showTokenScreen() {
    attempt += 1;
    set({ state: { phase: 'needs-token', reason: 'missing' } });
  },
  showSignIn() {
    attempt += 1;
    set({ state: { phase: 'sign-in', notice: null } });
  },
  async signOut() {
    const mine = ++attempt;
    await signOutOfApi();
    if (mine === attempt) set({ state: { phase: 'sign-in', notice: 'signed-out' } });
  },
}));

/** Who the console acts as, or null before it is connected. */
export function usePrincipal(): Principal | null {
  return useConnection((s) => (s.state.phase === 'ready' ? s.state.principal : null));
}

/**
 * Browser mode: signs in when the printed `#token=...` link is opened in this tab after start-up
 * (the tab shows the sign-in or token screen after "Sign out", or was opened without the token),
 * without a reload. A link with the token already in use only leaves the address bar. Returns a
 * stop function.
 */
export function watchTokenLinks(): () => void {
  const onHashChange = (): void => {
    if (useConnection.getState().state.phase === 'starting') return; // start() reads the hash itself
    const outcome = takeTokenLink();
    if (outcome === null || outcome === 'unchanged') return;
    void connect(() => settle(outcome, 'pasted'));
  };
  window.addEventListener('hashchange', onHashChange);
  return () => window.removeEventListener('hashchange', onHashChange);
}

/** Least time between two desktop re-handshakes after a 401, in milliseconds. */
const DESKTOP_RETRY_MS = 10_000;
let lastDesktopRetry = 0;

onUnauthorized(() => {
  const current = useConnection.getState().state;
  if (current.phase !== 'ready') return;
  if (current.mode === 'browser') {
    attempt += 1;
    // An operator session expired or was ended; a machine token changes when the console restarts.
    useConnection.setState({
      state:
        current.principal.method === 'session'
          ? { phase: 'sign-in', notice: 'ended', username: current.principal.operator }
          : { phase: 'needs-token', reason: 'rejected' },
    });
    return;
  }
  // Desktop: the main process may have restarted the API with a new per-window secret; ask the
  // bridge again (throttled, so a persistent mismatch does not loop).
  const now = Date.now();
  if (now - lastDesktopRetry < DESKTOP_RETRY_MS) return;
  lastDesktopRetry = now;
  void useConnection.getState().start();
});

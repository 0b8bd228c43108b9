/**
 * Connection store: whether the console has reached its API, and how (desktop bridge or browser
 * token). The app shows the token screen while `phase` is `needs-token`.
 */
import { create } from 'zustand';
import {
  forgetToken,
  initConnection,
  onUnauthorized,
  submitToken as submitTokenToClient,
  takeTokenLink,
  type ConnectionMode,
  type ConnectionResolution,
} from '../api/client';

/** Connection phase shown by the app shell. */
export type ConnectionPhase =
  | { phase: 'starting' }
  | { phase: 'ready'; mode: ConnectionMode; baseUrl: string; epoch: number }
  | { phase: 'needs-token'; reason: 'missing' | 'rejected' }
  | { phase: 'failed'; message: string };

interface ConnectionStore {
  state: ConnectionPhase;
  /** Resolves the connection once at startup. */
  start(): Promise<void>;
  /** Browser mode: uses a pasted token. */
  submitToken(token: string): void;
  /** Browser mode: forgets the token and shows the token screen. */
  signOut(): void;
}

let epoch = 0;

function toPhase(resolution: ConnectionResolution): ConnectionPhase {
  switch (resolution.kind) {
    case 'ready':
      // A new epoch remounts the console, restarting the live stream and health polling.
      epoch += 1;
      return { phase: 'ready', mode: resolution.mode, baseUrl: resolution.baseUrl, epoch };
    case 'needs-token':
      return { phase: 'needs-token', reason: resolution.reason };
    case 'failed':
      return { phase: 'failed', message: resolution.message };
  }
}

/** The connection store (one per window). */
export const useConnection = create<ConnectionStore>()((set) => ({
  state: { phase: 'starting' },
  async start() {
    set({ state: toPhase(await initConnection()) });
  },
  submitToken(token) {
    set({ state: toPhase(submitTokenToClient(token)) });
  },
  signOut() {
    forgetToken();
    set({ state: { phase: 'needs-token', reason: 'missing' } });
  },
}));

/**
 * Browser mode: signs in when the printed `#token=...` link is opened in this tab after start-up
 * (the tab shows the token screen after "Sign out", or was opened without the token), without a
 * reload. A link with the token already in use only leaves the address bar. Returns a stop function.
 */
export function watchTokenLinks(): () => void {
  const onHashChange = (): void => {
    if (useConnection.getState().state.phase === 'starting') return; // start() reads the hash itself
    const outcome = takeTokenLink();
    if (outcome === null || outcome === 'unchanged') return;
    useConnection.setState({ state: toPhase(outcome) });
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
    useConnection.setState({ state: { phase: 'needs-token', reason: 'rejected' } });
    return;
  }
  // Desktop: the main process may have restarted the API with a new per-window secret; ask the
  // bridge again (throttled, so a persistent mismatch does not loop).
  const now = Date.now();
  if (now - lastDesktopRetry < DESKTOP_RETRY_MS) return;
  lastDesktopRetry = now;
  void useConnection.getState().start();
});

/**
 * Operator sign-in and sign-out in the browser console (contracts/auth.ts): the two calls that
 * also change which token the connection holds (api/connection.ts).
 */
import type { LoginResult } from '../../../contracts/auth';
import { activeConnection, forgetToken, submitToken } from './connection';
import { apiCall } from './http';

/**
 * Browser mode: `POST /api/auth/login` with an operator's username and password (no bearer
 * token: the one public route). On success the session token is stored for this tab and used for
 * every call, like a pasted machine token. A failure is thrown as `ApiRequestError`: 401
 * `invalid_credentials`, 429 `rate_limited` (with `retryAfterSeconds`), 0 when unreachable.
 * It never triggers the "session ended" listeners: nothing was signed in yet.
 */
export async function signIn(username: string, password: string): Promise<LoginResult> {
  const result = await apiCall('POST /api/auth/login', { body: { username, password } });
  submitToken(result.token);
  return result;
}

/**
 * `POST /api/auth/logout`: ends an operator session on the server (for the machine token it is
 * only recorded), then forgets the token in this tab. A failure to reach the server still
 * forgets the token: the operator asked to sign out.
 */
export async function signOutOfApi(): Promise<void> {
  try {
    if (activeConnection()) await apiCall('POST /api/auth/logout');
  } catch {
    // expired already, or the API is down: the token is forgotten all the same
  } finally {
    forgetToken();
  }
}

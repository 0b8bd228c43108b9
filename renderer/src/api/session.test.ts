import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onUnauthorized, submitToken } from './connection';
import { apiCall } from './http';
import { signIn, signOutOfApi } from './session';
import { browserWindow, fetchCall } from './testing';

describe('sign-in and sign-out', () => {
  beforeEach(() => {
    vi.stubGlobal('window', browserWindow());
    submitToken('secret-token');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('signs in without a bearer token and then sends the session token', async () => {
    const principal = {
      operator: 'sam',
      displayName: 'Sam',
      role: 'supervisor',
      method: 'session',
      expiresAt: '2024-05-03T20:15:00Z',
    };
    const fetchMock = vi.fn(async () => Response.json({ token: 'session-token', principal }));
    vi.stubGlobal('fetch', fetchMock);
    const result = await signIn('sam', 'pw');
    expect(result.principal).toEqual(principal);
    const [url, init] = fetchCall(fetchMock);
    expect(url).toBe('http://127.0.0.1:7000/api/auth/login');
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(JSON.parse(String(init.body))).toEqual({ username: 'sam', password: 'pw' });
    expect(window.sessionStorage.getItem('sct.console-token')).toBe('session-token');
    fetchMock.mockImplementation(async () => Response.json({ items: [], total: 0, page: 1, pageSize: 50 }));
    await apiCall('GET /api/orders', { query: {} });
    expect((fetchCall(fetchMock, 1)[1].headers as Record<string, string>).Authorization).toBe(
      'Bearer session-token',
    );
  });

  it('reports a refused or locked-out sign-in without ending the session in use', async () => {
    const ended = vi.fn();
    const stop = onUnauthorized(ended);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json(
          { error: 'invalid_credentials', message: 'wrong username or password' },
          { status: 401 },
        ),
      ),
    );
    await expect(signIn('sam', 'bad')).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json(
          { error: 'rate_limited', message: 'too many failed sign-ins' },
          { status: 429, headers: { 'retry-after': '840' } },
        ),
      ),
    );
    await expect(signIn('sam', 'bad')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 840 });
    expect(ended).not.toHaveBeenCalled();
    expect(window.sessionStorage.getItem('sct.console-token')).toBe('secret-token');
    stop();
  });

  it('forgets the token on sign-out even when the API is unreachable', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await signOutOfApi();
    expect(window.sessionStorage.getItem('sct.console-token')).toBeNull();
  });
});

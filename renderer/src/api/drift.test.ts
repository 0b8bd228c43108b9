import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, getLastDrift, submitToken } from './client';

/** A minimal `window` for the browser-mode connection (node test environment). */
function fakeWindow(): void {
  const store = new Map<string, string>();
  vi.stubGlobal('window', {
    location: { origin: 'http://127.0.0.1:7000', hash: '', pathname: '/', search: '' },
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    },
    history: { state: null, replaceState: () => undefined },
  });
}

describe('getLastDrift', () => {
  beforeEach(() => {
    fakeWindow();
    submitToken('secret-token');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('returns the newest report', async () => {
    const fetchMock = vi.fn(async () => Response.json({ id: 3, ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    expect(await getLastDrift()).toEqual({ id: 3, ok: true });
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe('http://127.0.0.1:7000/api/drift/last');
  });

  it('returns null before the first check', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(null, { status: 200 })),
    );
    expect(await getLastDrift()).toBeNull();
  });

  it('throws other failures', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ error: 'internal', message: 'boom' }, { status: 500 })),
    );
    await expect(getLastDrift()).rejects.toBeInstanceOf(ApiRequestError);
  });
});

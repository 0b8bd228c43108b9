/**
 * Test support for the API modules (imported by their unit tests only): a minimal `window` for
 * the browser-mode connection in Node (`vi.stubGlobal('window', browserWindow())`).
 */

/** A `window` with an origin, an in-memory sessionStorage and a history that ignores changes. */
export function browserWindow(): Pick<Window, 'location' | 'sessionStorage' | 'history'> {
  const store = new Map<string, string>();
  return {
    location: { origin: 'http://127.0.0.1:7000', hash: '', pathname: '/', search: '' } as Location,
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as Storage,
    history: { state: null, replaceState: () => undefined } as unknown as History,
  };
}

/** The URL and init of the n-th call of a fetch mock. */
export function fetchCall(mock: { mock: { calls: unknown[][] } }, n = 0): [string, RequestInit] {
  return mock.mock.calls[n] as unknown as [string, RequestInit];
}

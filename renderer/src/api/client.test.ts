import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeNotification } from '../../../contracts/api';
import {
  ApiRequestError,
  getOrder,
  injectEvent,
  isApiError,
  listOrders,
  onUnauthorized,
  openLiveStream,
  redriveDeadLetters,
  signIn,
  submitToken,
  toQueryString,
  type LiveStatus,
} from './client';

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

function sseResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('api client', () => {
  beforeEach(() => {
    fakeWindow();
    submitToken('secret-token');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('builds query strings without empty values', () => {
    expect(toQueryString({ a: 1, b: true, c: '', d: undefined, e: null, f: 'x y' })).toBe(
      '?a=1&b=true&f=x+y',
    );
    expect(toQueryString({})).toBe('');
  });

  it('sends the bearer token and the query, and parses JSON', async () => {
    const fetchMock = vi.fn(async () => Response.json({ items: [], total: 0, page: 2, pageSize: 50 }));
    vi.stubGlobal('fetch', fetchMock);
    const page = await listOrders({ status: 'shipped', page: 2, includeDrills: false });
    expect(page.page).toBe(2);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:7000/api/orders?status=shipped&page=2&includeDrills=false');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token');
  });

  it('encodes path ids', async () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    await getOrder('a/b c');
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe(
      'http://127.0.0.1:7000/api/orders/a%2Fb%20c',
    );
  });

  it('surfaces an ApiError body with field issues as ApiRequestError', async () => {
    const body = {
      error: 'validation_failed',
      message: 'bad event',
      issues: [{ field: 'data.lines.0.quantity', rule: 'too_small', message: 'Too small' }],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(body, { status: 400 })),
    );
    const err = await injectEvent({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'bad event',
      issues: body.issues,
    });
  });

  it('reports non-JSON errors and network failures with a status and code', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' })),
    );
    await expect(getOrder('x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(getOrder('x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('recognises ApiError bodies', () => {
    expect(isApiError({ error: 'x', message: 'y' })).toBe(true);
    expect(isApiError({ error: 'x' })).toBe(false);
    expect(isApiError({ error: 'x', message: 'y', issues: [{ field: 1 }] })).toBe(false);
  });

  it('reads the live stream, reconnects after it ends, and stops on 401', async () => {
    const change: ChangeNotification = {
      source: 'order-processor',
      orderIds: ['o-1'],
      shipmentIds: [],
      kpi: true,
      truncated: false,
      at: '2024-05-03T10:00:00Z',
    };
    const frame = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    const responses = [
      sseResponse([': hello\n\n', frame.slice(0, 20), frame.slice(20), 'event: other\ndata: x\n\n']),
      sseResponse([frame]),
      new Response(JSON.stringify({ error: 'unauthorized', message: 'no' }), { status: 401 }),
    ];
    const fetchMock = vi.fn(async () => responses.shift() ?? Promise.reject(new Error('unexpected')));
    vi.stubGlobal('fetch', fetchMock);

    const changes: ChangeNotification[] = [];
    const statuses: LiveStatus[] = [];
    const opens: boolean[] = [];
    await new Promise<void>((resolve) => {
      openLiveStream(
        {
          onChange: (c) => changes.push(c),
          onOpen: (reconnected) => opens.push(reconnected),
          onStatus: (s) => {
            statuses.push(s);
            if (s === 'stopped') resolve();
          },
        },
        { idleTimeoutMs: 5_000, backoff: { baseMs: 10, maxMs: 20 } },
      );
    });
    expect(changes).toEqual([change, change]);
    expect(opens).toEqual([false, true]);
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open', 'reconnecting', 'stopped']);
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token');
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
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:7000/api/auth/login');
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(JSON.parse(String(init.body))).toEqual({ username: 'sam', password: 'pw' });
    expect(window.sessionStorage.getItem('sct.console-token')).toBe('session-token');
    fetchMock.mockImplementation(async () => Response.json({ items: [], total: 0, page: 1, pageSize: 50 }));
    await listOrders({});
    const [, next] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect((next.headers as Record<string, string>).Authorization).toBe('Bearer session-token');
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

  it('sends the reason of a bulk re-drive, and none for a single one', async () => {
    const fetchMock = vi.fn(async () =>
      Response.json({ results: [], redriven: 0, rejected: 0, notFound: 0 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const key = { sourceTopic: 'sct.orders', sourcePartition: 0, sourceOffset: '1' };
    await redriveDeadLetters([key]);
    await redriveDeadLetters([key, { ...key, sourceOffset: '2' }], 'schema fixed');
    const bodies = fetchMock.mock.calls.map((c) =>
      JSON.parse(String((c as unknown as [string, RequestInit])[1].body)),
    );
    expect(bodies[0]).toEqual({ keys: [key] });
    expect(bodies[1]).toMatchObject({ reason: 'schema fixed' });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onUnauthorized, submitToken } from './connection';
import { ApiRequestError } from './errors';
import { apiCall, toQueryString } from './http';
import { browserWindow, fetchCall } from './testing';

const principal = {
  operator: 'sam',
  displayName: 'Sam',
  role: 'supervisor',
  method: 'session',
  expiresAt: '2024-05-03T20:15:00Z',
};
const emptyPage = { items: [], total: 0, page: 2, pageSize: 50 };

describe('apiCall', () => {
  beforeEach(() => {
    vi.stubGlobal('window', browserWindow());
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

  it('sends the bearer token and the query, and returns the checked answer', async () => {
    const fetchMock = vi.fn(async () => Response.json(emptyPage));
    vi.stubGlobal('fetch', fetchMock);
    const page = await apiCall('GET /api/orders', {
      query: { status: ['shipped'], page: 2, includeDrills: false },
    });
    expect(page.page).toBe(2);
    const [url, init] = fetchCall(fetchMock);
    expect(url).toBe('http://127.0.0.1:7000/api/orders?status=shipped&page=2&includeDrills=false');
    expect(init.method).toBe('GET');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token');
  });

  it('fills and encodes path parameters', async () => {
    const fetchMock = vi.fn(async () => Response.json(principal));
    vi.stubGlobal('fetch', fetchMock);
    await apiCall('GET /api/orders/:id', { params: { id: 'a/b c' } }).catch(() => undefined);
    expect(fetchCall(fetchMock)[0]).toBe('http://127.0.0.1:7000/api/orders/a%2Fb%20c');
  });

  it('refuses an answer that breaks the route schema, naming the route and the field', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ ...emptyPage, total: 'many' })),
    );
    const err = await apiCall('GET /api/orders').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 200, code: 'bad_response', issues: [{ field: 'total' }] });
    expect((err as Error).message).toContain('GET /api/orders');
    expect((err as Error).message).toContain('total');
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
    const err = await apiCall('POST /api/events', { body: {} as never }).catch((e: unknown) => e);
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
    await expect(apiCall('GET /api/orders/:id', { params: { id: 'x' } })).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
    });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(apiCall('GET /api/orders/:id', { params: { id: 'x' } })).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('ends the session on 401 and tells the listeners', async () => {
    const ended = vi.fn();
    const stop = onUnauthorized(ended);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ error: 'unauthorized', message: 'no' }, { status: 401 })),
    );
    await expect(apiCall('GET /api/health')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(ended).toHaveBeenCalledOnce();
    expect(window.sessionStorage.getItem('sct.console-token')).toBeNull();
    await expect(apiCall('GET /api/health')).rejects.toMatchObject({ status: 0, code: 'not_connected' });
    stop();
  });

  it('returns the newest drift report, or null before the first check', async () => {
    const report = {
      id: 3,
      startedAt: '2024-05-03T10:00:00.000Z',
      finishedAt: '2024-05-03T10:01:00.000Z',
      replaySchema: 'replay_x',
      replayedMessages: 10,
      replayEventsPerSecond: 100,
      ok: true,
      streamMoved: false,
      tables: [],
      kpiDifferences: [],
      redis: { checked: 0, stale: 0, sampleKeys: [] },
    };
    const fetchMock = vi.fn(async () => Response.json(report));
    vi.stubGlobal('fetch', fetchMock);
    expect(await apiCall('GET /api/drift/last')).toEqual(report);
    expect(fetchCall(fetchMock)[0]).toBe('http://127.0.0.1:7000/api/drift/last');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json(null)),
    );
    expect(await apiCall('GET /api/drift/last')).toBeNull();
  });

  it('reads the 404/422 of a re-drive as its answer, and sends the body as JSON', async () => {
    const answer = {
      results: [],
      redriven: 0,
      rejected: 0,
      refused: 0,
      notFound: 1,
      error: 'not_found',
      message: 'none',
    };
    const fetchMock = vi.fn(async () => Response.json(answer, { status: 404 }));
    vi.stubGlobal('fetch', fetchMock);
    const key = { sourceTopic: 'sct.orders', sourcePartition: 0, sourceOffset: '1' };
    expect(await apiCall('POST /api/dead-letters/redrive', { body: { keys: [key] } })).toEqual(answer);
    const [, init] = fetchCall(fetchMock);
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ keys: [key] });
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('signs out with no body and reads the 204', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    expect(await apiCall('POST /api/auth/logout')).toBeUndefined();
    expect(fetchCall(fetchMock)[1].body).toBeUndefined();
  });
});

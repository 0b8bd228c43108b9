import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeNotification } from '../../../contracts/api';
import {
  ApiRequestError,
  getOrder,
  injectEvent,
  isApiError,
  listOrders,
  openLiveStream,
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
});

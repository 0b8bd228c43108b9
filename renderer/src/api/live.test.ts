import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChangeNotification } from '../../../contracts/api';
import { submitToken } from './connection';
import { openLiveStream, type LiveStatus } from './live';
import { browserWindow, fetchCall } from './testing';

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

describe('live stream', () => {
  beforeEach(() => {
    vi.stubGlobal('window', browserWindow());
    submitToken('secret-token');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('reads the stream, skips invalid notifications, reconnects after it ends, and stops on 401', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const change: ChangeNotification = {
      source: 'order-processor',
      orderIds: ['o-1'],
      shipmentIds: [],
      kpi: true,
      truncated: false,
      at: '2024-05-03T10:00:00Z',
    };
    const frame = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    const invalid = `event: change\ndata: ${JSON.stringify({ ...change, source: 'nobody' })}\n\n`;
    const responses = [
      sseResponse([': hello\n\n', frame.slice(0, 20), frame.slice(20), invalid, 'event: other\ndata: x\n\n']),
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
    expect((fetchCall(fetchMock)[1].headers as Record<string, string>).Authorization).toBe(
      'Bearer secret-token',
    );
  });

  it("waits the server's retry time and drops a frame cut off by the end of the stream", async () => {
    const change: ChangeNotification = {
      source: 'shipment-tracker',
      orderIds: [],
      shipmentIds: ['s-1'],
      kpi: false,
      truncated: false,
      at: '2024-05-03T10:00:00Z',
    };
    const responses = [
      sseResponse(['retry: 60\n\n', 'event: change\ndata: {"source":']),
      sseResponse([`event: change\ndata: ${JSON.stringify(change)}\n\n`]),
      new Response(JSON.stringify({ error: 'unauthorized', message: 'no' }), { status: 401 }),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => responses.shift() ?? Promise.reject(new Error('unexpected'))),
    );
    const changes: ChangeNotification[] = [];
    const waits: number[] = [];
    await new Promise<void>((resolve) => {
      openLiveStream(
        {
          onChange: (c) => changes.push(c),
          onOpen: () => undefined,
          onStatus: (s, detail) => {
            if (detail.retryInMs !== undefined) waits.push(detail.retryInMs);
            if (s === 'stopped') resolve();
          },
        },
        { idleTimeoutMs: 5_000, backoff: { baseMs: 10, maxMs: 20 } },
      );
    });
    expect(changes).toEqual([change]);
    expect(waits[0]).toBe(60);
  });
});

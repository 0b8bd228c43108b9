/** The main process's IPC helper: one sender check and request validation for every channel. */
import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../contracts/ipc';
import { registerIpcHandlers, type IpcHandlers } from './ipc';

type Listener = (event: IpcMainInvokeEvent, request: unknown) => unknown;

function setup(trusted: boolean) {
  const listeners = new Map<string, Listener>();
  const ipc = {
    handle: vi.fn((channel: string, listener: Listener) => void listeners.set(channel, listener)),
  };
  const handlers = {
    'api:get-connection': vi.fn(() => ({ baseUrl: 'http://127.0.0.1:1', token: 't' })),
    'app:notify': vi.fn(),
  } satisfies IpcHandlers;
  registerIpcHandlers(ipc, () => trusted, handlers);
  // The helper never reads the event itself: it hands it to isTrusted and the handler.
  const event = {} as IpcMainInvokeEvent;
  return { listeners, handlers, event };
}

const validRequest: Record<string, unknown> = { 'app:notify': { title: 't', body: 'b' } };

describe('registerIpcHandlers', () => {
  it('registers every channel of the contract', () => {
    const { listeners } = setup(true);
    expect([...listeners.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it.each(IPC_CHANNELS)('refuses an untrusted sender on %s without calling its handler', (channel) => {
    const { listeners, handlers, event } = setup(false);
    expect(() => listeners.get(channel)!(event, validRequest[channel])).toThrow(/untrusted sender/);
    expect(handlers[channel]).not.toHaveBeenCalled();
  });

  it('validates the request before the handler sees it', async () => {
    const { listeners, handlers, event } = setup(true);
    expect(() => listeners.get('app:notify')!(event, { title: 1 })).toThrow(/invalid request/);
    expect(() => listeners.get('api:get-connection')!(event, { sneaky: true })).toThrow(/invalid request/);
    expect(handlers['app:notify']).not.toHaveBeenCalled();
    await listeners.get('app:notify')!(event, { title: 't', body: 'b' });
    expect(handlers['app:notify']).toHaveBeenCalledWith({ title: 't', body: 'b' }, event);
    expect(await listeners.get('api:get-connection')!(event, undefined)).toEqual({
      baseUrl: 'http://127.0.0.1:1',
      token: 't',
    });
  });

  it('throws when a channel has no handler', () => {
    const ipc = { handle: vi.fn() };
    const partial = { 'api:get-connection': () => ({ baseUrl: '', token: '' }) };
    // @ts-expect-error -- the type requires every channel; this proves the runtime check too.
    expect(() => registerIpcHandlers(ipc, () => true, partial)).toThrow(/no IPC handler for app:notify/);
  });
});

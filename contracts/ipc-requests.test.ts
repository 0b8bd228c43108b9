import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from './ipc';
import { IPC_REQUEST_SCHEMAS } from './ipc-requests';

describe('IPC contract', () => {
  it('lists every channel that has a request schema, once', () => {
    expect([...IPC_CHANNELS].sort()).toEqual(Object.keys(IPC_REQUEST_SCHEMAS).sort());
    expect(new Set(IPC_CHANNELS).size).toBe(IPC_CHANNELS.length);
  });

  it('validates requests as the renderer sends them', () => {
    expect(IPC_REQUEST_SCHEMAS['api:get-connection'].safeParse(undefined).success).toBe(true);
    expect(IPC_REQUEST_SCHEMAS['app:notify'].safeParse({ title: 't', body: 'b' }).success).toBe(true);
    expect(IPC_REQUEST_SCHEMAS['app:notify'].safeParse({ title: 1 }).success).toBe(false);
  });
});

/** The preload with `electron` mocked: it exposes exactly the DesktopBridge, over the contract's channels. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DESKTOP_BRIDGE_KEY,
  DESKTOP_BRIDGE_METHODS,
  IPC_CHANNELS,
  type DesktopBridge,
} from '../../contracts/ipc';

const exposed = new Map<string, unknown>();
const invoke = vi.fn((_channel: string, ..._args: unknown[]) => Promise.resolve('answer'));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
  ipcRenderer: { invoke },
}));

describe('preload', () => {
  let bridge: DesktopBridge;
  beforeAll(async () => {
    await import('./index');
    bridge = exposed.get(DESKTOP_BRIDGE_KEY) as DesktopBridge;
  });

  it('exposes one global, the DesktopBridge, with exactly its methods', () => {
    expect([...exposed.keys()]).toEqual(['sctDesktop']);
    expect(Object.keys(bridge).sort()).toEqual([...DESKTOP_BRIDGE_METHODS].sort());
    for (const method of DESKTOP_BRIDGE_METHODS) expect(typeof bridge[method]).toBe('function');
  });

  it('maps each method to its channel of the contract', async () => {
    await expect(bridge.getApiConnection()).resolves.toBe('answer');
    expect(invoke).toHaveBeenLastCalledWith('api:get-connection');
    await bridge.notify('Late wave', '12 shipments');
    expect(invoke).toHaveBeenLastCalledWith('app:notify', { title: 'Late wave', body: '12 shipments' });
    const used = new Set(invoke.mock.calls.map(([channel]) => channel));
    expect([...used].sort()).toEqual([...IPC_CHANNELS].sort());
  });
});

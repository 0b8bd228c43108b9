/** The preload with `electron` mocked: it exposes exactly the DesktopBridge, over the contract's channels. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DESKTOP_BRIDGE_KEY,
  DESKTOP_BRIDGE_METHODS,
  IPC_CHANNELS,
  IPC_EVENTS,
  type DesktopBridge,
} from '../../contracts/ipc';

const exposed = new Map<string, unknown>();
const invoke = vi.fn((_channel: string, ..._args: unknown[]) => Promise.resolve('answer'));
type Listener = (event: unknown, ...args: unknown[]) => void;
const listeners = new Map<string, Set<Listener>>();
const on = vi.fn((channel: string, listener: Listener) => {
  if (!listeners.has(channel)) listeners.set(channel, new Set());
  listeners.get(channel)!.add(listener);
});
const removeListener = vi.fn((channel: string, listener: Listener) =>
  listeners.get(channel)?.delete(listener),
);
const send = (channel: string, ...args: unknown[]) => {
  for (const l of listeners.get(channel) ?? []) l({ sender: 'raw-ipc-event' }, ...args);
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void exposed.set(key, api) },
  ipcRenderer: { invoke, on, removeListener },
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

  it('hands the page only known shortcut actions from the menu, never the IPC event', () => {
    const seen: unknown[][] = [];
    const off = bridge.onShortcut((...args) => void seen.push(args));
    expect([...listeners.keys()]).toEqual([...IPC_EVENTS]);
    send('menu:shortcut', { kind: 'go', page: 'orders' });
    send('menu:shortcut', { kind: 'go', page: 'file:///etc/passwd' });
    send('menu:shortcut', { kind: 'help', extra: 'x' });
    send('menu:shortcut', 'help');
    send('menu:shortcut', { kind: 'theme' });
    expect(seen).toEqual([[{ kind: 'go', page: 'orders' }], [{ kind: 'theme' }]]);
    off();
    send('menu:shortcut', { kind: 'help' });
    expect(seen).toHaveLength(2);
    expect(removeListener).toHaveBeenCalledTimes(1);
  });
});

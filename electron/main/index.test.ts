/** The Electron shell with `electron` mocked: window options, IPC sender checks, startup failure. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../contracts/ipc';
import type { Spawner } from '../../server/supervisor';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const windows: { options: { webPreferences: Record<string, unknown> }; loadURL: ReturnType<typeof vi.fn> }[] =
  [];
const showErrorBox = vi.fn();
const exit = vi.fn();
const startCore = vi.fn();
const utilityFork = vi.fn(() => ({ pid: 4242, kill: vi.fn(), once: vi.fn() }));
const notificationShow = vi.fn();
const notifications: unknown[] = [];

vi.mock('electron', () => ({
  app: {
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/sct',
    getPath: () => '/tmp/sct-user-data',
    on: vi.fn(),
    exit,
    quit: vi.fn(),
  },
  BrowserWindow: class {
    webContents = { setWindowOpenHandler: vi.fn(), on: vi.fn() };
    loadURL = vi.fn(async () => undefined);
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      windows.push(this);
    }
  },
  dialog: { showErrorBox },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
      handlers.set(channel, fn),
  },
  Notification: class {
    show = notificationShow;
    constructor(options: unknown) {
      notifications.push(options);
    }
  },
  utilityProcess: { fork: utilityFork },
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (s: string) => Buffer.from(`sealed:${s}`),
    decryptString: (b: Buffer) => b.toString().replace(/^sealed:/, ''),
  },
}));
// The core opens the API whatever the services' state (server/core.ts openCore).
vi.mock('../../server/core', () => ({ openCore: startCore }));

async function loadShell(): Promise<void> {
  vi.resetModules();
  await import('./index');
  await vi.waitFor(() => expect(startCore).toHaveBeenCalled());
  await new Promise((r) => setTimeout(r, 10));
}

describe('electron shell', () => {
  beforeEach(() => {
    handlers.clear();
    windows.length = 0;
    startCore.mockReset();
    showErrorBox.mockReset();
    exit.mockReset();
    notificationShow.mockReset();
    notifications.length = 0;
  });

  it('opens a sandboxed, isolated window and answers IPC only for its own renderer', async () => {
    startCore.mockResolvedValue({ url: 'http://127.0.0.1:4321', token: 'secret', stop: vi.fn() });
    await loadShell();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    const loaded = windows[0]!.loadURL.mock.calls[0]![0] as string;
    const trusted = { senderFrame: { url: loaded } };
    expect(await handlers.get('api:get-connection')!(trusted, undefined)).toEqual({
      baseUrl: 'http://127.0.0.1:4321',
      token: 'secret',
    });
    await handlers.get('app:notify')!(trusted, { title: 'Late wave', body: '12 shipments' });
    expect(notifications).toEqual([{ title: 'Late wave', body: '12 shipments' }]);
    expect(notificationShow).toHaveBeenCalledTimes(1);
  });

  it('has a handler for every channel of the contract, and none besides', async () => {
    startCore.mockResolvedValue({ url: 'http://127.0.0.1:4321', token: 'secret', stop: vi.fn() });
    await loadShell();
    expect([...handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it.each(IPC_CHANNELS)('refuses an untrusted sender on %s', async (channel) => {
    startCore.mockResolvedValue({ url: 'http://127.0.0.1:4321', token: 'secret', stop: vi.fn() });
    await loadShell();
    const handler = handlers.get(channel)!;
    const request = channel === 'app:notify' ? { title: 't', body: 'b' } : undefined;
    for (const event of [
      { senderFrame: { url: 'https://attacker.invalid/' } },
      { senderFrame: { url: 'file:///tmp/evil.html' } },
      { senderFrame: null },
      {},
    ]) {
      expect(() => handler(event, request)).toThrow(/untrusted sender/);
    }
    expect(notificationShow).not.toHaveBeenCalled();
  });

  it('starts workers as utility processes with the V8 heap caps unless NODE_OPTIONS sets one', async () => {
    startCore.mockResolvedValue({ url: 'http://127.0.0.1:4321', token: 'secret', stop: vi.fn() });
    await loadShell();
    const { spawn } = startCore.mock.calls[0]![0] as { spawn: Spawner };
    utilityFork.mockClear();
    const child = spawn('order-processor', '/w/order-processor.mjs', { A: '1' });
    expect(child.pid).toBe(4242);
    expect(utilityFork).toHaveBeenCalledWith('/w/order-processor.mjs', [], {
      env: { A: '1' },
      execArgv: ['--max-old-space-size=128', '--max-semi-space-size=8'],
      serviceName: 'order-processor',
      stdio: 'inherit',
    });
    spawn('shipment-tracker', '/w/shipment-tracker.mjs', { NODE_OPTIONS: '--max-old-space-size=512' });
    expect(utilityFork).toHaveBeenLastCalledWith(
      '/w/shipment-tracker.mjs',
      [],
      expect.objectContaining({ execArgv: [] }),
    );
  });

  it('hands the core the desktop settings (keychain-sealed passwords, writable)', async () => {
    startCore.mockResolvedValue({ url: 'http://127.0.0.1:4321', token: 'secret', stop: vi.fn() });
    await loadShell();
    const { settings } = startCore.mock.calls[0]![0] as {
      settings: { secretStorage: string; save: unknown };
    };
    expect(settings.secretStorage).toBe('keychain');
    expect(settings.save).toEqual(expect.any(Function));
  });

  it('shows the error instead of crashing when the core cannot open (e.g. its port is taken)', async () => {
    startCore.mockRejectedValue(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4321'));
    await loadShell();
    await vi.waitFor(() => expect(showErrorBox).toHaveBeenCalled());
    expect(showErrorBox.mock.calls[0]![1]).toContain('EADDRINUSE');
    expect(exit).toHaveBeenCalledWith(3);
    expect(windows).toHaveLength(0);
  });
});

/** The Electron shell with `electron` mocked: window options, IPC sender checks, startup failure. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Spawner } from './core/supervisor';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const windows: { options: { webPreferences: Record<string, unknown> }; loadURL: ReturnType<typeof vi.fn> }[] =
  [];
const showErrorBox = vi.fn();
const exit = vi.fn();
const startCore = vi.fn();
const utilityFork = vi.fn(() => ({ pid: 4242, kill: vi.fn(), once: vi.fn() }));

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
    show = vi.fn();
  },
  utilityProcess: { fork: utilityFork },
}));
vi.mock('./core/core', () => ({ startCore }));

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
    const getConnection = handlers.get('api:get-connection')!;
    expect(await getConnection({ senderFrame: { url: loaded } })).toEqual({
      baseUrl: 'http://127.0.0.1:4321',
      token: 'secret',
    });
    expect(() => getConnection({ senderFrame: { url: 'https://attacker.invalid/' } })).toThrow(
      /untrusted sender/,
    );
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

  it('shows the service error instead of crashing when the core cannot start', async () => {
    startCore.mockRejectedValue(new Error('Kafka is not reachable at 127.0.0.1:9092'));
    await loadShell();
    await vi.waitFor(() => expect(showErrorBox).toHaveBeenCalled());
    expect(showErrorBox.mock.calls[0]![1]).toContain('Kafka is not reachable');
    expect(exit).toHaveBeenCalledWith(3);
    expect(windows).toHaveLength(0);
  });
});

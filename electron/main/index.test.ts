/** The Electron shell with `electron` mocked: window options, IPC sender checks, startup failure. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../contracts/ipc';
import type { Spawner } from '../../server/supervisor';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
interface FakeWindow {
  options: { webPreferences: Record<string, unknown>; width: number; height: number };
  loadURL: ReturnType<typeof vi.fn>;
  webContents: { send: ReturnType<typeof vi.fn> };
}
const windows: FakeWindow[] = [];
const appOn = new Map<string, (...args: unknown[]) => void>();
const requestSingleInstanceLock = vi.fn(() => true);
const quit = vi.fn();
const setApplicationMenu = vi.fn();
const permissionHandlers = { request: vi.fn(), check: vi.fn(), device: vi.fn() };
const userData = mkdtempSync(path.join(tmpdir(), 'sct-shell-'));
const showErrorBox = vi.fn();
const exit = vi.fn();
const startCore = vi.fn();
const utilityFork = vi.fn(() => ({ pid: 4242, kill: vi.fn(), once: vi.fn() }));
const notificationShow = vi.fn();
const notifications: unknown[] = [];
const workArea = { x: 0, y: 0, width: 1920, height: 1080 };

vi.mock('electron', () => ({
  app: {
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/sct',
    getPath: () => userData,
    getVersion: () => '0.1.0',
    requestSingleInstanceLock,
    on: vi.fn((event: string, listener: (...args: unknown[]) => void) => void appOn.set(event, listener)),
    exit,
    quit,
  },
  BrowserWindow: class {
    webContents = { setWindowOpenHandler: vi.fn(), on: vi.fn(), send: vi.fn() };
    loadURL = vi.fn(async () => undefined);
    on = vi.fn();
    once = vi.fn();
    maximize = vi.fn();
    isMaximized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1440, height: 900 });
    constructor(public options: FakeWindow['options']) {
      windows.push(this);
    }
  },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu },
  screen: { getPrimaryDisplay: () => ({ workArea }), getAllDisplays: () => [{ workArea }] },
  session: {
    defaultSession: {
      setPermissionRequestHandler: permissionHandlers.request,
      setPermissionCheckHandler: permissionHandlers.check,
      setDevicePermissionHandler: permissionHandlers.device,
    },
  },
  dialog: { showErrorBox, showMessageBox: vi.fn(async () => ({ response: 0 })) },
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
      handlers.set(channel, fn),
  },
  Notification: class {
    static isSupported = () => true;
    show = notificationShow;
    on = vi.fn();
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

const fakeCore = () => ({
  url: 'http://127.0.0.1:4321',
  token: 'secret',
  stop: vi.fn(),
  pool: { query: vi.fn(async () => ({ rows: [] })) },
  onChange: vi.fn(),
  whenReady: vi.fn(async () => undefined),
});

async function loadShell(): Promise<void> {
  vi.resetModules();
  await import('./index');
  await vi.waitFor(() => expect(startCore).toHaveBeenCalled());
  await new Promise((r) => setTimeout(r, 10));
}

afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('electron shell', () => {
  beforeEach(() => {
    handlers.clear();
    windows.length = 0;
    startCore.mockReset();
    showErrorBox.mockReset();
    exit.mockReset();
    notificationShow.mockReset();
    notifications.length = 0;
    appOn.clear();
    quit.mockReset();
    requestSingleInstanceLock.mockReset().mockReturnValue(true);
    setApplicationMenu.mockReset();
    writeFileSync(path.join(userData, 'desktop-state.json'), '{}');
  });

  it('opens a sandboxed, isolated window and answers IPC only for its own renderer', async () => {
    startCore.mockResolvedValue(fakeCore());
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
    // Injections while Kafka is down are kept in the app's own data folder.
    expect(startCore.mock.calls[0]![0]).toMatchObject({ outboxDir: path.join(userData, 'outbox') });
  });

  it('has a handler for every channel of the contract, and none besides', async () => {
    startCore.mockResolvedValue(fakeCore());
    await loadShell();
    expect([...handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it.each(IPC_CHANNELS)('refuses an untrusted sender on %s', async (channel) => {
    startCore.mockResolvedValue(fakeCore());
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
    startCore.mockResolvedValue(fakeCore());
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

  it('quits at once, starting nothing, when another instance runs', async () => {
    requestSingleInstanceLock.mockReturnValue(false);
    vi.resetModules();
    await import('./index');
    await new Promise((r) => setTimeout(r, 20));
    expect(quit).toHaveBeenCalled();
    expect(startCore).not.toHaveBeenCalled();
    expect(windows).toHaveLength(0);
  });

  it('hardens every web contents the app creates and refuses every permission', async () => {
    startCore.mockResolvedValue(fakeCore());
    await loadShell();
    expect(appOn.has('web-contents-created')).toBe(true);
    expect(appOn.has('second-instance')).toBe(true);
    const callback = vi.fn();
    (permissionHandlers.request.mock.calls.at(-1)![0] as (...a: unknown[]) => void)({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    // A contents the page manages to create is hardened with the console's URL.
    const on = new Map<string, (...a: unknown[]) => void>();
    let openHandler: ((d: { url: string }) => unknown) | null = null;
    appOn.get('web-contents-created')!(
      {},
      {
        setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void (openHandler = h),
        on: (e: string, l: () => void) => on.set(e, l),
      },
    );
    expect(openHandler!({ url: 'https://example.invalid/' })).toEqual({ action: 'deny' });
    const nav = { preventDefault: vi.fn() };
    on.get('will-navigate')!(nav, 'http://127.0.0.1:4321/#/orders');
    expect(nav.preventDefault).not.toHaveBeenCalled();
    on.get('will-navigate')!(nav, 'https://example.invalid/');
    expect(nav.preventDefault).toHaveBeenCalled();
  });

  it('reopens the last page, sets the shortcut menu, and sends a chosen shortcut to the page', async () => {
    writeFileSync(path.join(userData, 'desktop-state.json'), JSON.stringify({ lastHash: '#/pipeline' }));
    startCore.mockResolvedValue(fakeCore());
    await loadShell();
    expect(windows[0]!.loadURL).toHaveBeenCalledWith('http://127.0.0.1:4321/#/pipeline');
    const template = setApplicationMenu.mock.calls[0]![0] as {
      label: string;
      submenu: { label?: string; click?: (i: unknown) => void }[];
    }[];
    const go = template.find((m) => m.label === '&Go')!;
    go.submenu.find((i) => i.label?.startsWith('Go to the orders'))!.click!({});
    expect(windows[0]!.webContents.send).toHaveBeenCalledWith('menu:shortcut', {
      kind: 'go',
      page: 'orders',
    });
  });

  it('raises an OS notification for a new shipment exception unless switched off in the menu', async () => {
    const core = fakeCore();
    startCore.mockResolvedValue(core);
    await loadShell();
    const listener = core.onChange.mock.calls[0]![0] as (n: unknown) => void;
    core.pool.query.mockResolvedValue({
      rows: [
        { shipmentId: 'S-9', status: 'exception', reason: 'damaged', since: '2026-12-03T10:00:00.000Z' },
      ],
    } as never);
    const change = {
      source: 'shipment-tracker',
      orderIds: [],
      shipmentIds: ['S-9'],
      kpi: false,
      at: '2026-12-03T10:00:01.000Z',
      truncated: false,
    };
    listener(change);
    await vi.waitFor(() =>
      expect(notifications).toContainEqual({
        title: 'New shipment exception',
        body: 'Shipment S-9: damaged',
      }),
    );
    // Switch off through the menu's checkbox: the next new exception stays quiet.
    const template = setApplicationMenu.mock.calls.at(-1)![0] as {
      label: string;
      submenu: { label?: string; click?: (i: unknown) => void }[];
    }[];
    template
      .find((m) => m.label === '&File')!
      .submenu.find((i) => i.label === 'Notify on new shipment exceptions')!.click!({ checked: false });
    core.pool.query.mockResolvedValue({
      rows: [{ shipmentId: 'S-10', status: 'exception', reason: 'lost', since: '2026-12-03T10:05:00.000Z' }],
    } as never);
    listener({ ...change, shipmentIds: ['S-10'] });
    await new Promise((r) => setTimeout(r, 20));
    expect(notifications.filter((n) => JSON.stringify(n).includes('S-10'))).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(userData, 'desktop-state.json'), 'utf8'))).toMatchObject({
      notifyExceptions: false,
    });
  });
});

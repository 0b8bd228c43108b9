/**
 * Electron shell (thin): starts the main-process core, opens the console window and answers the
 * typed IPC channels of contracts/ipc.ts (through ./ipc.ts). Workers run as Electron
 * `utilityProcess`es (./utility-spawner.ts). Everything else lives in `server/` and runs in plain
 * Node (see server/headless.ts). The pieces with logic are separate, unit-tested modules:
 * window-security.ts (what a page may do), single-instance.ts, desktop-state.ts (window and last
 * page remembered), menu.ts (the shortcut table as the application menu), about.ts, and
 * server/exception-alerts.ts (OS notifications for new shipment exceptions).
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  safeStorage,
  screen,
  session,
  type BrowserWindowConstructorOptions,
} from 'electron';
import type { ApiConnection, ShortcutAction } from '../../contracts';
import { migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { openCore, type Core } from '../../server/core';
import { ExceptionAlerts, pgOpenExceptions } from '../../server/exception-alerts';
import { aboutText } from './about';
import {
  DESKTOP_STATE_FILE,
  loadDesktopState,
  saveDesktopState,
  trackWindow,
  windowBounds,
  type DesktopState,
} from './desktop-state';
import { registerIpcHandlers } from './ipc';
import { menuTemplate } from './menu';
import { desktopOutboxDir, desktopSettings, safeStorageSecrets } from './settings';
import { claimSingleInstance } from './single-instance';
import { createUtilitySpawner } from './utility-spawner';
import { denyAllPermissions, hardenApp, isTrustedSender, secureWebPreferences } from './window-security';

const PRODUCT_NAME = 'Supply Chain Event Tracker';

let core: Core | null = null;
let win: BrowserWindow | null = null;

async function main(): Promise<void> {
  // A second launch only brings the running app's window to the front.
  if (!claimSingleInstance(app, () => win)) return;
  await app.whenReady();
  const appRoot = app.getAppPath();
  // Packaged: workers and migrations are unpacked next to the asar archive (electron-builder.yml).
  const unpackedRoot = appRoot.replace(/app\.asar$/, 'app.asar.unpacked');
  const userData = app.getPath('userData');
  // The app's settings file, passwords sealed in the OS keychain (./settings.ts). Unreachable
  // services do not stop the app: the core opens the console on its connection screen.
  const settings = desktopSettings(
    path.join(userData, 'settings.json'),
    process.env,
    safeStorageSecrets(safeStorage),
  );
  let config;
  try {
    config = settings.resolve().config;
  } catch (err) {
    dialog.showErrorBox(`${PRODUCT_NAME}: invalid settings`, (err as Error).message);
    app.exit(2);
    return;
  }
  const log = createLogger('main', config.logLevel);
  const stateFile = path.join(userData, DESKTOP_STATE_FILE);
  const state: DesktopState = loadDesktopState(stateFile);
  const save = (s: DesktopState): void => {
    try {
      saveDesktopState(stateFile, s);
    } catch (err) {
      log.warn({ err: String(err), file: stateFile }, 'window state not saved');
    }
  };

  // Before any page exists: every web contents is locked down, every permission refused.
  let rendererUrl = 'about:blank';
  hardenApp(
    app,
    () => rendererUrl,
    (attempt) => log.warn({ attempt }, 'blocked by the window policy'),
  );
  denyAllPermissions(session.defaultSession);

  try {
    core = await openCore({
      config,
      log,
      migrationsDir: migrationsDir(unpackedRoot),
      workersDir: path.join(unpackedRoot, 'out', 'workers'),
      spawn: createUtilitySpawner(),
      rendererDir: path.join(appRoot, 'out', 'renderer'),
      // The window's secret comes from the preload: its holder is the OS user, audited as `desktop`.
      tokenMethod: 'desktop',
      settings,
      outboxDir: desktopOutboxDir(userData, process.env),
    });
  } catch (err) {
    dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, (err as Error).message);
    app.exit(3);
    return;
  }
  const started = core;
  // The console is served by the embedded API on loopback (same origin as the API it calls).
  rendererUrl = process.env.ELECTRON_RENDERER_URL ?? `${started.url}/`;
  const connection: ApiConnection = { baseUrl: started.url, token: started.token };

  registerIpcHandlers(ipcMain, (event) => isTrustedSender(event.senderFrame?.url, rendererUrl), {
    'api:get-connection': () => connection,
    'app:notify': ({ title, body }) => {
      new Notification({ title: title.slice(0, 200), body: body.slice(0, 1000) }).show();
    },
  });

  // OS notifications for new shipment exceptions, while the menu's switch is on.
  const alerts = new ExceptionAlerts(
    pgOpenExceptions(() => started.pool),
    (alert) => {
      if (!state.notifyExceptions || !Notification.isSupported()) return;
      const note = new Notification({ title: alert.title, body: alert.body });
      note.on('click', () => {
        if (!win) return;
        if (win.isMinimized()) win.restore();
        win.focus();
        const [only, ...others] = alert.shipmentIds;
        openPage(only && others.length === 0 ? `#/shipments/${encodeURIComponent(only)}` : '#/exceptions');
      });
      note.show();
    },
    (err) => log.warn({ err: String(err) }, 'exception alerts: read model not reachable'),
  );
  // Exceptions already open when the read models answer are not news.
  void started.whenReady().then(() => alerts.prime());
  started.onChange((n) => void alerts.onChange(n));

  const bounds = windowBounds(
    state.bounds,
    [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea),
  );
  const options: BrowserWindowConstructorOptions = {
    ...bounds,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: PRODUCT_NAME,
    icon: path.join(appRoot, 'resources', 'icon.png'),
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  };
  win = new BrowserWindow(options);
  const window = win;
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  trackWindow(window, state, rendererUrl, save);
  window.on('closed', () => {
    win = null;
  });

  /** Runs a shortcut's action in the page (the menu). */
  function send(action: ShortcutAction): void {
    win?.webContents.send('menu:shortcut', action);
  }
  /** Opens a console route (`#/...`) in the window (a clicked exception alert). */
  function openPage(hash: string): void {
    if (win) void win.loadURL(`${rendererUrl}${hash}`);
  }
  const showAbout = (): void => {
    const { message, detail } = aboutText(
      PRODUCT_NAME,
      { app: app.getVersion(), ...process.versions },
      config,
      started.url,
    );
    void dialog.showMessageBox(window, {
      type: 'info',
      title: `About ${PRODUCT_NAME}`,
      message,
      detail,
      buttons: ['OK'],
    });
  };
  const setMenu = (): void =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          productName: PRODUCT_NAME,
          platform: process.platform,
          runShortcut: (action) => send(action),
          notifyExceptions: state.notifyExceptions,
          setNotifyExceptions: (on) => {
            state.notifyExceptions = on;
            save(state);
            setMenu();
          },
          showAbout,
        }),
      ),
    );
  setMenu();

  await window.loadURL(`${rendererUrl}${state.lastHash}`);
}

app.on('window-all-closed', () => app.quit());
// A failed stop must not leave an unhandled rejection behind while the app quits.
app.on('before-quit', () => void core?.stop().catch(() => undefined));
main().catch((err: unknown) => {
  // Anything after the core started (e.g. the window failing to load) ends the app with a message.
  dialog.showErrorBox(`${PRODUCT_NAME} stopped`, err instanceof Error ? err.message : String(err));
  app.exit(1);
});

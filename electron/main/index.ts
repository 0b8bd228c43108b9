/**
 * Electron shell (thin): starts the main-process core, opens the console window and answers the
 * typed IPC channels of contracts/ipc.ts (through ./ipc.ts). Workers run as Electron `utilityProcess`es. Everything
 * else lives in `core/` and runs in plain Node (see headless.ts).
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, safeStorage, utilityProcess } from 'electron';
import type { ApiConnection } from '../../contracts';
import { migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { openCore, type Core } from '../../server/core';
import { workerExecArgv, type Spawner } from '../../server/supervisor';
import { registerIpcHandlers } from './ipc';
import { desktopSettings, safeStorageSecrets } from './settings';
import { isAllowedNavigation, isTrustedSender, secureWebPreferences } from './window-security';

const utilitySpawner: Spawner = (name, script, env) => {
  const child = utilityProcess.fork(script, [], {
    env,
    execArgv: workerExecArgv(env),
    serviceName: name,
    stdio: 'inherit',
  });
  return {
    get pid() {
      return child.pid ?? null;
    },
    kill: () => void child.kill(),
    onExit: (listener) => void child.once('exit', (code) => listener(code)),
  };
};

let core: Core | null = null;

async function main(): Promise<void> {
  await app.whenReady();
  const appRoot = app.getAppPath();
  // Packaged: workers and migrations are unpacked next to the asar archive (electron-builder.yml).
  const unpackedRoot = appRoot.replace(/app\.asar$/, 'app.asar.unpacked');
  // The app's settings file, passwords sealed in the OS keychain (./settings.ts). Unreachable
  // services do not stop the app: the core opens the console on its connection screen.
  const settings = desktopSettings(
    path.join(app.getPath('userData'), 'settings.json'),
    process.env,
    safeStorageSecrets(safeStorage),
  );
  let config;
  try {
    config = settings.resolve().config;
  } catch (err) {
    dialog.showErrorBox('Supply Chain Event Tracker: invalid settings', (err as Error).message);
    app.exit(2);
    return;
  }
  const log = createLogger('main', config.logLevel);
  try {
    core = await openCore({
      config,
      log,
      migrationsDir: migrationsDir(unpackedRoot),
      workersDir: path.join(unpackedRoot, 'out', 'workers'),
      spawn: utilitySpawner,
      rendererDir: path.join(appRoot, 'out', 'renderer'),
      // The window's secret comes from the preload: its holder is the OS user, audited as `desktop`.
      tokenMethod: 'desktop',
      settings,
    });
  } catch (err) {
    dialog.showErrorBox('Supply Chain Event Tracker cannot start', (err as Error).message);
    app.exit(3);
    return;
  }
  // The console is served by the embedded API on loopback (same origin as the API it calls).
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? `${core.url}/`;
  const connection: ApiConnection = { baseUrl: core.url, token: core.token };

  registerIpcHandlers(ipcMain, (event) => isTrustedSender(event.senderFrame?.url, rendererUrl), {
    'api:get-connection': () => connection,
    'app:notify': ({ title, body }) => {
      new Notification({ title: title.slice(0, 200), body: body.slice(0, 1000) }).show();
    },
  });

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Supply Chain Event Tracker',
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  await win.loadURL(rendererUrl);
}

app.on('window-all-closed', () => app.quit());
// A failed stop must not leave an unhandled rejection behind while the app quits.
app.on('before-quit', () => void core?.stop().catch(() => undefined));
main().catch((err: unknown) => {
  // Anything after the core started (e.g. the window failing to load) ends the app with a message.
  dialog.showErrorBox('Supply Chain Event Tracker stopped', err instanceof Error ? err.message : String(err));
  app.exit(1);
});

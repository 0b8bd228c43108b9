/**
 * One app per user session: a second launch (a second double click on the icon) does not start
 * a second core on the same database and workers; it brings the first window to the front.
 */

/** The parts of Electron's `app` used here. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** The parts of a `BrowserWindow` used here. */
export interface FocusableWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * Takes the single-instance lock. When another instance holds it, quits this one and returns
 * false (the caller then does nothing else). Otherwise returns true and, on every later launch,
 * restores (if minimised), shows and focuses the window `currentWindow` returns (none yet: nothing).
 */
export function claimSingleInstance(
  app: SingleInstanceApp,
  currentWindow: () => FocusableWindow | null,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    const win = currentWindow();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  return true;
}

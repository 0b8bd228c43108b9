/**
 * What the desktop app remembers between runs, in `<userData>/desktop-state.json`: the window's
 * size, position and maximised state, the last page (the console's hash route) and whether new
 * shipment exceptions raise an OS notification. Nothing secret is kept here (the connection
 * settings are the settings file's, runtime/config.ts).
 *
 * Reading never fails: a missing, unreadable or malformed file (or field) gives the defaults for
 * what it lacks. Writing goes to a temporary file renamed over the old one, so a crash mid-write
 * leaves the previous state.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A window rectangle in screen pixels (DIP), as Electron's `Rectangle`. */
export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DesktopState {
  /** Last normal (not maximised) bounds; null before the first run. */
  bounds: Bounds | null;
  maximized: boolean;
  /** The console's last hash route, e.g. `#/orders?status=late` (see {@link isConsoleHash}). */
  lastHash: string;
  /** OS notification for each new shipment exception (the menu's Notifications item). */
  notifyExceptions: boolean;
}

export const DEFAULT_DESKTOP_STATE: DesktopState = {
  bounds: null,
  maximized: false,
  lastHash: '#/',
  notifyExceptions: true,
};

/** The smallest window the console lays out without breaking (1280x720 screens, with room). */
export const MIN_WINDOW = { width: 1024, height: 640 } as const;
/** The size of a first window (before anything was remembered), shrunk to the screen. */
export const DEFAULT_WINDOW = { width: 1440, height: 900 } as const;

/** File name under `app.getPath('userData')`. */
export const DESKTOP_STATE_FILE = 'desktop-state.json';

/**
 * True for a console route that may be reopened: `#/` followed by route characters only, at most
 * 2,000 characters; never the browser login's `#token=` (a secret) nor anything else.
 */
export function isConsoleHash(hash: string): boolean {
  return hash.length <= 2000 && /^#\/[A-Za-z0-9\-._~%/?=&+,:@]*$/.test(hash);
}

function isBounds(v: unknown): v is Bounds {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return (
    ['x', 'y', 'width', 'height'].every((k) => Number.isInteger(b[k])) &&
    (b.width as number) > 0 &&
    (b.height as number) > 0
  );
}

/** Reads the state from `file`, field by field; anything missing or malformed takes its default. */
export function loadDesktopState(file: string): DesktopState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_DESKTOP_STATE };
  }
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    bounds: isBounds(r.bounds)
      ? { x: r.bounds.x, y: r.bounds.y, width: r.bounds.width, height: r.bounds.height }
      : null,
    maximized: typeof r.maximized === 'boolean' ? r.maximized : DEFAULT_DESKTOP_STATE.maximized,
    lastHash:
      typeof r.lastHash === 'string' && isConsoleHash(r.lastHash)
        ? r.lastHash
        : DEFAULT_DESKTOP_STATE.lastHash,
    notifyExceptions:
      typeof r.notifyExceptions === 'boolean' ? r.notifyExceptions : DEFAULT_DESKTOP_STATE.notifyExceptions,
  };
}

/**
 * Writes the state to `file` (creating its folder), atomically: temporary file, then rename.
 * @throws the file system's error (the caller logs it; losing a window position is not fatal)
 */
export function saveDesktopState(file: string, state: DesktopState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * The bounds to open the window with: the remembered ones when at least a 100x100 corner of them
 * (title bar included) lies on a display's work area, clamped to that display's size; otherwise
 * (first run, a display unplugged since) the default size centred on the primary work area.
 * @param workAreas the displays' work areas, the primary first (Electron `screen`)
 */
export function windowBounds(remembered: Bounds | null, workAreas: readonly Bounds[]): Bounds {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_WINDOW.width, height: DEFAULT_WINDOW.height };
  if (remembered) {
    const area = workAreas.find((a) => overlap(remembered, a) >= 100 * 100);
    if (area) {
      const width = Math.min(Math.max(remembered.width, MIN_WINDOW.width), area.width);
      const height = Math.min(Math.max(remembered.height, MIN_WINDOW.height), area.height);
      return {
        x: Math.min(Math.max(remembered.x, area.x), area.x + area.width - width),
        y: Math.min(Math.max(remembered.y, area.y), area.y + area.height - height),
        width,
        height,
      };
    }
  }
  const width = Math.min(DEFAULT_WINDOW.width, primary.width);
  const height = Math.min(DEFAULT_WINDOW.height, primary.height);
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  };
}

function overlap(a: Bounds, b: Bounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** The hash of a console URL when it is one to remember ({@link isConsoleHash}), else null. */
export function rememberableHash(url: string, rendererUrl: string): string | null {
  try {
    const u = new URL(url);
    const r = new URL(rendererUrl);
    if (u.origin !== r.origin || u.pathname !== r.pathname) return null;
    return isConsoleHash(u.hash) ? u.hash : null;
  } catch {
    return null;
  }
}

/** The parts of a `BrowserWindow` that {@link trackWindow} uses. */
export interface TrackedWindow {
  getNormalBounds(): Bounds;
  isMaximized(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  webContents: {
    on(
      event: 'did-navigate-in-page' | 'did-navigate',
      listener: (event: unknown, url: string) => void,
    ): unknown;
  };
}

/**
 * Keeps `state` up to date from the window (bounds, maximised, last page) and writes it with
 * `save` at most every `delayMs` ms while the window moves, and at once when it closes.
 * @returns `flush()`: writes any pending change now
 */
export function trackWindow(
  win: TrackedWindow,
  state: DesktopState,
  rendererUrl: string,
  save: (state: DesktopState) => void,
  delayMs = 500,
): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    save(state);
  };
  const later = (): void => {
    timer ??= setTimeout(flush, delayMs);
  };
  const onBounds = (): void => {
    state.maximized = win.isMaximized();
    if (!state.maximized) state.bounds = win.getNormalBounds();
    later();
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, onBounds);
  win.on('close', () => {
    state.maximized = win.isMaximized();
    state.bounds = win.getNormalBounds();
    flush();
  });
  const onPage = (_event: unknown, url: string): void => {
    const hash = rememberableHash(url, rendererUrl);
    if (hash === null || hash === state.lastHash) return;
    state.lastHash = hash;
    later();
  };
  win.webContents.on('did-navigate-in-page', onPage);
  win.webContents.on('did-navigate', onPage);
  return flush;
}

/** What the desktop remembers: reading any file safely, writing atomically, bounds on a screen, the last page. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_DESKTOP_STATE,
  isConsoleHash,
  loadDesktopState,
  rememberableHash,
  saveDesktopState,
  trackWindow,
  windowBounds,
  type Bounds,
  type DesktopState,
  type TrackedWindow,
} from './desktop-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sct-desktop-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('desktop state file', () => {
  it('round-trips, writing atomically (no temporary file left) into a new folder', () => {
    const file = path.join(dir, 'nested', 'desktop-state.json');
    const state: DesktopState = {
      bounds: { x: 10, y: 20, width: 1300, height: 800 },
      maximized: true,
      lastHash: '#/orders?status=late&page=2',
      notifyExceptions: false,
    };
    saveDesktopState(file, state);
    expect(loadDesktopState(file)).toEqual(state);
    expect(readdirSync(path.dirname(file))).toEqual(['desktop-state.json']);
  });

  it('gives the defaults for a missing or corrupt file, and for each malformed field', () => {
    expect(loadDesktopState(path.join(dir, 'none.json'))).toEqual(DEFAULT_DESKTOP_STATE);
    const file = path.join(dir, 's.json');
    writeFileSync(file, '{"bounds": {"x": 1, "y"');
    expect(loadDesktopState(file)).toEqual(DEFAULT_DESKTOP_STATE);
    writeFileSync(file, 'null');
    expect(loadDesktopState(file)).toEqual(DEFAULT_DESKTOP_STATE);
    writeFileSync(
      file,
      JSON.stringify({
        bounds: { x: 1, y: 2, width: -5, height: 300 },
        maximized: 'yes',
        lastHash: '#token=secret',
        notifyExceptions: false,
      }),
    );
    expect(loadDesktopState(file)).toEqual({ ...DEFAULT_DESKTOP_STATE, notifyExceptions: false });
  });

  it('remembers console routes only, never the login token or another page', () => {
    expect(isConsoleHash('#/')).toBe(true);
    expect(isConsoleHash('#/shipments?status=exception&late=true')).toBe(true);
    expect(isConsoleHash('#token=abc')).toBe(false);
    expect(isConsoleHash('#/<script>')).toBe(false);
    expect(isConsoleHash(`#/${'a'.repeat(2000)}`)).toBe(false);
    const app = 'http://127.0.0.1:4321/';
    expect(rememberableHash('http://127.0.0.1:4321/#/audit', app)).toBe('#/audit');
    expect(rememberableHash('http://127.0.0.1:9999/#/audit', app)).toBeNull();
    expect(rememberableHash('http://127.0.0.1:4321/#token=x', app)).toBeNull();
    expect(rememberableHash('not a url', app)).toBeNull();
  });
});

describe('window bounds', () => {
  const laptop: Bounds = { x: 0, y: 0, width: 1280, height: 720 };
  const right: Bounds = { x: 1280, y: 0, width: 1920, height: 1080 };

  it('centres the default size, shrunk to the screen, on a first run', () => {
    expect(windowBounds(null, [laptop])).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
    expect(windowBounds(null, [right])).toEqual({ x: 1280 + 240, y: 90, width: 1440, height: 900 });
  });

  it('reopens where the window was when that is on a display', () => {
    const was = { x: 1400, y: 50, width: 1500, height: 900 };
    expect(windowBounds(was, [laptop, right])).toEqual(was);
  });

  it('moves a window whose display is gone back onto the primary one', () => {
    const was = { x: 1400, y: 50, width: 1500, height: 900 };
    expect(windowBounds(was, [laptop])).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  });

  it('clamps a window hanging off the edge, and never below the minimum size', () => {
    expect(windowBounds({ x: 1000, y: 600, width: 500, height: 300 }, [laptop])).toEqual({
      x: 1280 - 1024,
      y: 720 - 640,
      width: 1024,
      height: 640,
    });
  });
});

describe('trackWindow', () => {
  function fakeWindow() {
    const on = new Map<string, () => void>();
    const pageOn = new Map<string, (e: unknown, url: string) => void>();
    let bounds: Bounds = { x: 1, y: 2, width: 1200, height: 700 };
    let maximized = false;
    const win: TrackedWindow = {
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
      on: (e, l) => void on.set(e, l),
      webContents: { on: (e, l) => void pageOn.set(e, l) },
    };
    return {
      win,
      emit: (e: string) => on.get(e)!(),
      page: (url: string) => pageOn.get('did-navigate-in-page')!({}, url),
      set: (b: Bounds, m: boolean) => {
        bounds = b;
        maximized = m;
      },
    };
  }

  it('saves moves at most once per delay, the last page, and everything at close', () => {
    vi.useFakeTimers();
    try {
      const saved: DesktopState[] = [];
      const state = { ...DEFAULT_DESKTOP_STATE };
      const w = fakeWindow();
      trackWindow(w.win, state, 'http://127.0.0.1:1/', (s) => void saved.push(structuredClone(s)), 500);
      w.set({ x: 5, y: 5, width: 1300, height: 800 }, false);
      w.emit('move');
      w.emit('resize');
      expect(saved).toHaveLength(0);
      vi.advanceTimersByTime(500);
      expect(saved).toHaveLength(1);
      expect(saved[0]!.bounds).toEqual({ x: 5, y: 5, width: 1300, height: 800 });
      w.page('http://127.0.0.1:1/#/orders/o-1');
      w.page('http://127.0.0.1:1/#token=secret');
      vi.advanceTimersByTime(500);
      expect(saved.at(-1)!.lastHash).toBe('#/orders/o-1');
      w.set({ x: 5, y: 5, width: 1300, height: 800 }, true);
      w.emit('maximize');
      w.emit('close');
      expect(saved.at(-1)).toMatchObject({ maximized: true, bounds: { width: 1300 } });
      const count = saved.length;
      vi.advanceTimersByTime(1000);
      expect(saved).toHaveLength(count); // the close flushed the pending write
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the saved file readable by loadDesktopState', () => {
    const file = path.join(dir, 'desktop-state.json');
    const state = { ...DEFAULT_DESKTOP_STATE };
    const w = fakeWindow();
    const flush = trackWindow(w.win, state, 'http://127.0.0.1:1/', (s) => saveDesktopState(file, s));
    w.page('http://127.0.0.1:1/#/pipeline');
    flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ lastHash: '#/pipeline' });
    expect(loadDesktopState(file).lastHash).toBe('#/pipeline');
  });
});

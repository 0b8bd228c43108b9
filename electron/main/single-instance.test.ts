/** The single-instance lock: a second launch quits and focuses the first window. */
import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, type FocusableWindow } from './single-instance';

function fakeApp(locked: boolean) {
  let secondInstance: (() => void) | null = null;
  return {
    requestSingleInstanceLock: vi.fn(() => locked),
    on: vi.fn((_event: 'second-instance', l: () => void) => void (secondInstance = l)),
    quit: vi.fn(),
    launchAgain: () => secondInstance!(),
  };
}

function fakeWindow(minimized: boolean): FocusableWindow & Record<string, ReturnType<typeof vi.fn>> {
  return { isMinimized: vi.fn(() => minimized), restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
}

describe('single instance', () => {
  it('quits a second launch while the first one runs', () => {
    const app = fakeApp(false);
    expect(claimSingleInstance(app, () => null)).toBe(false);
    expect(app.quit).toHaveBeenCalled();
    expect(app.on).not.toHaveBeenCalled();
  });

  it('brings the first window to the front (restored from minimised) on a second launch', () => {
    const app = fakeApp(true);
    const win = fakeWindow(true);
    let current: FocusableWindow | null = null;
    expect(claimSingleInstance(app, () => current)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    app.launchAgain(); // before the window exists: nothing to focus, no crash
    current = win;
    app.launchAgain();
    expect(win.restore).toHaveBeenCalledTimes(1);
    expect(win.show).toHaveBeenCalledTimes(1);
    expect(win.focus).toHaveBeenCalledTimes(1);
  });

  it('does not restore a window that is not minimised', () => {
    const app = fakeApp(true);
    const win = fakeWindow(false);
    claimSingleInstance(app, () => win);
    app.launchAgain();
    expect(win.restore).not.toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
  });
});

import { describe, expect, it, vi } from 'vitest';
import {
  denyAllPermissions,
  hardenApp,
  hardenWebContents,
  isAllowedNavigation,
  isTrustedSender,
  secureWebPreferences,
  type BlockedAttempt,
  type HardenableApp,
  type HardenableContents,
} from './window-security';

describe('window security', () => {
  it('sandboxes the renderer with context isolation and no Node', () => {
    const prefs = secureWebPreferences('/app/preload.js');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });
  it('trusts only the bundled console file as IPC sender', () => {
    const app = 'file:///opt/sct/out/renderer/index.html';
    expect(isTrustedSender('file:///opt/sct/out/renderer/index.html#/orders', app)).toBe(true);
    expect(isTrustedSender('file:///tmp/evil.html', app)).toBe(false);
    expect(isTrustedSender('https://example.invalid/', app)).toBe(false);
    expect(isTrustedSender(undefined, app)).toBe(false);
  });
  it('trusts the dev server origin only in development', () => {
    expect(isTrustedSender('http://localhost:5173/#/x', 'http://localhost:5173/')).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});

type Handler = (...args: unknown[]) => unknown;
function fakeContents() {
  const on = new Map<string, Handler>();
  let openHandler: Handler | null = null;
  const contents = {
    setWindowOpenHandler: (h: Handler) => void (openHandler = h),
    on: (event: string, listener: Handler) => void on.set(event, listener),
  } as unknown as HardenableContents;
  const fire = (event: string, url?: string) => {
    const e = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    on.get(event)!(e, url);
    return e.prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('hardened web contents', () => {
  const app = 'http://127.0.0.1:4321/';

  it('denies new windows, navigation and redirects away from the console, and <webview>', () => {
    const blocked: BlockedAttempt[] = [];
    const { contents, fire, open } = fakeContents();
    hardenWebContents(contents, app, (a) => void blocked.push(a));
    expect(open('https://example.invalid/')).toEqual({ action: 'deny' });
    expect(open(`${app}#/orders`)).toEqual({ action: 'deny' });
    expect(fire('will-navigate', 'https://example.invalid/phish')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-navigate', `${app}#/orders`)).toBe(false);
    expect(fire('will-redirect', 'http://127.0.0.1:9999/')).toBe(true);
    expect(fire('will-redirect', `${app}index.html`)).toBe(false);
    expect(fire('will-attach-webview')).toBe(true);
    expect(blocked.map((b) => b.kind)).toEqual([
      'new-window',
      'new-window',
      'navigation',
      'navigation',
      'redirect',
      'webview',
    ]);
  });

  it('turns the webview tag and drag-and-drop navigation off in the window preferences', () => {
    expect(secureWebPreferences('/p.js')).toMatchObject({ webviewTag: false, navigateOnDragDrop: false });
  });

  it('hardens every web contents the app creates', () => {
    let created: Handler | null = null;
    hardenApp({ on: (_e: string, l: Handler) => void (created = l) } as unknown as HardenableApp, () => app);
    const { contents, fire, open } = fakeContents();
    created!({}, contents);
    expect(open('https://example.invalid/')).toEqual({ action: 'deny' });
    expect(fire('will-navigate', 'https://example.invalid/')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
  });

  it('refuses every permission request and check', () => {
    let request: Handler | null = null;
    let check: Handler | null = null;
    let device: Handler | null = null;
    denyAllPermissions({
      setPermissionRequestHandler: (h) => void (request = h as Handler),
      setPermissionCheckHandler: (h) => void (check = h as Handler),
      setDevicePermissionHandler: (h) => void (device = h as Handler),
    });
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
    ]) {
      const callback = vi.fn();
      request!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(check!({}, permission)).toBe(false);
    }
    expect(device!({ deviceType: 'usb' })).toBe(false);
  });
});

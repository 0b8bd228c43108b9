import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isTrustedSender, secureWebPreferences } from './window-security';

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

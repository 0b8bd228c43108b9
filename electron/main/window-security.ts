/**
 * Security settings of the desktop window, kept apart from the Electron calls so they are unit
 * tested: sandboxed renderer, context isolation, no Node, the IPC sender check, and what every
 * page is refused (new windows, navigation away, `<webview>`, permission requests).
 */

/** webPreferences of every console window. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  } as const;
}

/**
 * True when an IPC message comes from the app's own renderer: a top-level frame whose URL is the
 * bundled console file (or the dev server in development). Anything else is refused.
 * @param senderUrl `event.senderFrame.url`
 * @param rendererUrl the URL the window loaded (file:// of out/renderer/index.html, or dev URL)
 */
export function isTrustedSender(senderUrl: string | undefined, rendererUrl: string): boolean {
  if (!senderUrl) return false;
  try {
    const sender = new URL(senderUrl);
    const expected = new URL(rendererUrl);
    if (expected.protocol === 'file:')
      return sender.protocol === 'file:' && sender.pathname === expected.pathname;
    return sender.origin === expected.origin;
  } catch {
    return false;
  }
}

/** Navigation inside the window is only allowed to the console itself; everything else is blocked. */
export function isAllowedNavigation(targetUrl: string, rendererUrl: string): boolean {
  return isTrustedSender(targetUrl, rendererUrl);
}

/** The parts of Electron's `WebContents` that {@link hardenWebContents} uses (tests pass fakes). */
export interface HardenableContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

/** Why something the page tried was refused (logged by the caller; never shown to the page). */
export type BlockedAttempt =
  { kind: 'new-window' | 'navigation' | 'redirect'; url: string } | { kind: 'webview' };

/**
 * Locks down one `WebContents` (every one the app creates: see {@link hardenApp}):
 * - new windows (`window.open`, `target=_blank`) are denied;
 * - navigation and redirects are allowed only to the console itself ({@link isAllowedNavigation});
 * - `<webview>` is never attached (also off in {@link secureWebPreferences}; this is the second lock).
 */
export function hardenWebContents(
  contents: HardenableContents,
  rendererUrl: string,
  onBlocked: (attempt: BlockedAttempt) => void = () => undefined,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    onBlocked({ kind: 'new-window', url });
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isAllowedNavigation(url, rendererUrl)) return;
    event.preventDefault();
    onBlocked({ kind: 'navigation', url });
  });
  contents.on('will-redirect', (event, url) => {
    if (isAllowedNavigation(url, rendererUrl)) return;
    event.preventDefault();
    onBlocked({ kind: 'redirect', url });
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onBlocked({ kind: 'webview' });
  });
}

/** The parts of Electron's `Session` that {@link denyAllPermissions} uses. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

/**
 * Refuses every permission the page asks for (camera, microphone, geolocation, notifications,
 * clipboard read, HID/USB/serial devices...): the console needs none; desktop notifications are
 * shown by the main process (`app:notify`, exception alerts), not by the page.
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** The parts of Electron's `app` that {@link hardenApp} uses. */
export interface HardenableApp {
  on(
    event: 'web-contents-created',
    listener: (event: unknown, contents: HardenableContents) => void,
  ): unknown;
}

/**
 * Hardens every `WebContents` the app will ever create (windows, and anything a page might
 * manage to open), before it loads anything. Call once, before the first window.
 */
export function hardenApp(
  app: HardenableApp,
  rendererUrl: () => string,
  onBlocked?: (attempt: BlockedAttempt) => void,
): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, rendererUrl(), onBlocked));
}

/**
 * Security settings of the desktop window, kept apart from the Electron calls so they are unit
 * tested: sandboxed renderer, context isolation, no Node, and the IPC sender check.
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

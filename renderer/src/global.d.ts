/**
 * Globals the renderer may see. `window.sctDesktop` is exposed by the Electron preload
 * (contracts/ipc.ts) and is absent in the headless/browser console.
 */
import type { DesktopBridge } from '../../contracts/ipc';

declare global {
  interface Window {
    sctDesktop?: DesktopBridge;
  }
}

export {};

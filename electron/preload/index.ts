/**
 * Preload (sandboxed): exposes exactly the typed {@link DesktopBridge} of contracts/ipc.ts as
 * `window.sctDesktop`. No Node API and no raw ipcRenderer reach the page (nor the IPC event of a
 * main-to-renderer message: `onShortcut` hands over only a checked shortcut action).
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  DESKTOP_BRIDGE_KEY,
  isShortcutAction,
  type DesktopBridge,
  type IpcArgs,
  type IpcChannel,
  type IpcResponse,
} from '../../contracts/ipc';

/**
 * The one place the preload talks IPC: channel, request and response types all come from
 * `IpcContract`, so a wrong channel, request or response is a compile error.
 */
function invoke<C extends IpcChannel>(channel: C, ...request: IpcArgs<C>): Promise<IpcResponse<C>> {
  // ipcRenderer.invoke is untyped (Promise<any>); the main process answers per IpcContract.
  return ipcRenderer.invoke(channel, ...request) as Promise<IpcResponse<C>>;
}

const bridge: DesktopBridge = {
  getApiConnection: () => invoke('api:get-connection'),
  notify: (title, body) => invoke('app:notify', { title, body }),
  onShortcut: (listener) => {
    // Only the contract's message, only a known action, and never the raw IPC event to the page.
    const onMessage = (_event: unknown, action: unknown): void => {
      if (isShortcutAction(action)) listener(action);
    };
    ipcRenderer.on('menu:shortcut', onMessage);
    return () => void ipcRenderer.removeListener('menu:shortcut', onMessage);
  },
};

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, bridge);

/**
 * Preload (sandboxed): exposes exactly the typed {@link DesktopBridge} of contracts/ipc.ts as
 * `window.sctDesktop`. No Node API and no raw ipcRenderer reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  DESKTOP_BRIDGE_KEY,
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
};

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, bridge);

/**
 * Preload (sandboxed): exposes exactly the typed {@link DesktopBridge} of contracts/ipc.ts as
 * `window.sctDesktop`. No Node API and no raw ipcRenderer reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiConnection, DesktopBridge } from '../../contracts/ipc';

const bridge: DesktopBridge = {
  getApiConnection: () => ipcRenderer.invoke('api:get-connection') as Promise<ApiConnection>,
  notify: (title, body) => ipcRenderer.invoke('app:notify', { title, body }) as Promise<void>,
};

contextBridge.exposeInMainWorld('sctDesktop', bridge);

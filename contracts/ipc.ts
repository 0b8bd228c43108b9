/**
 * The one typed IPC contract between the preload script and the main process (GitHub Desktop
 * style). The preload exposes exactly {@link DesktopBridge} as `window.sctDesktop`; the main
 * process answers each channel only for senders whose frame URL is the app's own renderer.
 */

/** How the renderer reaches the embedded API: loopback base URL and the per-window secret. */
export interface ApiConnection {
  baseUrl: string;
  token: string;
}

/** Channel names, request and response types. */
export interface IpcContract {
  'api:get-connection': { request: void; response: ApiConnection };
  'app:notify': { request: { title: string; body: string }; response: void };
}

export type IpcChannel = keyof IpcContract;

export const IPC_CHANNELS: readonly IpcChannel[] = ['api:get-connection', 'app:notify'];

/** What the preload exposes on `window.sctDesktop` (absent in the headless/browser console). */
export interface DesktopBridge {
  getApiConnection(): Promise<ApiConnection>;
  notify(title: string, body: string): Promise<void>;
}

/**
 * The one typed IPC contract between the preload script and the main process (GitHub Desktop
 * style). The preload exposes exactly {@link DesktopBridge} as `window.sctDesktop`
 * ({@link DESKTOP_BRIDGE_KEY}); the main process answers each channel only for senders whose
 * frame URL is the app's own renderer, and validates each request with its schema
 * (ipc-requests.ts; kept apart so the sandboxed preload bundles no zod).
 * Channel names appear nowhere else: the preload's `invoke` and the main process's
 * `registerIpcHandlers` (electron/main/ipc.ts) derive them, and their types, from this file.
 * The other direction (main to renderer, no answer) is {@link IpcEventContract}: the application
 * menu sends the action of a keyboard shortcut (contracts/shortcuts.ts) on `menu:shortcut`.
 */
import { SHORTCUTS, type ShortcutAction } from './shortcuts';

/** How the renderer reaches the embedded API: loopback base URL and the per-window secret. */
export interface ApiConnection {
  baseUrl: string;
  token: string;
}

/** A desktop notification the console asks the main process to show. */
export interface NotifyRequest {
  title: string;
  body: string;
}

/** Channel names, request and response types. */
export interface IpcContract {
  'api:get-connection': { request: void; response: ApiConnection };
  'app:notify': { request: NotifyRequest; response: void };
}

export type IpcChannel = keyof IpcContract;
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request'];
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response'];
/** The arguments after the channel: none for a `void` request, else the request. */
export type IpcArgs<C extends IpcChannel> = IpcRequest<C> extends void ? [] : [request: IpcRequest<C>];

/** Every channel, in a stable order (ipc-requests.test.ts checks it against the contract). */
export const IPC_CHANNELS: readonly IpcChannel[] = ['api:get-connection', 'app:notify'];

/** Messages the main process sends to the renderer (`webContents.send`), with their payload. */
export interface IpcEventContract {
  /** A menu item of the application menu was chosen: run this shortcut's action. */
  'menu:shortcut': ShortcutAction;
}
export type IpcEvent = keyof IpcEventContract;

/** Every main-to-renderer message (the preload listens to these and no others). */
export const IPC_EVENTS: readonly IpcEvent[] = ['menu:shortcut'];

/**
 * Whether `value` is the action of one of the {@link SHORTCUTS} (the preload checks what arrives
 * on `menu:shortcut` with this before the page sees it; it bundles no zod).
 */
export function isShortcutAction(value: unknown): value is ShortcutAction {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return SHORTCUTS.some(
    ({ action }) =>
      action.kind === v.kind &&
      (action.kind !== 'go' || action.page === v.page) &&
      Object.keys(v).length === Object.keys(action).length,
  );
}

/** The global name of the bridge in the renderer (`window.sctDesktop`). */
export const DESKTOP_BRIDGE_KEY = 'sctDesktop';

/** What the preload exposes on `window.sctDesktop` (absent in the headless/browser console). */
export interface DesktopBridge {
  getApiConnection(): Promise<ApiConnection>;
  notify(title: string, body: string): Promise<void>;
  /** Calls `listener` for each shortcut action the application menu sends; returns the unsubscribe. */
  onShortcut(listener: (action: ShortcutAction) => void): () => void;
}

/** The bridge's method names; the mapped type makes a missing or extra name a compile error. */
const BRIDGE_METHODS: { [K in keyof DesktopBridge]: K } = {
  getApiConnection: 'getApiConnection',
  notify: 'notify',
  onShortcut: 'onShortcut',
};
export const DESKTOP_BRIDGE_METHODS: readonly (keyof DesktopBridge)[] = Object.values(BRIDGE_METHODS);

/**
 * The one place the main process answers IPC: every channel of contracts/ipc.ts gets its handler
 * here, behind the same sender check and request validation. Channel names and types come from
 * `IpcContract`; a channel without a handler is a compile error (and `registerIpcHandlers` throws).
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type IpcChannel, type IpcRequest, type IpcResponse } from '../../contracts/ipc';
import { IPC_REQUEST_SCHEMAS } from '../../contracts/ipc-requests';

/** A channel's handler: the validated request in, the contract's response out. */
export type IpcHandler<C extends IpcChannel> = (
  request: IpcRequest<C>,
  event: IpcMainInvokeEvent,
) => IpcResponse<C> | Promise<IpcResponse<C>>;

/** One handler per channel of the contract. */
export type IpcHandlers = { [C in IpcChannel]: IpcHandler<C> };

/**
 * Registers a handler for each channel of the contract. A sender that `isTrusted` refuses, or a
 * request that does not match its schema, is answered with an error (the renderer's `invoke`
 * rejects) and the handler is not called.
 */
export function registerIpcHandlers(
  ipc: Pick<IpcMain, 'handle'>,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  handlers: IpcHandlers,
): void {
  const handle = <C extends IpcChannel>(channel: C): void => {
    const handler: IpcHandler<C> | undefined = handlers[channel];
    if (typeof handler !== 'function') throw new Error(`no IPC handler for ${channel}`);
    ipc.handle(channel, (event, request: unknown) => {
      if (!isTrusted(event)) throw new Error(`refused: untrusted sender on ${channel}`);
      const parsed = IPC_REQUEST_SCHEMAS[channel].safeParse(request);
      if (!parsed.success) throw new Error(`refused: invalid request on ${channel}`);
      return handler(parsed.data, event);
    });
  };
  for (const channel of IPC_CHANNELS) handle(channel);
}

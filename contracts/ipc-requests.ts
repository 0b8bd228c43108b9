/**
 * Runtime checks of each IPC channel's request, as the main process receives it from the renderer
 * (untrusted input). The mapped type makes a channel of contracts/ipc.ts without a schema, or a
 * schema that disagrees with the channel's request type, a compile error.
 */
import { z } from 'zod';
import type { IpcChannel, IpcRequest } from './ipc';

export const IPC_REQUEST_SCHEMAS: { [C in IpcChannel]: z.ZodType<IpcRequest<C>> } = {
  'api:get-connection': z.undefined(),
  'app:notify': z.object({ title: z.string(), body: z.string() }),
};

/**
 * The console's TanStack Query client and its defaults. One client per signed-in console (the
 * app shell makes a new one for each connection epoch, so nothing cached for one operator or
 * token is shown to the next).
 *
 * Defaults keep the console's behaviour: a failed request shows its error at once (no retries;
 * the live stream and the pollers fetch again anyway), no refetch on window focus or on the
 * browser's online event (the live stream resyncs after a reconnect), and polling goes on while
 * the window is in the background (a control-room wall screen, a minimised desktop window).
 */
import { QueryClient } from '@tanstack/react-query';

/** A new query client with the console's defaults. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        refetchIntervalInBackground: true,
      },
      mutations: { retry: false },
    },
  });
}

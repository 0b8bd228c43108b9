/**
 * Whether something listens at a TCP address: a connection attempt, closed at once. Used where
 * only "does it answer" matters (stack:up waiting for the broker, a console's link pointing at a
 * running console).
 */
import { connect } from 'node:net';

/**
 * @param host host name or address (IPv6 without brackets)
 * @param port TCP port
 * @param timeoutMs how long to wait for the connection (ms)
 * @returns true when a connection was accepted within `timeoutMs`; never throws
 */
export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

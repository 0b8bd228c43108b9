/**
 * Makes a real service reachable at a new address only when a test says so: a plain TCP
 * forwarder on a local port that starts listening on `open()`. Tests of "the service was down and
 * came up" point the console at the forwarder's port (closed at first) instead of stopping a
 * shared PostgreSQL or broker.
 */
import net from 'node:net';

/** A TCP forwarder that starts listening only when `open()` is called. */
export class Forwarder {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    target: { host: string; port: number },
  ) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
  }
  open(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A local port nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Host and Origin checks against DNS rebinding and cross-site requests.
 *
 * DNS rebinding: a page the operator opens on `evil.example` re-points that name at 127.0.0.1
 * and then calls the API as if same-origin; its requests still say `Host: evil.example:<port>`.
 * So a request is served only when its Host names this server: a loopback name, the address it
 * is bound to, the machine's own interface addresses when bound to all interfaces, or a name in
 * `SCT_API_ALLOWED_HOSTS` — and the port the connection arrived on.
 *
 * Cross-site requests: a request whose `Origin` (RFC 6454) is not an allowed host of this server
 * (or is `null`, from sandboxed frames and files), or whose `Sec-Fetch-Site` is `cross-site`, is
 * refused. Requests without `Origin` (scripts, curl) pass this check and still need a credential.
 */
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/** The host names this server answers to (lowercase; IPv6 in brackets, as in a Host header). */
export function allowedHostNames(
  apiHost: string,
  extra: readonly string[] = [],
  interfaceAddresses: () => string[] = machineAddresses,
): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const add = (name: string) => names.add(bracketIpv6(name.trim().toLowerCase()));
  if (WILDCARD.has(apiHost)) interfaceAddresses().forEach(add);
  else add(apiHost);
  extra.filter((n) => n.trim() !== '').forEach(add);
  return names;
}

function bracketIpv6(name: string): string {
  return isIP(name) === 6 ? `[${name}]` : name;
}

/** Every address of this machine's interfaces (for a server bound to all of them). */
function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.split('%')[0]!);
}

/** Splits `host[:port]` (IPv6 in brackets); null when malformed. Port defaults to `defaultPort`. */
export function splitHostPort(value: string, defaultPort: number): { host: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/@]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]!.toLowerCase(), port };
}

/**
 * True when a `Host` header names this server on the port the request arrived on.
 * @param localPort the TCP port of the connection (the server's listening port)
 */
export function isAllowedHost(
  host: string | undefined,
  names: ReadonlySet<string>,
  localPort: number,
): boolean {
  if (!host) return false;
  const parsed = splitHostPort(host, 80);
  return parsed !== null && parsed.port === localPort && names.has(parsed.host);
}

/**
 * True when a request may proceed given its `Origin` and `Sec-Fetch-Site` headers: no Origin
 * (not a browser's cross-origin call), or an `http:` origin whose host and port are this server's.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  secFetchSite: string | undefined,
  names: ReadonlySet<string>,
  localPort: number,
): boolean {
  if (secFetchSite?.toLowerCase() === 'cross-site') return false;
  if (origin === undefined) return true;
  const match = /^http:\/\/([^/]+)$/i.exec(origin);
  return match !== null && isAllowedHost(match[1], names, localPort);
}

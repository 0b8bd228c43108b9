/**
 * Id generation in the browser. `crypto.randomUUID()` exists only in secure contexts (file://,
 * https, localhost); a wall screen reaching the headless console over plain http on the LAN is
 * not one, so fall back to `crypto.getRandomValues` (available everywhere) for RFC 9562 v4 UUIDs.
 */

/** The crypto subset used here (injectable for tests). */
export interface RandomSource {
  randomUUID?: () => string;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** A random version-4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`), lower case. */
export function newUuid(source: RandomSource = globalThis.crypto): string {
  if (typeof source.randomUUID === 'function') {
    try {
      return source.randomUUID();
    } catch {
      // insecure context: fall through
    }
  }
  const b = source.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short random upper-case hex tag (`length` characters), e.g. for new entity or drill ids. */
export function randomTag(length = 8, source: RandomSource = globalThis.crypto): string {
  const b = source.getRandomValues(new Uint8Array(Math.ceil(length / 2)));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, length)
    .toUpperCase();
}

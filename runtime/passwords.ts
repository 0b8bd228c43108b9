/**
 * Operator password hashing with scrypt from `node:crypto` (RFC 7914), so no native module is
 * needed in Electron. Stored form: `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>`, so the
 * cost can be raised later without invalidating existing hashes (verification reads the cost from
 * the stored string). Parameters follow OWASP's Password Storage Cheat Sheet for scrypt
 * (N=2^17, r=8, p=1), about 0.1-0.3 s per hash on one core of this project's machines.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const DEFAULT_COST = { N: 2 ** 17, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** scrypt needs 128 * N * r bytes of memory; Node's default cap (32 MiB) is below N=2^17. */
function maxmem(N: number, r: number): number {
  return 256 * N * r;
}

/**
 * Hashes a password with a fresh random salt.
 * @param cost scrypt cost (tests pass a small one); OWASP's recommendation by default
 * @returns the stored form `scrypt$N$r$p$salt$hash`
 */
export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number } = DEFAULT_COST,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: maxmem(cost.N, cost.r) });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash in constant time. A malformed stored hash never
 * matches (and does not throw), so a damaged row locks its account instead of opening it.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(key, expected);
}

/**
 * A hash no password matches, verified against when a username does not exist, so a sign-in
 * for an unknown name takes as long as one for a known name (no user enumeration by timing).
 */
export const UNUSABLE_HASH = `scrypt$${DEFAULT_COST.N}$${DEFAULT_COST.r}$${DEFAULT_COST.p}$${Buffer.alloc(SALT_LENGTH).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;

import { describe, expect, it } from 'vitest';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from './passwords';

const FAST = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterx', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password!', FAST)).not.toBe(await hashPassword('same password!', FAST));
  });

  it('never matches a malformed or unusable stored hash', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$8$1$AA$AA', 'bcrypt$x$y$z$a$b', 'scrypt$1024$8$1$AAAA$short']) {
      expect(await verifyPassword('anything', bad)).toBe(false);
    }
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false);
  });

  it('uses the OWASP scrypt cost by default', async () => {
    expect((await hashPassword('a long enough one')).startsWith('scrypt$131072$8$1$')).toBe(true);
  });
});

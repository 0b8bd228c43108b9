import { describe, expect, it } from 'vitest';
import type { Principal } from '../../contracts';
import { authenticate, parseBearer, sameSecret } from './credentials';
import type { SessionStore } from './sessions';

const owner: Principal = {
  operator: 'os:ana',
  displayName: 'ana',
  role: 'owner',
  method: 'token',
  expiresAt: null,
};
const ana: Principal = {
  operator: 'ana',
  displayName: 'Ana',
  role: 'viewer',
  method: 'session',
  expiresAt: '2030-01-01T00:00:00.000Z',
};
const sessions = {
  resolve: async (t: string) => (t === 'scts_good' ? ana : null),
} as unknown as SessionStore;
const check = { machineToken: 'machine-token-0123456789', machinePrincipal: owner, sessions };

describe('parseBearer', () => {
  it('takes the scheme in any case (RFC 9110 §11.1)', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect(parseBearer(`${scheme} abc.DEF-1_~+/=`)).toBe('abc.DEF-1_~+/=');
  });
  it('refuses other schemes, empty or malformed tokens', () => {
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic YWJj',
      'Bearerabc',
      'Bearer a b',
      'Bearer a\u0000',
      'Token abc',
      `Bearer ${'a'.repeat(2000)}`,
    ]) {
      expect(parseBearer(h)).toBeNull();
    }
  });
});

describe('authenticate', () => {
  it('resolves the machine token, a session token, and nobody else', async () => {
    expect(await authenticate(check, 'Bearer machine-token-0123456789')).toBe(owner);
    expect(await authenticate(check, 'bearer machine-token-0123456789')).toBe(owner);
    expect(await authenticate(check, 'Bearer scts_good')).toBe(ana);
    expect(await authenticate(check, 'Bearer machine-token-012345678')).toBeNull();
    expect(await authenticate(check, 'Bearer scts_bad')).toBeNull();
    expect(await authenticate(check, undefined)).toBeNull();
  });
  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
    expect(sameSecret('é', 'e')).toBe(false);
  });
});

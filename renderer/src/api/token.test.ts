import { describe, expect, it } from 'vitest';
import {
  readTokenLink,
  resolveBrowserToken,
  takeTokenFromHash,
  TOKEN_STORAGE_KEY,
  type TokenStorage,
} from './token';

function fakeStorage(initial: Record<string, string> = {}): TokenStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe('console token', () => {
  it('takes the token out of the hash and routes to the dashboard', () => {
    expect(takeTokenFromHash('#token=abc123')).toEqual({ token: 'abc123', hash: '#/' });
    expect(takeTokenFromHash('#token=a%2Bb&route=/orders/o-1')).toEqual({
      token: 'a+b',
      hash: '#/orders/o-1',
    });
    expect(takeTokenFromHash('#/orders')).toEqual({ token: null, hash: '#/orders' });
    expect(takeTokenFromHash('#token=')).toEqual({ token: null, hash: '#/' });
  });
  it('stores a hash token and prefers it over a stored one', () => {
    const storage = fakeStorage({ [TOKEN_STORAGE_KEY]: 'old' });
    expect(resolveBrowserToken('#token=new', storage)).toEqual({ token: 'new', replaceHash: '#/' });
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toBe('new');
  });
  it('falls back to the stored token and leaves a normal hash alone', () => {
    expect(resolveBrowserToken('#/inject', fakeStorage({ [TOKEN_STORAGE_KEY]: 't' }))).toEqual({
      token: 't',
      replaceHash: null,
    });
    expect(resolveBrowserToken('', fakeStorage())).toEqual({ token: null, replaceHash: null });
    expect(resolveBrowserToken('#token=', fakeStorage())).toEqual({ token: null, replaceHash: '#/' });
  });
  it('picks up a token link that arrives by hashchange (token screen or running console)', () => {
    // Signed out (token screen): any token in the link signs in.
    expect(readTokenLink('#token=abc', null)).toEqual({ token: 'abc', replaceHash: '#/', changed: true });
    expect(readTokenLink('#token=abc&route=/orders', null)).toEqual({
      token: 'abc',
      replaceHash: '#/orders',
      changed: true,
    });
    // Running with that token already: only strip it from the address bar; another token switches.
    expect(readTokenLink('#token=abc', 'abc')).toMatchObject({ changed: false, replaceHash: '#/' });
    expect(readTokenLink('#token=xyz', 'abc')).toMatchObject({ token: 'xyz', changed: true });
    // An empty token is stripped but signs nothing in; a normal route is not a link.
    expect(readTokenLink('#token=', null)).toEqual({ token: null, replaceHash: '#/', changed: false });
    expect(readTokenLink('#/orders', null)).toBeNull();
    expect(readTokenLink('', 'abc')).toBeNull();
  });
});

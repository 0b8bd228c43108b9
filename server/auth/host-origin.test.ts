import { describe, expect, it } from 'vitest';
import { allowedHostNames, isAllowedHost, isAllowedOrigin, splitHostPort } from './host-origin';

const loopback = allowedHostNames('127.0.0.1');

describe('allowedHostNames', () => {
  it('is the loopback names for a loopback server', () => {
    expect([...loopback].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
  });
  it('adds the interface addresses when bound to all interfaces, and configured names', () => {
    const names = allowedHostNames('0.0.0.0', ['Wall-Screen.site1.example', ' '], () => [
      '10.1.2.3',
      'fe80::1',
    ]);
    expect(names.has('10.1.2.3')).toBe(true);
    expect(names.has('[fe80::1]')).toBe(true);
    expect(names.has('wall-screen.site1.example')).toBe(true);
    expect(names.has('0.0.0.0')).toBe(false);
  });
});

describe('isAllowedHost', () => {
  it('accepts this server by its names and port', () => {
    for (const h of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST:4000', '[::1]:4000'])
      expect(isAllowedHost(h, loopback, 4000)).toBe(true);
  });
  it('refuses foreign names (DNS rebinding), other ports, a missing port and malformed values', () => {
    for (const h of [
      undefined,
      '',
      'evil.example:4000',
      'evil.example',
      '127.0.0.1:4001',
      '127.0.0.1',
      '127.0.0.1.evil.example:4000',
      'localhost:4000@evil',
      '127.0.0.1:4000/x',
      '127.0.0.1:99999',
      'user@127.0.0.1:4000',
      '127.0.0.1 :4000',
    ]) {
      expect(isAllowedHost(h, loopback, 4000)).toBe(false);
    }
    expect(isAllowedHost('127.0.0.1', loopback, 80)).toBe(true);
  });
  it('splits IPv6 hosts', () => {
    expect(splitHostPort('[::1]:8080', 80)).toEqual({ host: '[::1]', port: 8080 });
    expect(splitHostPort('::1', 80)).toBeNull();
  });
});

describe('isAllowedOrigin', () => {
  it('lets requests without Origin and same-origin requests through', () => {
    expect(isAllowedOrigin(undefined, undefined, loopback, 4000)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4000', 'same-origin', loopback, 4000)).toBe(true);
  });
  it('refuses foreign, null, other-port, https and cross-site origins', () => {
    for (const o of [
      'http://evil.example',
      'http://evil.example:4000',
      'null',
      'http://127.0.0.1:4001',
      'https://127.0.0.1:4000',
      'http://127.0.0.1:4000/path',
      'file://',
    ]) {
      expect(isAllowedOrigin(o, undefined, loopback, 4000)).toBe(false);
    }
    expect(isAllowedOrigin(undefined, 'cross-site', loopback, 4000)).toBe(false);
  });
});

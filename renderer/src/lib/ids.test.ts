import { describe, expect, it } from 'vitest';
import { newUuid, randomTag } from './ids';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids', () => {
  it('uses randomUUID when available', () => {
    expect(newUuid()).toMatch(V4);
  });
  it('builds a v4 UUID from random bytes when randomUUID is missing', () => {
    const source = { getRandomValues: <T extends Uint8Array>(a: T): T => a.fill(0xff) };
    expect(newUuid(source)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    const zeros = { getRandomValues: <T extends Uint8Array>(a: T): T => a.fill(0) };
    expect(newUuid(zeros)).toMatch(V4);
  });
  it('makes short upper-case tags', () => {
    expect(randomTag(6)).toMatch(/^[0-9A-F]{6}$/);
  });
});

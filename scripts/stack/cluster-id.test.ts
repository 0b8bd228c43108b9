import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from './cluster-id';

describe('kafkaClusterId', () => {
  it('never starts with "-", which kafka-storage would read as an option', () => {
    // 0xf8 as the first byte encodes to "-" in base64url; the next id is taken instead.
    const ids = ['f8000000-0000-4000-8000-000000000000', '01234567-89ab-4cde-8f01-23456789abcd'];
    let i = 0;
    const id = kafkaClusterId(() => ids[i++]!);
    expect(i).toBe(2);
    expect(id).toBe(Buffer.from('0123456789ab4cde8f0123456789abcd', 'hex').toString('base64url'));
  });

  it('is 22 base64url characters', () => {
    for (let n = 0; n < 500; n++) {
      const id = kafkaClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});

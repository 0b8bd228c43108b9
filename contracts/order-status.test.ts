import { describe, expect, it } from 'vitest';
import { advanceOrderStatus } from './order-status';

describe('advanceOrderStatus', () => {
  it('moves forward and never backwards', () => {
    expect(advanceOrderStatus('created', 'shipped')).toBe('shipped');
    expect(advanceOrderStatus('delivered', 'shipped')).toBe('delivered');
    expect(advanceOrderStatus('packed', 'approved')).toBe('packed');
  });
  it('lets a cancel win over open statuses but not over delivered', () => {
    expect(advanceOrderStatus('shipped', 'cancelled')).toBe('cancelled');
    expect(advanceOrderStatus('delivered', 'cancelled')).toBe('delivered');
    expect(advanceOrderStatus('cancelled', 'approved')).toBe('cancelled');
  });
});

import { describe, expect, it } from 'vitest';
import { advanceOrderStatus, ORDER_STATUSES } from './order-status';

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
  it('does not depend on the order in which statuses arrive (a delivery wins over a cancel)', () => {
    expect(advanceOrderStatus('cancelled', 'delivered')).toBe('delivered');
    for (const a of ORDER_STATUSES)
      for (const b of ORDER_STATUSES) expect(advanceOrderStatus(a, b)).toBe(advanceOrderStatus(b, a));
  });
});

import { describe, expect, it } from 'vitest';
import { orderLifecycle, type LifecycleInput } from './order-lifecycle';

const base: LifecycleInput = {
  status: 'created',
  createdAt: '2024-03-01T12:00:00Z',
  approvedAt: null,
  shippedAt: null,
  deliveredAt: null,
  cancelledAt: null,
  history: [],
};
const states = (o: LifecycleInput) => orderLifecycle(o).map((s) => `${s.step}:${s.state}`);

describe('orderLifecycle', () => {
  it('an open order: done up to its status, the rest pending', () => {
    expect(states({ ...base, status: 'approved', approvedAt: '2024-03-01T13:00:00Z' })).toEqual([
      'created:done',
      'approved:done',
      'picked:pending',
      'packed:pending',
      'shipped:pending',
      'delivered:pending',
    ]);
  });

  it('picked and packed come from the earliest such event; steps never reported are skipped', () => {
    const o = orderLifecycle({
      ...base,
      status: 'delivered',
      shippedAt: '2024-03-03T10:00:00Z',
      deliveredAt: '2024-03-05T10:00:00Z',
      history: [
        { type: 'sct.order.picked.v1', time: '2024-03-02T10:00:00+02:00' },
        { type: 'sct.order.picked.v1', time: '2024-03-02T09:00:00Z' },
      ],
    });
    expect(o.map((s) => `${s.step}:${s.state}`)).toEqual([
      'created:done',
      'approved:skipped',
      'picked:done',
      'packed:skipped',
      'shipped:done',
      'delivered:done',
    ]);
    expect(o[2]!.at).toBe('2024-03-02T08:00:00.000Z');
    expect(o[0]!.at).toBe('2024-03-01T12:00:00.000Z');
  });

  it('a cancelled order ends in cancelled; steps after the last one reached are not reached', () => {
    expect(
      states({
        ...base,
        status: 'cancelled',
        approvedAt: '2024-03-01T13:00:00Z',
        cancelledAt: '2024-03-02T13:00:00Z',
      }),
    ).toEqual([
      'created:done',
      'approved:done',
      'picked:not_reached',
      'packed:not_reached',
      'shipped:not_reached',
      'cancelled:done',
    ]);
  });

  it('a delivered order with a cancel shows delivered (a delivery outranks a cancel)', () => {
    const o = orderLifecycle({
      ...base,
      status: 'delivered',
      deliveredAt: '2024-03-05T10:00:00Z',
      cancelledAt: '2024-03-02T10:00:00Z',
    });
    expect(o.at(-1)).toEqual({ step: 'delivered', state: 'done', at: '2024-03-05T10:00:00.000Z' });
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { toOrdersQuery, useOrdersFilter } from './filters';

describe('orders filter store', () => {
  beforeEach(() => useOrdersFilter.getState().reset());

  it('goes back to page 1 when a filter changes, not when the page changes', () => {
    const f = useOrdersFilter.getState();
    f.update({ page: 4 });
    expect(useOrdersFilter.getState().page).toBe(4);
    f.update({ status: 'shipped' });
    expect(useOrdersFilter.getState()).toMatchObject({ status: 'shipped', page: 1 });
  });

  it('flips the direction on the same column and sorts a new column descending', () => {
    const f = useOrdersFilter.getState();
    f.sortBy('createdAt');
    expect(useOrdersFilter.getState()).toMatchObject({ sort: 'createdAt', order: 'asc' });
    f.sortBy('createdAt');
    expect(useOrdersFilter.getState().order).toBe('desc');
    f.sortBy('status');
    expect(useOrdersFilter.getState()).toMatchObject({ sort: 'status', order: 'desc' });
  });

  it('reset bumps the reset counter', () => {
    const before = useOrdersFilter.getState().resets;
    useOrdersFilter.getState().reset();
    expect(useOrdersFilter.getState().resets).toBe(before + 1);
  });

  it('builds the API query without empty values', () => {
    const f = useOrdersFilter.getState();
    expect(toOrdersQuery(f)).toEqual({
      sort: 'createdAt',
      order: 'desc',
      page: 1,
      pageSize: 100,
      includeDrills: true,
    });
    expect(toOrdersQuery({ ...f, q: ' ORD-1 ', status: 'delivered', from: '2024-01-01', to: null })).toEqual({
      sort: 'createdAt',
      order: 'desc',
      page: 1,
      pageSize: 100,
      includeDrills: true,
      q: 'ORD-1',
      status: 'delivered',
      from: '2024-01-01',
    });
  });
});

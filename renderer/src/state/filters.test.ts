import { beforeEach, describe, expect, it } from 'vitest';
import { checkOrderSearch, toOrdersQuery, useOrdersFilter } from './filters';

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

  it('keeps the search text apart from the applied filter; reset clears both', () => {
    const f = useOrdersFilter.getState();
    f.update({ page: 3 });
    f.setDraft('bad id');
    expect(useOrdersFilter.getState()).toMatchObject({ qDraft: 'bad id', q: '', page: 3 });
    useOrdersFilter.getState().reset();
    expect(useOrdersFilter.getState()).toMatchObject({ qDraft: '', q: '' });
  });
});

describe('orders search check', () => {
  it('accepts blank (no filter) and valid ids, trimmed', () => {
    expect(checkOrderSearch('')).toEqual({ ok: true, q: '' });
    expect(checkOrderSearch('  ORD-1:a.b_c ')).toEqual({ ok: true, q: 'ORD-1:a.b_c' });
  });

  it('names the broken rule in operator wording', () => {
    expect(checkOrderSearch('ORD 1')).toEqual({
      ok: false,
      issue: {
        field: 'q',
        rule: 'format:regex',
        message: 'Use letters, digits and . _ : - only',
        detail: 'only letters, digits and . _ : - are allowed',
      },
    });
    const long = checkOrderSearch('x'.repeat(129));
    expect(long).toMatchObject({
      ok: false,
      issue: { rule: 'too_big', message: 'Must be at most 128 characters' },
    });
  });
});

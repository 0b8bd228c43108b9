import { beforeEach, describe, expect, it } from 'vitest';
import { kpiFigureFilter } from '../../../contracts/kpi-drilldown';
import {
  checkOrderSearch,
  ORDERS_DEFAULT,
  ordersFilterFromSearch,
  ordersFilterOf,
  ordersFilterSearch,
  toOrdersFilterQuery,
  useOrdersFilter,
  type OrdersFilter,
  KPI_DEFAULT,
  kpiViewFromSearch,
  kpiViewSearch,
} from './filters';

describe('orders filter store', () => {
  beforeEach(() => useOrdersFilter.getState().reset());

  it('forgets the selected row when the filter or the sort changes, not when a row is selected', () => {
    const f = useOrdersFilter.getState();
    f.update({ selected: 'o-1', row: 4_000 });
    expect(useOrdersFilter.getState()).toMatchObject({ selected: 'o-1', row: 4_000 });
    f.update({ status: ['shipped'] });
    expect(useOrdersFilter.getState()).toMatchObject({ status: ['shipped'], selected: null, row: null });
    f.update({ selected: 'o-2', row: 12 });
    f.sortBy('status');
    expect(useOrdersFilter.getState()).toMatchObject({ sort: 'status', selected: null, row: null });
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
    // Real traffic only by default, as the dashboard's KPIs.
    expect(toOrdersFilterQuery(f)).toEqual({
      sort: 'createdAt',
      order: 'desc',
      includeDrills: false,
    });
    expect(toOrdersFilterQuery({ ...f, traffic: 'all' })).toMatchObject({ includeDrills: true });
    expect(
      toOrdersFilterQuery({
        ...f,
        q: ' ORD-1 ',
        status: ['delivered'],
        from: '2024-01-01',
        to: null,
        traffic: 'drill',
      }),
    ).toEqual({
      sort: 'createdAt',
      order: 'desc',
      includeDrills: true,
      drillsOnly: true,
      q: 'ORD-1',
      status: ['delivered'],
      from: '2024-01-01',
    });
    expect(toOrdersFilterQuery({ ...f, traffic: 'live', punctuality: 'late', inFull: false })).toMatchObject({
      includeDrills: false,
      punctuality: 'late',
      inFull: false,
    });
  });

  it('keeps the search text apart from the applied filter; reset clears both', () => {
    const f = useOrdersFilter.getState();
    f.update({ status: ['created'] });
    f.setDraft('bad id');
    expect(useOrdersFilter.getState()).toMatchObject({ qDraft: 'bad id', q: '', status: ['created'] });
    useOrdersFilter.getState().reset();
    expect(useOrdersFilter.getState()).toMatchObject({ qDraft: '', q: '' });
  });
});

describe('dashboard view in the URL', () => {
  it('round-trips range, site and traffic; the default view is the empty string', () => {
    const view = { from: '2017-03-01', to: '2017-03-31', includeDrills: true, site: 'w-2' };
    expect(kpiViewFromSearch(kpiViewSearch(view))).toEqual(view);
    expect(kpiViewSearch(KPI_DEFAULT)).toBe('');
    expect(kpiViewFromSearch('')).toEqual(KPI_DEFAULT);
  });
  it('keeps defaults for values that do not parse', () => {
    expect(kpiViewFromSearch('from=2017-3-1&to=x&site=a%20b&drills=yes')).toEqual(KPI_DEFAULT);
  });
});

describe('orders view in the URL', () => {
  const view: OrdersFilter = {
    ...ORDERS_DEFAULT,
    status: ['approved', 'picked'],
    deliveredFrom: '2017-03-01',
    deliveredTo: '2017-03-31',
    punctuality: 'late',
    inFull: true,
    openException: false,
    warehouse: 'w-1',
    customer: 'c 1',
    q: 'ORD',
    sort: 'deliveredAt',
    order: 'asc',
    traffic: 'all',
    selected: 'o/1',
    row: 48_213,
  };

  it('round-trips every field; the default view is the empty string', () => {
    expect(ordersFilterFromSearch(ordersFilterSearch(view))).toEqual(view);
    expect(ordersFilterSearch(ORDERS_DEFAULT)).toBe('');
    expect(ordersFilterFromSearch('')).toEqual(ORDERS_DEFAULT);
    expect(ordersFilterSearch(ORDERS_DEFAULT, true)).toBe('sort=createdAt&order=desc&traffic=live');
    expect(ordersFilterFromSearch('traffic=drill').traffic).toBe('drill');
  });

  it('keeps a row only with its selected order', () => {
    expect(ordersFilterFromSearch('row=12').row).toBeNull();
    expect(ordersFilterFromSearch('selected=o-1&row=12')).toMatchObject({ selected: 'o-1', row: 12 });
    expect(ordersFilterSearch({ ...ORDERS_DEFAULT, row: 12 })).toBe('');
  });

  it('keeps defaults for values that do not parse (an old or edited bookmark still opens)', () => {
    expect(
      ordersFilterFromSearch(
        'status=shipped,nope&from=2017-1-1&punctuality=soon&sort=x&page=0&pageSize=9999&traffic=x&selected=o-1&row=-3',
      ),
    ).toEqual({ ...ORDERS_DEFAULT, status: ['shipped'], selected: 'o-1' });
  });

  it('opens a KPI drill-down as a view', () => {
    expect(
      ordersFilterOf(kpiFigureFilter('late', { from: '2017-03-01', to: '2017-03-31', includeDrills: false })),
    ).toEqual({
      ...ORDERS_DEFAULT,
      deliveredFrom: '2017-03-01',
      deliveredTo: '2017-03-31',
      punctuality: 'late',
      traffic: 'live',
    });
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

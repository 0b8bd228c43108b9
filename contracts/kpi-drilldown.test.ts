import { describe, expect, it } from 'vitest';
import { kpiBarFilter, kpiFigureFilter } from './kpi-drilldown';

describe('KPI drill-down filters', () => {
  it('keeps the site a figure was computed for, so the orders list counts the same orders', () => {
    expect(
      kpiFigureFilter('late', {
        from: '2024-03-01',
        to: '2024-03-31',
        includeDrills: false,
        warehouse: 'w-2',
      }),
    ).toEqual({
      includeDrills: false,
      warehouse: 'w-2',
      deliveredFrom: '2024-03-01',
      deliveredTo: '2024-03-31',
      punctuality: 'late',
    });
    expect(kpiFigureFilter('created', { includeDrills: true, warehouse: null })).toEqual({
      includeDrills: true,
    });
  });

  it('clips a bar to the series range and keeps its site', () => {
    const filter = kpiBarFilter(
      'shipped',
      { start: '2024-02-26', size: 'week' },
      { from: '2024-03-01', to: '2024-03-31' },
      false,
      'w-2',
    );
    expect(filter).toEqual({
      includeDrills: false,
      warehouse: 'w-2',
      shippedFrom: '2024-03-01',
      shippedTo: '2024-03-03',
    });
    expect(
      kpiBarFilter('created', { start: '2024-03-04', size: 'week' }, { from: null, to: null }, true),
    ).toEqual({
      includeDrills: true,
      from: '2024-03-04',
      to: '2024-03-10',
    });
  });
});

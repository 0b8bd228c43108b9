import { describe, expect, it } from 'vitest';
import { comparablePrevious, kpiDelta } from './kpiDelta';

describe('kpiDelta', () => {
  it('is null without a previous figure', () => {
    expect(kpiDelta('rate', 0.9, null, 'up')).toBeNull();
    expect(kpiDelta('count', null, 3, 'none')).toBeNull();
  });

  it('words rates in percentage points and judges them by the good direction', () => {
    expect(kpiDelta('rate', 0.92, 0.9, 'up')).toEqual({ text: '▲ 2.0 pts', tone: 'better' });
    expect(kpiDelta('rate', 0.88, 0.9, 'up')).toEqual({ text: '▼ 2.0 pts', tone: 'worse' });
  });

  it('words counts with their relative change; volumes are neither good nor bad', () => {
    expect(kpiDelta('count', 150, 100, 'none')).toEqual({ text: '▲ 50 (+50 %)', tone: 'same' });
    expect(kpiDelta('count', 5, 10, 'down')).toEqual({ text: '▼ 5 (−50 %)', tone: 'better' });
    expect(kpiDelta('count', 3, 0, 'down')).toEqual({ text: '▲ 3', tone: 'worse' });
    expect(kpiDelta('count', 3, 3, 'down')).toEqual({ text: 'no change', tone: 'same' });
  });

  it('names the previous count once a count grew tenfold, instead of a percentage nobody reads', () => {
    expect(kpiDelta('count', 100_724, 1, 'none')).toEqual({ text: '▲ 100,723 (from 1)', tone: 'same' });
    expect(kpiDelta('count', 888, 2, 'down')).toEqual({ text: '▲ 886 (from 2)', tone: 'worse' });
    expect(kpiDelta('count', 1_900, 200, 'none')).toEqual({ text: '▲ 1,700 (+850 %)', tone: 'same' });
  });

  it('words durations as a duration', () => {
    expect(kpiDelta('duration', 3 * 86_400_000, 2 * 86_400_000, 'down')).toEqual({
      text: '▲ 1.0 d',
      tone: 'worse',
    });
  });
});

describe('comparablePrevious', () => {
  const empty = {
    from: '2014-09-09',
    to: '2016-09-14',
    createdOrders: 0,
    deliveredOrders: 0,
    onTimeOrders: 0,
    lateOrders: 0,
    otd: null,
    otifOrders: 0,
    otif: null,
    cycleTimeMedianMs: null,
    cycleTimeP90Ms: null,
    backlog: 0,
  };

  it('drops a previous range before the data starts (no "▲ itself vs previous")', () => {
    expect(comparablePrevious(empty)).toBeNull();
    expect(comparablePrevious(null)).toBeNull();
  });

  it('keeps a previous range with any activity, even only open orders', () => {
    expect(comparablePrevious({ ...empty, createdOrders: 1 })).not.toBeNull();
    expect(comparablePrevious({ ...empty, deliveredOrders: 2 })).not.toBeNull();
    expect(comparablePrevious({ ...empty, backlog: 3 })).not.toBeNull();
  });
});

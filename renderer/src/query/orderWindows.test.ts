import { describe, expect, it } from 'vitest';
import { ORDER_WINDOW_ROWS, windowQuery, windowsBetween } from './orderWindows';

const W = ORDER_WINDOW_ROWS;

describe('order windows', () => {
  it('lists the windows of a row range after window 0 (always fetched for the total)', () => {
    expect(windowsBetween(0, W - 1, null)).toEqual([]);
    expect(windowsBetween(0, W, null)).toEqual([1]);
    expect(windowsBetween(W * 3 + 5, W * 5 + 1, null)).toEqual([3, 4, 5]);
  });

  it('stops at the last row of the filter', () => {
    expect(windowsBetween(W * 2, W * 4, W * 2 + 10)).toEqual([2]);
    expect(windowsBetween(W * 2, W * 4, W * 2)).toEqual([]);
    expect(windowsBetween(0, W * 10, 0)).toEqual([]);
  });

  it('gives nothing for an empty or negative range', () => {
    expect(windowsBetween(10, 5, null)).toEqual([]);
    expect(windowsBetween(-1, 5, null)).toEqual([]);
  });

  it('asks for window n as page n + 1 of the window size, with the filter unchanged', () => {
    expect(windowQuery({ sort: 'status', order: 'asc', status: ['shipped'] }, 499)).toEqual({
      sort: 'status',
      order: 'asc',
      status: ['shipped'],
      page: 500,
      pageSize: W,
    });
  });
});

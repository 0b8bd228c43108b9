import { describe, expect, it } from 'vitest';
import { ORDER_WINDOW_ROWS, tableRows, windowQuery, windowsBetween } from './orderWindows';

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

  it('sizes the table by an exact total as it is', () => {
    expect(tableRows(1234, false, () => W)).toEqual({ rows: 1234, open: false });
  });

  it('grows a capped table one window past each window read in full, and stops at a short one', () => {
    const cap = W * 50;
    // Nothing read past window 0: the cap.
    expect(tableRows(cap, true, () => undefined)).toEqual({ rows: cap, open: true });
    // Windows 0..51 read in full: one more window after them.
    const read = (upTo: number, last?: number) => (i: number) =>
      i < upTo ? W : i === upTo ? last : undefined;
    expect(tableRows(cap, true, read(52))).toEqual({ rows: W * 53, open: true });
    // Window 52 was short: the list ends inside it, exactly.
    expect(tableRows(cap, true, read(52, 17))).toEqual({ rows: W * 52 + 17, open: false });
    // A cap that is not a multiple of the window size.
    expect(tableRows(cap + 50, true, read(51))).toEqual({ rows: W * 52, open: true });
  });
});

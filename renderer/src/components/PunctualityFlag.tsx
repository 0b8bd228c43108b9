/**
 * An order's punctuality as the API judged it (contracts/site-time.ts, site time): "on time",
 * "late by N days", "overdue by N days"; nothing while an open order is still due or when there
 * is no verdict. Display only: the console computes no KPI.
 */
import type { ReactNode } from 'react';
import type { Punctuality } from '../../../contracts/site-time';

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** The flag of one order's punctuality (null/`due`: nothing). */
export function PunctualityFlag({ value }: { value: Punctuality | null }): ReactNode {
  if (!value || value.state === 'due') return null;
  if (value.state === 'on_time')
    return (
      <span className="flag flag--ok" data-testid="punctuality" data-state="on_time">
        on time
      </span>
    );
  return (
    <span
      className="flag flag--bad"
      data-testid="punctuality"
      data-state={value.state}
      title={
        value.state === 'overdue'
          ? 'Not delivered, and the promised day is over in site time'
          : 'Delivered after the promised day (site time)'
      }
    >
      {value.state === 'late' ? 'late' : 'overdue'} by {days(value.days)}
    </span>
  );
}

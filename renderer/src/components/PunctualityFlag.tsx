/**
 * An order's punctuality as the API judged it (contracts/site-time.ts, site time): "on time",
 * "late by N days", "overdue by N days"; nothing while an open order is still due or when there
 * is no verdict. Display only: the console computes no KPI. `compact` (the orders list, where the
 * promised column must fit at 1280 px): "late 5 d", "overdue 2900 d", the whole sentence in the
 * tooltip.
 */
import type { ReactNode } from 'react';
import type { Punctuality } from '../../../contracts/site-time';

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** The flag of one order's punctuality (null/`due`: nothing). */
export function PunctualityFlag({
  value,
  compact = false,
}: {
  value: Punctuality | null;
  compact?: boolean;
}): ReactNode {
  if (!value || value.state === 'due') return null;
  if (value.state === 'on_time')
    return (
      <span
        className={`flag flag--ok${compact ? ' flag--compact' : ''}`}
        data-testid="punctuality"
        data-state="on_time"
      >
        on time
      </span>
    );
  const sentence = `${value.state} by ${days(value.days)}`;
  return (
    <span
      className={`flag flag--bad${compact ? ' flag--compact' : ''}`}
      data-testid="punctuality"
      data-state={value.state}
      title={`${sentence}: ${
        value.state === 'overdue'
          ? 'not delivered, and the promised day is over in site time'
          : 'delivered after the promised day (site time)'
      }`}
    >
      {compact ? `${value.state} ${value.days} d` : sentence}
    </span>
  );
}

/**
 * Wording of a KPI's change against the previous range of the same length (the API computes
 * both ranges; `KpiSummary.previous`): counts as a signed count and percentage, rates in
 * percentage points, durations as a signed duration.
 */
import type { KpiPeriod } from '../../../contracts/api';
import { formatCount, formatDuration } from './format';

/** How a figure is read: a count, a 0..1 rate, or a duration in ms. */
export type KpiKind = 'count' | 'rate' | 'duration';

/** A change and whether it is good news (`better` says which way is good for this figure). */
export interface KpiDelta {
  text: string;
  tone: 'better' | 'worse' | 'same';
}

/**
 * The change from `previous` to `current`; null when either is unknown (no previous range, or
 * nothing delivered in one of them).
 * @param better which direction is good news: `up` (OTD), `down` (late, cycle time) or `none` (volumes)
 */
export function kpiDelta(
  kind: KpiKind,
  current: number | null,
  previous: number | null,
  better: 'up' | 'down' | 'none',
): KpiDelta | null {
  if (current === null || previous === null) return null;
  const diff = current - previous;
  if (diff === 0) return { text: 'no change', tone: 'same' };
  const arrow = diff > 0 ? '▲' : '▼';
  let text: string;
  if (kind === 'rate') text = `${arrow} ${Math.abs(diff * 100).toFixed(1)} pts`;
  else if (kind === 'duration') text = `${arrow} ${formatDuration(Math.abs(diff))}`;
  else {
    text = `${arrow} ${formatCount(Math.abs(diff))}${relativeChange(current, previous)}`;
  }
  const tone = better === 'none' ? 'same' : diff > 0 === (better === 'up') ? 'better' : 'worse';
  return { text, tone };
}

/**
 * The relative part of a count's change: " (+50 %)"; " (from 12)" once the count grew tenfold or
 * more, where a percentage ("+10072300 %") says less than the previous figure itself; "" when
 * there was nothing before.
 */
function relativeChange(current: number, previous: number): string {
  if (previous <= 0) return '';
  if (current >= previous * 10) return ` (from ${formatCount(previous)})`;
  const pct = Math.round(Math.abs(((current - previous) / previous) * 100));
  return ` (${current > previous ? '+' : '−'}${formatCount(pct)} %)`;
}

/**
 * The previous range when it holds activity to compare with, else null: a range before the data
 * starts (nothing created, delivered or open) would turn every count into "▲ itself vs previous",
 * which reads as growth and is only the start of the data.
 */
export function comparablePrevious(previous: KpiPeriod | null): KpiPeriod | null {
  if (!previous) return null;
  const active = previous.createdOrders > 0 || previous.deliveredOrders > 0 || previous.backlog > 0;
  return active ? previous : null;
}

/**
 * An order's lifecycle as steps (the order detail's stepper): created, approved, picked, packed,
 * shipped, then delivered, or cancelled for a cancelled order. Pure: the API derives it from the
 * order's read model and its event history; the console only draws it.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './events';

/** The steps of the stepper, in order; the last one is `delivered` or `cancelled`. */
export const LIFECYCLE_STEPS = [
  'created',
  'approved',
  'picked',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
] as const;
export type LifecycleStepName = (typeof LIFECYCLE_STEPS)[number];

/**
 * Where a step stands:
 * - `done`: reached, `at` is its event time (UTC);
 * - `skipped`: never reported, but a later step was reached (e.g. Olist has no pick or pack events);
 * - `pending`: not reached yet (the order is still open);
 * - `not_reached`: the order was cancelled before it.
 */
export const LIFECYCLE_STATES = ['done', 'skipped', 'pending', 'not_reached'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export const lifecycleStepSchema = z.object({
  step: z.enum(LIFECYCLE_STEPS),
  state: z.enum(LIFECYCLE_STATES),
  /** Event time of the step (RFC 3339 UTC), null unless `done`. */
  at: z.string().nullable(),
});
export type LifecycleStep = z.infer<typeof lifecycleStepSchema>;

/** What {@link orderLifecycle} reads: the read model's instants and the event history. */
export interface LifecycleInput {
  status: string;
  createdAt: string | null;
  approvedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  /** Applied events (any order); picked and packed times come from here (earliest event). */
  history: readonly { type: string; time: string }[];
}

const EVENT_OF_STEP: Record<'picked' | 'packed', string> = {
  picked: EVENT_TYPES.orderPicked,
  packed: EVENT_TYPES.orderPacked,
};

function iso(value: string | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * The lifecycle steps of one order (six steps; the last is `cancelled` for a cancelled order
 * that was never delivered, else `delivered`). A delivered order that also has a cancel shows
 * delivered (order-status.ts: a delivery outranks a cancel).
 */
export function orderLifecycle(o: LifecycleInput): LifecycleStep[] {
  const earliest = (type: string): string | null => {
    let best: number | null = null;
    for (const h of o.history) {
      if (h.type !== type) continue;
      const t = Date.parse(h.time);
      if (!Number.isNaN(t) && (best === null || t < best)) best = t;
    }
    return best === null ? null : new Date(best).toISOString();
  };
  const cancelled = o.status === 'cancelled' && !o.deliveredAt;
  const times: [LifecycleStepName, string | null][] = [
    ['created', iso(o.createdAt)],
    ['approved', iso(o.approvedAt)],
    ['picked', earliest(EVENT_OF_STEP.picked)],
    ['packed', earliest(EVENT_OF_STEP.packed)],
    ['shipped', iso(o.shippedAt)],
    cancelled ? ['cancelled', iso(o.cancelledAt)] : ['delivered', iso(o.deliveredAt)],
  ];
  const final = times.length - 1;
  const finalDone = times[final]![1] !== null;
  // The last step reached before the final one (-1: none).
  const lastBefore = times.slice(0, final).reduce((last, [, at], i) => (at ? i : last), -1);
  const stateOf = (at: string | null, i: number): LifecycleState => {
    if (at) return 'done';
    if (i < lastBefore) return 'skipped';
    if (i === final) return 'pending';
    if (cancelled) return 'not_reached';
    return finalDone ? 'skipped' : 'pending';
  };
  return times.map(([step, at], i) => ({ step, at, state: stateOf(at, i) }));
}

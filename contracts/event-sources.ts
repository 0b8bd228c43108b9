/**
 * Where an event came from: the one registry of the CloudEvents `source` attribute each producer
 * of this project sets, and the kind of source the console shows for an event (the order
 * detail's event history). Producers import their `source` from here; the API classifies stored
 * events with {@link sourceKind}.
 *
 * Kinds:
 * - `console`: typed into the console's Inject form or posted to `POST /api/events`;
 * - `drill`: any event carrying a `drillid` (drill traffic), whoever produced it;
 * - `import`: a bulk import of order history (`npm run import:olist`);
 * - `carrier`: a carrier's tracking data (`npm run import:tracking`, AfterShip responses);
 * - `other`: any other `source` (another system posting to the API, tests).
 */
import { z } from 'zod';

/** The kinds of event source, in the order the console's legend lists them. */
export const SOURCE_KINDS = ['console', 'drill', 'import', 'carrier', 'other'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const sourceKindSchema = z.enum(SOURCE_KINDS);

/** Each producer of this project: its CloudEvents `source` and the kind it is shown as. */
export const EVENT_SOURCES = {
  /** The console's Inject form (renderer/src/inject/formModel.ts `buildEvent`). */
  console: { source: 'console', kind: 'console' },
  /** `npm run import:olist` (scripts/olist/mapping.ts). */
  olistImport: { source: 'olist-import', kind: 'import' },
  /** `npm run import:tracking`: carrier tracking responses (scripts/tracking/mapping.ts). */
  carrier: { source: 'aftership-import', kind: 'carrier' },
} as const satisfies Record<string, { source: string; kind: Exclude<SourceKind, 'drill' | 'other'> }>;

const KIND_OF_SOURCE = new Map<string, SourceKind>(
  Object.values(EVENT_SOURCES).map((p) => [p.source, p.kind]),
);

/** What each kind means, for the console's tooltips and legend. */
export const SOURCE_KIND_LABELS: Readonly<Record<SourceKind, string>> = {
  console: 'typed in the console (Inject form or the API)',
  drill: 'drill traffic (carries a drill id; never counted in live KPIs)',
  import: 'bulk import of order history (Olist)',
  carrier: "a carrier's tracking data (AfterShip import)",
  other: 'another producer (its CloudEvents source is shown)',
};

/**
 * The kind of an event's source: `drill` when it carries a drill id, else the kind of its
 * registered `source` ({@link EVENT_SOURCES}), else `other`.
 * @param source the event's CloudEvents `source` attribute
 * @param drillId the event's `drillid`, or null for live traffic
 */
export function sourceKind(source: string, drillId: string | null | undefined): SourceKind {
  if (drillId) return 'drill';
  return KIND_OF_SOURCE.get(source) ?? 'other';
}

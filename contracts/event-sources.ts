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
 *
 * The importers' sources are reserved ({@link apiSourceIssue}): the API refuses them, so an
 * operator cannot make an event look imported; importers publish to Kafka directly. The drill
 * runner's source ({@link DRILL_RUNNER_SOURCE}) is accepted at the API on drill traffic only.
 */
import { z } from 'zod';
import type { FieldIssue } from './events';

/** The kinds of event source, in the order the console's legend lists them. */
export const SOURCE_KINDS = ['console', 'drill', 'import', 'carrier', 'other'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const sourceKindSchema = z.enum(SOURCE_KINDS);

/** Each producer of this project: its CloudEvents `source` and the kind it is shown as. */
export const EVENT_SOURCES = {
  /** The console's Inject form (renderer/src/inject/formModel.ts `buildEvent`). */
  console: { source: 'console', kind: 'console', producer: 'api' },
  /** `npm run import:olist` (scripts/olist/mapping.ts). */
  olistImport: { source: 'olist-import', kind: 'import', producer: 'importer' },
  /** `npm run import:tracking`: carrier tracking responses (scripts/tracking/mapping.ts). */
  carrier: { source: 'aftership-import', kind: 'carrier', producer: 'importer' },
} as const satisfies Record<
  string,
  {
    source: string;
    kind: Exclude<SourceKind, 'drill' | 'other'>;
    /** `importer`: publishes to Kafka directly; its source is refused at the API. */
    producer: 'api' | 'importer';
  }
>;

/** CloudEvents `source` of the events a drill run generates (server/drills/generators.ts). */
export const DRILL_RUNNER_SOURCE = 'sct/drill-runner';

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

/** A source in comparable form: lowercase letters and digits only (`Olist_Import ` = `olist-import`). */
function sourceKey(source: string): string {
  return source.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const IMPORTER_SOURCES = new Map<string, string>(
  Object.values(EVENT_SOURCES)
    .filter((p) => p.producer === 'importer')
    .map((p) => [sourceKey(p.source), p.source]),
);

/**
 * Why the API refuses an event's `source`, or null when it may post it. Refused (rule
 * `reserved_source`): an importer's source (`olist-import`, `aftership-import`, also in other
 * letter case or punctuation), which would show the event as imported data; and the drill
 * runner's source on an event without a `drillid`. Any other source (the console's, another
 * system's) is the poster's own and accepted.
 * @param source the event's CloudEvents `source`
 * @param drillId the event's `drillid`, or null/undefined for live traffic
 * @returns the issue naming the field `source` and the rule, or null
 */
export function apiSourceIssue(source: string, drillId: string | null | undefined): FieldIssue | null {
  const key = sourceKey(source);
  const importer = IMPORTER_SOURCES.get(key);
  if (importer !== undefined)
    return {
      field: 'source',
      rule: 'reserved_source',
      message: `"${source}" is reserved for the importer that publishes "${importer}" events to Kafka; events posted to the API carry their own source (the console sends "${EVENT_SOURCES.console.source}")`,
    };
  if (key === sourceKey(DRILL_RUNNER_SOURCE) && !drillId)
    return {
      field: 'source',
      rule: 'reserved_source',
      message: `"${source}" is the drill runner's source: only drill traffic (with a drillid) may carry it`,
    };
  return null;
}

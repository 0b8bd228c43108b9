/**
 * The AfterShip import as a library: maps every tracking (all of them before anything is
 * published), publishes the events in batches through a caller-given `publish` (the project's
 * EventPublisher in the CLI and the integration test) and returns a summary. No console output.
 */
import {
  ALL_EVENT_TYPES,
  type ShipmentEvent,
  type ShipmentStatus,
  type SupplyChainEvent,
} from '../../contracts';
import { applyShipmentEvent, type ShipmentRow } from '../../workers/shipment-tracker/shipment-state';
import { mapTracking, type MappingOptions, type TrackingAlert } from './mapping';
import type { SourcedTracking } from './read';

/** Default and largest events per `publish` call (see scripts/olist/import.ts for the limit). */
export const DEFAULT_TRACKING_BATCH_SIZE = 1000;
export const MAX_TRACKING_BATCH_SIZE = 5000;

/** Trackings that cannot be imported: every message names the file and the field. */
export class TrackingRefusedError extends Error {
  override name = 'TrackingRefusedError';
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} timestamp(s) or field(s) refused; nothing was published:\n  ${problems.join('\n  ')}`,
    );
  }
}

export interface TrackingImportSummary {
  trackingsRead: number;
  /** Distinct shipments (a tracking listed in two files is one shipment). */
  shipments: number;
  eventsPublished: number;
  eventsByType: Record<string, number>;
  /** The status each shipment has after its events, as the shipment-tracker folds them. */
  statusByShipment: Record<string, ShipmentStatus>;
  /** Carrier codes the table could not map, or mapped by tag only. */
  alerts: TrackingAlert[];
  durationSeconds: number;
}

export interface TrackingImportProgress {
  shipmentsDone: number;
  shipmentsTotal: number;
  eventsPublished: number;
}

export interface TrackingImportOptions extends MappingOptions {
  trackings: readonly SourcedTracking[];
  batchSize?: number;
  /** Publishes one batch; resolves when the broker acknowledged it. */
  publish: (events: SupplyChainEvent[]) => Promise<unknown>;
  onProgress?: (progress: TrackingImportProgress) => void;
  now?: () => number;
}

/**
 * Maps every tracking, then publishes.
 * @throws TrackingRefusedError before publishing anything when a tracking is refused
 * @throws RangeError for a batch size outside 1..{@link MAX_TRACKING_BATCH_SIZE}
 * @throws whatever `publish` throws; acknowledged batches stay published and a re-run skips them
 */
export async function importTrackings(opts: TrackingImportOptions): Promise<TrackingImportSummary> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const batchSize = opts.batchSize ?? DEFAULT_TRACKING_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_TRACKING_BATCH_SIZE)
    throw new RangeError(
      `batchSize must be a whole number from 1 to ${MAX_TRACKING_BATCH_SIZE} (got ${batchSize})`,
    );

  // Map everything first: one refused timestamp publishes nothing.
  const byShipment = new Map<string, Map<string, SupplyChainEvent>>();
  const alerts: TrackingAlert[] = [];
  const problems: string[] = [];
  for (const src of opts.trackings) {
    const mapped = mapTracking(src, opts);
    if (mapped.kind === 'refused') {
      problems.push(...mapped.errors);
      continue;
    }
    alerts.push(...mapped.alerts);
    const events = byShipment.get(mapped.shipmentId) ?? new Map<string, SupplyChainEvent>();
    for (const e of mapped.events) events.set(e.id, e);
    byShipment.set(mapped.shipmentId, events);
  }
  if (problems.length > 0) throw new TrackingRefusedError(problems);

  const summary: TrackingImportSummary = {
    trackingsRead: opts.trackings.length,
    shipments: byShipment.size,
    eventsPublished: 0,
    eventsByType: {},
    statusByShipment: {},
    alerts,
    durationSeconds: 0,
  };
  let done = 0;
  let pending = 0;
  let batch: SupplyChainEvent[] = [];
  const report = () =>
    opts.onProgress?.({
      shipmentsDone: done,
      shipmentsTotal: byShipment.size,
      eventsPublished: summary.eventsPublished,
    });
  const flush = async () => {
    if (batch.length > 0) await opts.publish(batch);
    for (const e of batch) summary.eventsByType[e.type] = (summary.eventsByType[e.type] ?? 0) + 1;
    summary.eventsPublished += batch.length;
    done += pending;
    batch = [];
    pending = 0;
    report();
  };
  report();
  for (const [shipmentId, eventMap] of byShipment) {
    const events = [...eventMap.values()];
    let row: ShipmentRow | undefined;
    for (const e of events) row = applyShipmentEvent(row, e as ShipmentEvent);
    summary.statusByShipment[shipmentId] = row!.status;
    // A shipment's events go in one call (same key, same partition, in source order).
    if (batch.length > 0 && batch.length + events.length > batchSize) await flush();
    batch.push(...events);
    pending += 1;
  }
  await flush();
  summary.durationSeconds = (now() - started) / 1000;
  return summary;
}

/** The summary as plain text lines (the CLI prints them). */
export function formatTrackingSummary(s: TrackingImportSummary): string {
  const out: string[] = [];
  const row = (label: string, value: string | number) => out.push(`${label.padEnd(34)}${value}`);
  out.push('AfterShip tracking import');
  row('trackings read', s.trackingsRead);
  row('shipments', s.shipments);
  row('events published (acknowledged)', s.eventsPublished);
  for (const type of ALL_EVENT_TYPES) if (s.eventsByType[type]) row(`  ${type}`, s.eventsByType[type]);
  out.push('status after import:');
  for (const [id, status] of Object.entries(s.statusByShipment)) out.push(`  ${id.padEnd(48)}${status}`);
  out.push(
    `alerts: carrier codes not in the status table (${s.alerts.length === 0 ? 'none' : s.alerts.length}):`,
  );
  for (const a of s.alerts)
    out.push(`  ALERT ${a.code}: ${a.reason}; published as ${a.published} (${a.shipmentId}, ${a.where})`);
  row('duration (map + publish)', `${s.durationSeconds.toFixed(2)} s`);
  out.push(
    'note: event ids derive from the source (shipment + checkpoint content), so re-importing the same',
    '  responses re-publishes the same ids and the workers apply nothing twice.',
  );
  return out.join('\n');
}

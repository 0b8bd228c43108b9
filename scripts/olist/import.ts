/**
 * The Olist import as a library: loads a folder, maps every order, validates and publishes the
 * events in batches through a caller-given `publish` (the project's EventPublisher in the CLI and
 * the integration test), and returns a summary. No console output here.
 */
import { ALL_EVENT_TYPES, type SupplyChainEvent } from '../../contracts';
import {
  DEFAULT_SITE_TIME_ZONE,
  INCONSISTENCY_KINDS,
  mapOlistOrder,
  type InconsistencyKind,
} from './mapping';
import { loadOlistFolder, type OlistData } from './read';
import { copyOrderEvents, DEFAULT_SHIFT_DAYS } from '../scale/rekey';

/** At most this many example order ids are kept per inconsistency kind or skip reason. */
const EXAMPLES = 3;

/** Default events per `publish` call. */
export const DEFAULT_BATCH_SIZE = 1000;
/**
 * Largest batch: one `publish` call is one Kafka request, and each partition's share of it must
 * stay under the broker's `message.max.bytes` (1 MiB by default). Events are about 0.5 KB (at
 * most 1 KB), spread over 12 partitions: 5000 events stay well below the limit.
 */
export const MAX_BATCH_SIZE = 5000;

export interface CountWithExamples {
  count: number;
  /** A few order ids, to look the rows up. */
  examples: string[];
}

export interface ImportSummary {
  folder: string;
  siteTimeZone: string;
  /** Order rows read (after `limit`). */
  ordersRead: number;
  /** Orders whose events were published. */
  ordersImported: number;
  /** Re-keyed, shifted copies published per imported order (`--copies`; 0 = the sample only). */
  copies: number;
  ordersSkipped: number;
  eventsPublished: number;
  eventsByType: Record<string, number>;
  /** Inconsistent source rows (imported as they are), by kind. */
  inconsistencies: Partial<Record<InconsistencyKind, CountWithExamples>>;
  /** Orders not imported, by reason. */
  skipped: Record<string, CountWithExamples>;
  /** Seconds spent reading the CSV files. */
  readSeconds: number;
  /** Seconds from the start of reading to the last acknowledged batch. */
  durationSeconds: number;
  eventsPerSecond: number;
}

export interface ImportProgress {
  ordersDone: number;
  ordersTotal: number;
  eventsPublished: number;
}

export interface ImportOptions {
  folder: string;
  siteTimeZone?: string;
  /** Import only the first N orders (file order). */
  limit?: number;
  /** Events per `publish` call, 1..{@link MAX_BATCH_SIZE} (an order's events never straddle two calls). Default 1000. */
  batchSize?: number;
  /**
   * The folder's data, already read with `loadOlistFolder(folder, limit)`: the CLI reads and
   * checks every file before it connects to Kafka. Read here when absent.
   */
  data?: OlistData;
  /** Seconds the caller spent reading `data` (reported as "reading CSV files"). */
  readSeconds?: number;
  /** Publishes one batch; resolves when the broker acknowledged it (acks=all). */
  publish: (events: SupplyChainEvent[]) => Promise<unknown>;
  /** Called once the orders are loaded and after every acknowledged batch. */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Scale copies (issue 11 item 8): after each order, also publish copies 1..`copies` of it,
   * re-keyed and moved `k * shiftDays` site days earlier (scripts/scale/rekey.ts). Default 0.
   */
  copies?: number;
  /** Site days between two copies (default {@link DEFAULT_SHIFT_DAYS}). */
  shiftDays?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

function bump(map: Record<string, CountWithExamples>, key: string, orderId: string): void {
  const entry = (map[key] ??= { count: 0, examples: [] });
  entry.count += 1;
  if (entry.examples.length < EXAMPLES) entry.examples.push(orderId);
}

/**
 * Imports an Olist folder.
 * Every file is read and parsed before the first `publish` call: a broken file publishes nothing.
 * @throws OlistInputError when the folder, a file or a column is missing, or a file is not valid CSV
 * @throws RangeError when `batchSize` is not a whole number in 1..{@link MAX_BATCH_SIZE}
 * @throws whatever `publish` throws (ServiceUnavailableError when Kafka is down); batches
 *   acknowledged before stay published, and a re-run skips them by event id
 */
export async function importOlist(opts: ImportOptions): Promise<ImportSummary> {
  const now = opts.now ?? (() => performance.now());
  const siteTimeZone = opts.siteTimeZone ?? DEFAULT_SITE_TIME_ZONE;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)
    throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE} (got ${batchSize})`);
  const started = now() - (opts.data ? (opts.readSeconds ?? 0) * 1000 : 0);
  const data = opts.data ?? (await loadOlistFolder(opts.folder, opts.limit));
  const readSeconds = opts.data ? (opts.readSeconds ?? 0) : (now() - started) / 1000;

  const summary: ImportSummary = {
    folder: opts.folder,
    siteTimeZone,
    ordersRead: data.orders.length,
    ordersImported: 0,
    copies: opts.copies ?? 0,
    ordersSkipped: 0,
    eventsPublished: 0,
    eventsByType: {},
    inconsistencies: {},
    skipped: {},
    readSeconds,
    durationSeconds: 0,
    eventsPerSecond: 0,
  };
  const ctx = { siteTimeZone, customers: data.customers, sellers: data.sellers };
  let ordersDone = 0;
  let pendingOrders = 0;
  let batch: SupplyChainEvent[] = [];
  const report = () =>
    opts.onProgress?.({
      ordersDone,
      ordersTotal: data.orders.length,
      eventsPublished: summary.eventsPublished,
    });

  // One batch in flight while the next one is mapped: publish calls stay strictly sequential
  // (the next starts after the previous was acknowledged), so per-entity order is kept.
  // Assigned in flush(): the `as` keeps TypeScript from narrowing it to `null` after the loop.
  let inFlight = null as Promise<void> | null;
  const flush = async () => {
    const sending = batch;
    const orders = pendingOrders;
    batch = [];
    pendingOrders = 0;
    if (inFlight) await inFlight;
    inFlight = (async () => {
      if (sending.length > 0) await opts.publish(sending);
      for (const e of sending) summary.eventsByType[e.type] = (summary.eventsByType[e.type] ?? 0) + 1;
      summary.eventsPublished += sending.length;
      ordersDone += orders;
      report();
    })();
    inFlight.catch(() => undefined); // rejection is rethrown by the next await of inFlight
  };

  report();
  for (const order of data.orders) {
    const mapped = mapOlistOrder(order, data.itemsByOrder.get(order.order_id) ?? [], ctx);
    if (mapped.kind === 'skipped') {
      summary.ordersSkipped += 1;
      bump(summary.skipped, mapped.reason, mapped.orderId || '(no id)');
      pendingOrders += 1;
      continue;
    }
    for (const kind of mapped.inconsistencies) bump(summary.inconsistencies, kind, mapped.orderId);
    // Keep each order's events in one call, in lifecycle order (same key, same partition).
    if (batch.length > 0 && batch.length + mapped.events.length > batchSize) await flush();
    batch.push(...mapped.events);
    summary.ordersImported += 1;
    pendingOrders += 1;
    for (let copy = 1; copy <= summary.copies; copy++) {
      const events = copyOrderEvents(
        mapped.events,
        mapped.orderId,
        copy,
        opts.shiftDays ?? DEFAULT_SHIFT_DAYS,
        siteTimeZone,
      );
      if (batch.length > 0 && batch.length + events.length > batchSize) await flush();
      batch.push(...events);
      summary.ordersImported += 1;
    }
  }
  await flush();
  await inFlight;

  summary.durationSeconds = (now() - started) / 1000;
  summary.eventsPerSecond =
    summary.durationSeconds > 0 ? summary.eventsPublished / summary.durationSeconds : 0;
  return summary;
}

/** The summary as plain text lines (the CLI prints them). */
export function formatSummary(s: ImportSummary): string {
  const out: string[] = [];
  const row = (label: string, value: string | number) => out.push(`${label.padEnd(34)}${value}`);
  out.push(`Olist import from ${s.folder} (site time zone ${s.siteTimeZone})`);
  row('orders read', s.ordersRead);
  row(
    'orders imported',
    s.copies > 0 ? `${s.ordersImported} (the sample and ${s.copies} copies of it)` : s.ordersImported,
  );
  row('orders skipped', s.ordersSkipped);
  row('events published (acknowledged)', s.eventsPublished);
  const types = Object.keys(s.eventsByType).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const type of types) row(`  ${type}`, s.eventsByType[type]!);
  out.push(...RERUN_NOTE);
  const inconsistencies = (
    Object.entries(s.inconsistencies) as [InconsistencyKind, CountWithExamples][]
  ).sort((a, b) => b[1].count - a[1].count);
  out.push(
    `inconsistent rows, imported as they are (${inconsistencies.length === 0 ? 'none' : `${inconsistencies.length} kinds`}):`,
  );
  for (const [kind, c] of inconsistencies) {
    out.push(
      `  ${kind.padEnd(32)}${String(c.count).padStart(6)}  ${INCONSISTENCY_KINDS[kind]}; e.g. ${c.examples.join(', ')}`,
    );
  }
  const skipped = Object.entries(s.skipped).sort((a, b) => b[1].count - a[1].count);
  out.push(`skipped orders, not imported (${skipped.length === 0 ? 'none' : `${s.ordersSkipped} orders`}):`);
  for (const [reason, c] of skipped)
    out.push(`  ${String(c.count).padStart(6)}  ${reason}; e.g. ${c.examples.join(', ')}`);
  row('reading CSV files', `${s.readSeconds.toFixed(2)} s`);
  row('duration (read + map + publish)', `${s.durationSeconds.toFixed(2)} s`);
  row('throughput', `${Math.round(s.eventsPerSecond)} events/s`);
  return out.join('\n');
}

/** Printed under the event counts: "published" is not "changed" when the ids were applied before. */
export const RERUN_NOTE = [
  'note: event ids are deterministic (order id + event type). The workers skip every event whose id',
  '  they have already applied, so re-publishing orders imported before (an idempotent re-run)',
  '  changes nothing, even with a different --site-tz: the first import wins. To import with another',
  '  time zone, use a fresh deployment (new SCT_TOPIC_PREFIX and database; see --help).',
];

function rank(type: string): number {
  const i = (ALL_EVENT_TYPES as readonly string[]).indexOf(type);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/**
 * One AfterShip tracking to shipment events (contracts/events.ts):
 * - `shipment.created` at the earliest of the tracking's `created_at` and its first checkpoint
 *   (the parcel existed by then), with carrier slug, tracking number and, when given, the order
 *   id, origin/destination countries and promised date;
 * - one event per checkpoint: `delivered` for a delivered status, `exception` for an exception,
 *   `checkpoint` with the status otherwise; each keeps the carrier's own code (`carrierCode`, the
 *   subtag when given, else the tag) and message;
 * - `eta_updated` at `updated_at` when `expected_delivery` is set.
 *
 * A code the table (status-map.ts) cannot map becomes an alert AND a `shipment.exception` with
 * reason {@link UNMAPPED_REASON} carrying the carrier's code and message: the shipment lands in
 * the exceptions queue for a person to look at, never in a silent `in_transit`.
 *
 * Times: a timestamp with a UTC offset keeps its instant. One without an offset is read in the
 * checkpoint's zone (from its country/state, zones.ts), else in the shipment's zone (the
 * `--zone` option, else the destination's: a single-zone destination country, or the last
 * checkpoint in the destination country whose zone is known). Otherwise it is refused with a
 * message naming the file and field; a refused tracking publishes nothing.
 *
 * Event ids are UUID v5 of the shipment id and the source content, so re-importing the same (or
 * a later, longer) response publishes the same ids and the workers apply nothing twice.
 */
import { v5 as uuidv5 } from 'uuid';
import {
  entityIdSchema,
  EVENT_SOURCES,
  EVENT_TYPES,
  validateEvent,
  type ShipmentStatus,
  type SupplyChainEvent,
} from '../../contracts';
import { localToInstant } from '../olist/time';
import type { AfterShipCheckpoint, SourcedTracking } from './read';
import { mapAfterShipStatus } from './status-map';
import { countryAlpha2, zoneOfLocation } from './zones';

/** CloudEvents `source` of every imported carrier event. */
export const TRACKING_SOURCE = EVENT_SOURCES.carrier.source;
/** Fixed UUID v5 namespace of this import. Never change it: ids of past imports derive from it. */
export const TRACKING_ID_NAMESPACE = '9b6c0f0e-4f1a-4d0e-9d55-2a7c1e3b8f41';
/** `reasonCode` of the exception raised for a carrier code the table cannot map. */
export const UNMAPPED_REASON = 'UNMAPPED_CARRIER_CODE';

/** A code that needs a person: unknown tag or subtag. */
export interface TrackingAlert {
  shipmentId: string;
  /** Where: `file data.tracking.checkpoints.3`. */
  where: string;
  code: string;
  reason: string;
  /** What was published for it: the tag's status, or the unmapped-code exception. */
  published: ShipmentStatus;
}

/** The events of one tracking, or why it is refused. */
export type MappedTracking =
  | { kind: 'mapped'; shipmentId: string; events: SupplyChainEvent[]; alerts: TrackingAlert[] }
  | { kind: 'refused'; shipmentId: string; errors: string[] };

export interface MappingOptions {
  /** IANA zone for zone-less times whose checkpoint and destination zones are unknown. */
  zone?: string;
}

const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** The shipment id of a tracking: `aftership:<slug>:<tracking number>`. */
export function trackingShipmentId(slug: string, trackingNumber: string): string {
  return `aftership:${slug}:${trackingNumber}`;
}

/** The event id for one piece of a shipment's source data. */
export function trackingEventId(shipmentId: string, key: string): string {
  return uuidv5(`${shipmentId}|${key}`, TRACKING_ID_NAMESPACE);
}

function clip(text: string | null | undefined, max: number): string | undefined {
  const t = (text ?? '').trim();
  return t ? t.slice(0, max) : undefined;
}

function locationOf(c: AfterShipCheckpoint): string | undefined {
  const parts = [c.city, c.state, c.zip, c.country_iso3 || c.country_name].map((p) => (p ?? '').trim());
  return clip(c.location, 200) ?? clip(parts.filter(Boolean).join(', '), 200);
}

function checkpointZone(c: AfterShipCheckpoint): string | null {
  return zoneOfLocation({ country: c.country_iso3 || c.country_name, state: c.state });
}

/** The shipment's zone (see the module comment), or null when not known. */
export function shipmentZone(src: SourcedTracking, opts: MappingOptions): string | null {
  if (opts.zone) return opts.zone;
  const destination = countryAlpha2(src.tracking.destination_country_iso3);
  if (!destination) return null;
  const own = zoneOfLocation({ country: destination });
  if (own) return own;
  const inDestination = src.tracking.checkpoints.filter(
    (c) => countryAlpha2(c.country_iso3 || c.country_name) === destination || (!c.country_name && c.state),
  );
  for (const c of inDestination.reverse()) {
    const zone = checkpointZone(c);
    if (zone) return zone;
  }
  return null;
}

/**
 * Maps one tracking.
 * @returns the validated events in source order (created first) with the alerts, or every
 *   refused field
 */
export function mapTracking(src: SourcedTracking, opts: MappingOptions = {}): MappedTracking {
  const t = src.tracking;
  const shipmentId = trackingShipmentId(t.slug, t.tracking_number);
  const at = (field: string) => `${src.file} ${src.pointer}.${field}`;
  const errors: string[] = [];
  if (!entityIdSchema.safeParse(shipmentId).success)
    return {
      kind: 'refused',
      shipmentId,
      errors: [`${at('tracking_number')}: ${JSON.stringify(t.tracking_number)} cannot form a shipment id`],
    };
  const zone = shipmentZone(src, opts);

  /** An RFC 3339 instant for a source timestamp, or null (the error is recorded). */
  const instant = (text: string, field: string, localZone: string | null, why: string): string | null => {
    const value = text.trim();
    if (OFFSET.test(value)) {
      if (Number.isNaN(new Date(value).getTime())) {
        errors.push(`${at(field)}: ${JSON.stringify(text)} is not a valid timestamp`);
        return null;
      }
      return value; // keeps its instant and its offset
    }
    if (!localZone) {
      errors.push(
        `${at(field)}: ${JSON.stringify(text)} has no UTC offset and its time zone is unknown (${why}); ` +
          'give --zone <IANA zone> to read such times in that zone',
      );
      return null;
    }
    const placed = localToInstant(value, localZone);
    if (!placed) errors.push(`${at(field)}: ${JSON.stringify(text)} is not a valid local timestamp`);
    return placed?.iso ?? null;
  };
  const shipmentWhy = `no --zone given and the destination ${JSON.stringify(t.destination_country_iso3 ?? '')} does not name one`;

  type Raw = { type: string; time: string; key: string; data: Record<string, unknown> };
  const raw: Raw[] = [];
  const alerts: TrackingAlert[] = [];
  t.checkpoints.forEach((c, i) => {
    const field = `checkpoints.${i}`;
    const own = checkpointZone(c);
    const why = `checkpoint location ${JSON.stringify(locationOf(c) ?? '')} names no single zone; ${shipmentWhy}`;
    const time = instant(c.checkpoint_time, `${field}.checkpoint_time`, own ?? zone, why);
    if (time === null) return;
    const key = [
      'checkpoint',
      c.checkpoint_time,
      c.tag,
      c.subtag ?? '',
      c.message ?? '',
      locationOf(c) ?? '',
    ].join('|');
    const message = clip(c.message, 1000) ?? clip(c.subtag_message, 1000);
    const location = locationOf(c);
    const mapping = mapAfterShipStatus(c.tag, c.subtag);
    if (mapping.kind === 'unmapped') {
      alerts.push({
        shipmentId,
        where: at(field),
        code: mapping.code,
        reason: mapping.reason,
        published: 'exception',
      });
      raw.push({
        type: EVENT_TYPES.shipmentException,
        time,
        key,
        data: {
          reasonCode: UNMAPPED_REASON,
          message: clip(`${mapping.reason}; carrier said: ${message ?? '(no message)'}`, 1000),
          carrierCode: clip(mapping.code, 64),
        },
      });
      return;
    }
    if (mapping.kind === 'unknown_subtag')
      alerts.push({
        shipmentId,
        where: at(field),
        code: mapping.code,
        reason: mapping.reason,
        published: mapping.status,
      });
    const carrierCode = clip(mapping.code, 64);
    if (mapping.status === 'delivered')
      raw.push({
        type: EVENT_TYPES.shipmentDelivered,
        time,
        key,
        data: { location, message, carrierCode, signedBy: clip(t.signed_by, 128) },
      });
    else if (mapping.status === 'exception')
      raw.push({
        type: EVENT_TYPES.shipmentException,
        time,
        key,
        data: { reasonCode: carrierCode, message, carrierCode },
      });
    else
      raw.push({
        type: EVENT_TYPES.shipmentCheckpoint,
        time,
        key,
        data: { status: mapping.status, location, message, carrierCode },
      });
  });

  // Created: the earliest of created_at and the first checkpoint.
  const createdAt = t.created_at ? instant(t.created_at, 'created_at', zone, shipmentWhy) : null;
  const times = [createdAt, ...raw.map((r) => r.time)].filter((x): x is string => x !== null);
  const first = times.reduce<string | null>(
    (a, b) => (a === null || new Date(b).getTime() < new Date(a).getTime() ? b : a),
    null,
  );
  if (first === null && errors.length === 0)
    errors.push(`${at('created_at')}: missing, and the tracking has no checkpoint to date the shipment by`);
  const orderId = t.order_id && entityIdSchema.safeParse(t.order_id).success ? t.order_id : undefined;
  const promised = clip(t.order_promised_delivery_date, 64)?.slice(0, 10);
  const created: Raw = {
    type: EVENT_TYPES.shipmentCreated,
    time: first ?? '',
    key: 'created',
    data: {
      orderId,
      carrier: clip(t.slug, 64),
      trackingNumber: clip(t.tracking_number, 64),
      origin: clip(t.origin_country_iso3, 200),
      destination: clip(t.destination_country_iso3, 200),
      promisedDate: promised,
    },
  };
  if (t.expected_delivery) {
    const eta = instant(t.expected_delivery, 'expected_delivery', zone, shipmentWhy);
    const reported = t.updated_at ? instant(t.updated_at, 'updated_at', zone, shipmentWhy) : first;
    if (eta && reported)
      raw.push({
        type: EVENT_TYPES.shipmentEtaUpdated,
        time: reported,
        key: `eta|${t.expected_delivery}`,
        data: { eta },
      });
  }
  if (errors.length > 0) return { kind: 'refused', shipmentId, errors };

  const events: SupplyChainEvent[] = [];
  const seen = new Set<string>();
  for (const r of [created, ...raw]) {
    // A checkpoint repeated verbatim in the response is one event.
    if (seen.has(r.key)) continue;
    seen.add(r.key);
    const data = Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined));
    const result = validateEvent({
      specversion: '1.0',
      id: trackingEventId(shipmentId, r.key),
      source: TRACKING_SOURCE,
      type: r.type,
      subject: shipmentId,
      time: r.time,
      datacontenttype: 'application/json',
      data,
    });
    if (!result.ok) {
      const issue = result.issues[0]!;
      errors.push(`${at(r.key)}: the ${r.type} event is invalid: ${issue.field} ${issue.message}`);
      continue;
    }
    events.push(result.event);
  }
  if (errors.length > 0) return { kind: 'refused', shipmentId, errors };
  return { kind: 'mapped', shipmentId, events, alerts };
}
